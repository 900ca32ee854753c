// Where the backup key comes from: ONE file, `<data>/keys/backup-installation.key` (0600 in a
// 0700 folder), read by the tray app and headless runs alike, so the recovery key either prints
// is the one that opens their backups. It holds the recovery-key text, so a damaged file is
// reported as damaged (checksum) instead of silently encrypting with a wrong key. The key is
// never created by a read: only a backup attempt that has checked no generation needs the old
// key may create one (BackupManager), and `recovery-key` never creates anything. A passphrase,
// when set, wins over the file. Nothing here logs keys.
import { chmod, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { BackupSecret } from './envelope.js';
import { BackupError } from './errors.js';
import { formatRecoveryKey, generateInstallationKey, parseRecoveryKey } from './recovery-key.js';
import { createFileAtomic, ensureDir, errCode } from '../auth-store/atomic-fs.js';

export interface SecretRequest {
  /**
   * A missing key file may become a new key. Only the backup manager sets this, after checking
   * that no stored generation was made with an installation key (which the new one could not open).
   */
  createKey?: boolean;
}

/**
 * Asked for the secret before each backup and restore; the shell can swap in its own. Without
 * `createKey`, a missing key file is BackupError('key-missing'), never a new key.
 */
export type BackupSecretProvider = (request?: SecretRequest) => Promise<BackupSecret>;

/** `${dataDir}/keys/backup-installation.key` */
export function installationKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'backup-installation.key');
}

export function keyMissingError(path: string): BackupError {
  return new BackupError(
    'key-missing',
    `there is no backup key on this computer (${path} is missing): restore with your recovery key, or put the key file back`,
  );
}

/** The key in the file, or null when there is no file. A damaged file throws: it is never replaced. */
export async function readInstallationKey(path: string): Promise<Buffer | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errCode(err) === 'ENOENT') return null;
    throw err;
  }
  // A key file loosened by a copy or backup tool is tightened again, never trusted as-is.
  if (process.platform !== 'win32' && ((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  try {
    return parseRecoveryKey(text);
  } catch (cause) {
    // Never replace it: every backup made so far needs exactly this key.
    throw new BackupError('bad-recovery-key', `the backup key file ${path} is damaged; restore it from the recovery key`, { cause });
  }
}

/**
 * Writes `key` as the key file unless one exists (0600 file in a 0700 folder, never overwriting:
 * a crash leaves no half-written key, and two racing writers end up with one key). Returns what
 * the file holds afterwards and whether this call wrote it.
 */
export async function installInstallationKey(path: string, key: Uint8Array): Promise<{ key: Buffer; written: boolean }> {
  const dir = dirname(path);
  await ensureDir(dir);
  if (await createFileAtomic(dir, basename(path), `${formatRecoveryKey(key)}\n`)) return { key: Buffer.from(key), written: true };
  const existing = await readInstallationKey(path);
  if (!existing) throw keyMissingError(path);
  return { key: existing, written: false };
}

export interface KeyFileSecretOptions {
  /** the key file, e.g. installationKeyPath(dataDir) */
  keyFile: string;
  /** the user's backup passphrase; when it returns a non-empty string it wins over the key file */
  passphrase?: () => string | null | undefined;
  /** told once when this provider created a new installation key (say "export your recovery key") */
  onCreated?: (path: string) => void;
}

/** Passphrase when set, otherwise the installation key from the key file (read once, then cached). */
export function keyFileSecretProvider(opts: KeyFileSecretOptions): BackupSecretProvider {
  let cached: Buffer | null = null;
  return async (request = {}) => {
    const passphrase = opts.passphrase?.();
    if (passphrase) return { passphrase };
    if (cached) return { installationKey: cached };
    let key = await readInstallationKey(opts.keyFile);
    if (!key) {
      if (!request.createKey) throw keyMissingError(opts.keyFile);
      const fresh = generateInstallationKey();
      const r = await installInstallationKey(opts.keyFile, fresh);
      fresh.fill(0);
      if (r.written) opts.onCreated?.(opts.keyFile);
      key = r.key;
    }
    cached = key;
    return { installationKey: key };
  };
}
