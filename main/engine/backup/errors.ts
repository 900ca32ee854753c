// Typed failures so callers (and the person reading the tray) can tell "try another
// passphrase" from "this file is damaged" from "the cloud is down, try later".

export type BackupErrorCode =
  | 'not-a-backup' // magic missing: some other file
  | 'unsupported-version' // made by a newer app, or a header we do not understand
  | 'damaged' // truncated, flipped bytes, failed authentication
  | 'wrong-key' // key check failed: wrong passphrase or installation key
  | 'invalid-session' // decrypted fine, but the files are not a usable session
  | 'bad-recovery-key' // typo in a recovery key (checksum)
  | 'source-unreadable' // the live session folder could not be read consistently
  | 'destination-exists'; // restore would overwrite something

export class BackupError extends Error {
  readonly code: BackupErrorCode;
  constructor(code: BackupErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupError';
    this.code = code;
  }
}

export type TargetErrorCode =
  | 'access' // key valid but not allowed, or key wrong: a person must fix settings
  | 'retryable' // 5xx, timeout, connection reset: try again later
  | 'not-found'
  | 'conflict' // the generation name exists already; we never overwrite
  | 'invalid' // bad phone id / generation name handed to a target
  | 'failed'; // anything else, not worth retrying blindly

export class BackupTargetError extends Error {
  readonly code: TargetErrorCode;
  readonly retryable: boolean;
  constructor(code: TargetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupTargetError';
    this.code = code;
    this.retryable = code === 'retryable';
  }
}
