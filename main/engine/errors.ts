// One error base for everything the engine refuses on purpose. The `code` travels through IPC
// to the window, so "refused in the sleep window" never looks like a crash.

export type KeeperErrorCode =
  | 'unknown-phone'
  | 'invalid-input'
  | 'invalid-settings'
  | 'not-linked'
  | 'already-linked'
  | 'not-connected'
  /** messaging: the phone has no open connection to send on */
  | 'not-open'
  /** messaging: the number has no WhatsApp account */
  | 'not-on-whatsapp'
  | 'refused-by-gate'
  | 'restore-refused'
  | 'backup-failed'
  | 'storage-error'
  | 'data-folder-locked'
  | 'data-folder-unwritable'
  | 'restarting'
  | 'internal';

export class KeeperError extends Error {
  constructor(
    readonly code: KeeperErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KeeperError';
  }
}

/** The code of any error: a KeeperError's own, else 'internal'. */
export function errorCode(err: unknown): KeeperErrorCode {
  return err instanceof KeeperError ? err.code : 'internal';
}
