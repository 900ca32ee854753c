// Builds window.keeper from an ipcRenderer-like object. Kept apart from contextBridge so Node
// tests can drive it: invokes unwrap IpcResult (a failure rejects with its IpcFailure), subscriptions
// hand listeners the payload only (never the IpcRendererEvent, whose `sender` is ipcRenderer).
// channel names only at run time: the valibot schemas stay in main, which validates every payload
import { INVOKE_CHANNEL, PUSH, type InvokeName } from '../main/ipc/channels.js';
import type { IpcResult, KeeperApi } from '../main/ipc/contract.js';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createKeeperApi(ipc: IpcRendererLike): KeeperApi {
  async function call<T>(name: InvokeName, payload?: unknown): Promise<T> {
    const result = (await (payload === undefined ? ipc.invoke(INVOKE_CHANNEL[name]) : ipc.invoke(INVOKE_CHANNEL[name], payload))) as IpcResult<T>;
    if (result.ok) return result.value;
    // Plain data, not an Error: it must reach the page through the contextBridge with its code.
    throw result.error;
  }
  function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
    const wrapped = (_event: unknown, value: unknown) => listener(value as T);
    ipc.on(channel, wrapped);
    return () => {
      ipc.removeListener(channel, wrapped);
    };
  }
  // undefined-valued keys are left out so the strict schemas see exactly what was meant
  const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

  const api: KeeperApi = {
    getStatuses: () => call('getStatuses'),
    onStatus: (l) => subscribe(PUSH.status, l),
    getLog: (query) => call('getLog', query === undefined ? undefined : defined(query)),
    onLog: (l) => subscribe(PUSH.log, l),
    reconnect: (phoneId) => call('reconnect', { phoneId }),
    requestQr: (phoneId) => call('requestQr', { phoneId }),
    requestPairingCode: (phoneId, phoneNumber) => call('requestPairingCode', { phoneId, phoneNumber }),
    logout: (phoneId) => call('logout', { phoneId }),
    backupNow: (phoneId) => call('backupNow', { phoneId }),
    listBackups: (phoneId) => call('listBackups', { phoneId }),
    checkBackupTarget: () => call('checkBackupTarget'),
    restore: (phoneId, generation) => call('restore', defined({ phoneId, generation })),
    keepAliveNow: (phoneId, options) => call('keepAliveNow', defined({ phoneId, force: options?.force })),
    pauseKeepAlive: (phoneId) => call('pauseKeepAlive', { phoneId }),
    resumeKeepAlive: (phoneId) => call('resumeKeepAlive', { phoneId }),
    resumeSending: (phoneId) => call('resumeSending', { phoneId }),
    importSession: (phoneId, options) => call('importSession', defined({ phoneId, replace: options?.replace })),
    getSettings: () => call('getSettings'),
    setSettings: (settings) => call('setSettings', settings),
    updateSettings: (sections) => call('updateSettings', sections),
    onSettings: (l) => subscribe(PUSH.settings, l),
    setSecret: (name, value) => call('setSecret', { name, value }),
    getEnvironment: () => call('getEnvironment'),
    exportLog: (phoneId) => call('exportLog', phoneId === undefined ? undefined : { phoneId }),
    getApiState: () => call('getApiState'),
    newApiSecret: (target) => call('newApiSecret', target),
    getUptime: (phoneId, options) => call('getUptime', defined({ phoneId, days: options?.days })),
    exportRecoveryKey: (options) => call('exportRecoveryKey', { toFile: options.toFile }),
    onFocusPhone: (l) => subscribe(PUSH.focusPhone, l),
    onUpdate: (l) => subscribe(PUSH.update, l),
  };
  // frozen: the page cannot swap a method for one that sends elsewhere
  return Object.freeze(api);
}
