// What the window says when an action fails. A refusal the engine made on purpose (sleep window,
// unknown phone, a backup that cannot be opened…) carries its reason: show it. Anything else is
// 'internal' — a bug or an I/O failure whose message means nothing to the person — so say so
// plainly and point at the log, where main wrote the details.
import type { IpcFailure } from '../../main/ipc/contract.js';

export const INTERNAL_ERROR_TEXT = "Something went wrong. The details are in Session Keeper's log file.";

/** A window.keeper rejection (plain data, see IpcFailure). */
export function isIpcFailure(err: unknown): err is IpcFailure {
  return typeof err === 'object' && err !== null && typeof (err as IpcFailure).code === 'string' && typeof (err as IpcFailure).message === 'string';
}

export function errorText(err: unknown): string {
  if (isIpcFailure(err)) return err.code === 'internal' ? INTERNAL_ERROR_TEXT : err.message;
  return err instanceof Error ? err.message : String(err);
}
