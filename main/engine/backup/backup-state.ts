// Per-phone backup memory (`state/<phoneId>/backup.json`): what was last uploaded, and the
// pending retry, so a restart neither re-uploads unchanged content nor forgets a failing target.
import { numOrNull, readStateFile, writeStateFile } from '../state-file.js';

export interface BackupState {
  version: 1;
  /** content hash of the newest uploaded (or restored) generation */
  lastContentHash: string | null;
  lastBackupAt: number | null;
  lastBackupGeneration: string | null;
  lastBackupError: string | null;
  /** first failure of the current run of failures; null when the last attempt succeeded */
  backupFailingSince: number | null;
  /** failures in a row (drives the backoff) */
  failures: number;
  /** ms since epoch of the next scheduled attempt (retry or debounced creds change) */
  nextAttemptAt: number | null;
  /** the phone was logged out / unlinked: its backups must not be revived at start */
  retired: boolean;
  /** the last upload was stored but old generations could not be removed (e.g. deletes silently refused); absent in older files */
  pruneWarning?: string | null;
}

export const EMPTY_BACKUP_STATE: Readonly<BackupState> = Object.freeze({
  version: 1,
  lastContentHash: null,
  lastBackupAt: null,
  lastBackupGeneration: null,
  lastBackupError: null,
  backupFailingSince: null,
  failures: 0,
  nextAttemptAt: null,
  retired: false,
  pruneWarning: null,
});

const FILE = 'backup.json';

function isState(v: unknown): v is BackupState {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  const strOrNull = (x: unknown): boolean => x === null || typeof x === 'string';
  return (
    s.version === 1 &&
    strOrNull(s.lastContentHash) &&
    numOrNull(s.lastBackupAt) &&
    strOrNull(s.lastBackupGeneration) &&
    strOrNull(s.lastBackupError) &&
    numOrNull(s.backupFailingSince) &&
    typeof s.failures === 'number' &&
    numOrNull(s.nextAttemptAt) &&
    typeof s.retired === 'boolean' &&
    (s.pruneWarning === undefined || strOrNull(s.pruneWarning))
  );
}

/** A damaged file is set aside and the phone starts from empty state (worst case: one extra upload). */
export async function readBackupState(dir: string, now: number): Promise<{ state: BackupState; setAside: string | null }> {
  const { value, setAside } = await readStateFile(dir, FILE, isState, EMPTY_BACKUP_STATE, now);
  return { state: value, setAside };
}

export async function writeBackupState(dir: string, state: BackupState): Promise<void> {
  await writeStateFile(dir, FILE, state);
}
