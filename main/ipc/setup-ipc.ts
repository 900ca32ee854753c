// Wires the router to ipcMain: one handle per contract channel, each going through the router
// (so sender and payload checks run before any handler), and push helpers for main → page.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { INVOKE, PUSH } from './contract.js';
import type { IpcRouter } from './router.js';

export function setupIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, router: IpcRouter): () => void {
  const channels = Object.values(INVOKE).map((d) => d.channel);
  for (const channel of channels) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown) => router(channel, event, payload));
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

type PushChannel = (typeof PUSH)[keyof typeof PUSH];

/** Sends to the page if it is there; a closed or crashed page just misses the message. */
export function push(webContents: WebContents | null | undefined, channel: PushChannel, payload: unknown): void {
  if (!webContents || webContents.isDestroyed()) return;
  webContents.send(channel, payload);
}
