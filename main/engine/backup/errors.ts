// Typed failures so callers (and the person reading the tray) can tell "try another
// passphrase" from "this file is damaged" from "the cloud is down, try later". Each is a
// KeeperError: `code` is the coarse one the window understands, `kind` the backup's own.
import { KeeperError, type KeeperErrorCode } from '../errors.js';

export type BackupErrorKind =
  | 'not-a-backup' // magic missing: some other file
  | 'unsupported-version' // made by a newer app, or a header we do not understand
  | 'damaged' // truncated, flipped bytes, failed authentication
  | 'wrong-key' // key check failed: wrong passphrase or installation key
  | 'invalid-session' // decrypted fine, but the files are not a usable session
  | 'bad-recovery-key' // typo in a recovery key (checksum)
  | 'key-missing' // no installation key on this computer: restore needs the recovery key
  | 'no-recovery-key' // the newest backups do not open with this computer's key (passphrase, other key)
  | 'source-unreadable' // the live session folder could not be read consistently
  | 'destination-exists'; // restore would overwrite something

export class BackupError extends KeeperError {
  constructor(
    readonly kind: BackupErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    // Only reading the live session is on the backup side; everything else refuses a restore.
    super(kind === 'source-unreadable' ? 'backup-failed' : 'restore-refused', message, options);
    this.name = 'BackupError';
  }
}

export type TargetErrorKind =
  | 'access' // key valid but not allowed, or key wrong: a person must fix settings
  | 'retryable' // 5xx, timeout, connection reset: try again later
  | 'not-found'
  | 'conflict' // the generation name exists already; we never overwrite
  | 'invalid' // bad phone id / generation name handed to a target
  | 'failed'; // anything else, not worth retrying blindly

const TARGET_CODE: Record<TargetErrorKind, KeeperErrorCode> = {
  access: 'storage-error',
  retryable: 'storage-error',
  'not-found': 'restore-refused',
  conflict: 'storage-error',
  invalid: 'invalid-input',
  failed: 'storage-error',
};

export class BackupTargetError extends KeeperError {
  readonly retryable: boolean;
  constructor(
    readonly kind: TargetErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(TARGET_CODE[kind], message, options);
    this.name = 'BackupTargetError';
    this.retryable = kind === 'retryable';
  }
}
