// One backup attempt's pipeline: snapshot → verify → seal → put, with the key rules (a missing
// key file becomes a new key only when no stored generation needs the old one; a generation the
// current secret cannot open is never pruned). No timers and no backup state here: the manager
// decides when an attempt runs and records what it returns.
import type { LogLevel } from '../types.js';
import type { BackupPhonePort } from './backup-manager.js';
import { sealBackup, type BackupInfo } from './archive.js';
import { readHeader, secretOpens, type BackupSecret } from './envelope.js';
import { BackupError } from './errors.js';
import type { BackupSecretProvider } from './key-store.js';
import { putGeneration, type PutResult } from './retention.js';
import { readSessionSnapshot, type SessionSnapshot } from './session-snapshot.js';
import type { BackupTarget } from './targets.js';
import { verifyCredsJson } from './verify-session.js';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The live session read under the store's write lock, or why it is not worth uploading. */
export async function verifiedSnapshot(
  port: Pick<BackupPhonePort, 'withWriteLock' | 'sessionDir'>,
): Promise<{ ok: true; snapshot: SessionSnapshot } | { ok: false; level: LogLevel; reason: string }> {
  let snapshot: SessionSnapshot;
  try {
    snapshot = await port.withWriteLock(() => readSessionSnapshot(port.sessionDir));
  } catch (err) {
    return { ok: false, level: 'warn', reason: message(err) };
  }
  const creds = snapshot.files.find((f) => f.name === 'creds.json');
  try {
    if (!creds) throw new Error('no creds.json');
    verifyCredsJson(creds.bytes);
  } catch (err) {
    return { ok: false, level: 'error', reason: `the session's creds.json does not verify (${message(err)}); a broken session is never uploaded` };
  }
  return { ok: true, snapshot };
}

export interface SealAndPut {
  target: BackupTarget;
  port: Pick<BackupPhonePort, 'phoneId' | 'log'>;
  /** every registered phone: a new key must not orphan any of their generations */
  allPhoneIds: string[];
  secret: BackupSecretProvider;
  snapshot: SessionSnapshot;
  info: BackupInfo;
  now: number;
  keep: number;
}

/** Seals the snapshot and stores it as a new generation, pruning what may be pruned. */
export async function sealAndPut(a: SealAndPut): Promise<{ put: PutResult; bytes: number }> {
  const secret = await secretForSealing(a);
  const sealed = await sealBackup(a.snapshot, a.info, secret, a.now);
  const phoneId = a.port.phoneId;
  const mayPrune = async (name: string) => secretOpens(await a.target.get(phoneId, name), secret).catch(() => false);
  const put = await putGeneration(a.target, phoneId, sealed.bytes, a.now, a.keep, mayPrune);
  return { put, bytes: sealed.bytes.length };
}

/**
 * The secret for a new generation. A missing key file becomes a new key only when no stored
 * generation of any phone was made with an installation key: those need the old key, and a
 * silent new one would make every later backup (and the recovery key) unable to open them.
 */
async function secretForSealing(a: SealAndPut): Promise<BackupSecret> {
  try {
    return await a.secret();
  } catch (err) {
    if (!(err instanceof BackupError && err.kind === 'key-missing')) {
      throw new BackupError('wrong-key', `the backup key is not available (${message(err)})`, { cause: err });
    }
    const keyed = await generationsMadeWithAKey(a.target, a.allPhoneIds);
    if (keyed.length > 0) {
      throw new BackupError(
        'key-missing',
        `${message(err)}. ${keyed.length} stored backups were made with it (newest ${keyed[0]}), so no new key is made: ` +
          'restore with your recovery key (it puts the key back) or copy the key file back',
        { cause: err },
      );
    }
    const secret = await a.secret({ createKey: true });
    a.port.log('warn', 'backup.key-created', 'Created a new backup key (no backup needed an older one). Export the recovery key now: it is what restores these backups on another computer.');
    return secret;
  }
}

/** Stored generations of these phones whose header says "installation key", newest first. */
async function generationsMadeWithAKey(target: BackupTarget, phoneIds: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const phoneId of phoneIds) {
    for (const entry of await target.list(phoneId)) {
      try {
        if (readHeader(await target.get(phoneId, entry.name)).header.kdf.name === 'none') found.push(entry.name);
      } catch (err) {
        if (!(err instanceof BackupError)) throw err; // unreadable junk needs no key
      }
    }
  }
  return found.sort().reverse();
}
