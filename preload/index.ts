// The sandboxed preload: exposes window.keeper (the KeeperApi) and nothing else — never
// ipcRenderer itself, which would let the page send on any channel.
import { contextBridge, ipcRenderer } from 'electron';
import { createKeeperApi } from './keeper-api.js';

contextBridge.exposeInMainWorld('keeper', createKeeperApi(ipcRenderer));
