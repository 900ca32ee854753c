// Where the backup key comes from. The shell may replace the provider (OS keychain via
// Electron safeStorage); headless runs keep the installation key in a 0600 file under the
// data folder. The key is stored as its recovery-key text, so a damaged file is reported as
// damaged (checksum) instead of silently encrypting with a wrong key. Nothing here logs keys.
import { chmod, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { BackupSecret } from './envelope.js';
import { BackupError } from './errors.js';
import { formatRecoveryKey, generateInstallationKey, parseRecoveryKey } from './recovery-key.js';
import { createFileAtomic, ensureDir, errCode } from '../auth-store/atomic-fs.js';

/** Asked for the secret before each backup and restore; the shell can swap in its own. */
export type BackupSecretProvider = () => Promise<BackupSecret>;

/** `${dataDir}/keys/backup-installation.key` */
export function installationKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'backup-installation.key');
}

async function readKeyFile(path: string): Promise<Buffer> {
  const text = await readFile(path, 'utf8');
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
 * Reads the installation key, creating it on first use (0600 file in a 0700 folder). Creation
 * never overwrites (createFileAtomic), so a crash never leaves a half-written key and two racing
 * callers end up with the same key.
 */
export async function loadOrCreateInstallationKey(path: string): Promise<{ key: Buffer; created: boolean }> {
  try {
    return { key: await readKeyFile(path), created: false };
  } catch (err) {
    if (errCode(err) !== 'ENOENT') throw err;
  }
  const dir = dirname(path);
  await ensureDir(dir);
  const key = generateInstallationKey();
  let created: boolean;
  try {
    created = await createFileAtomic(dir, basename(path), `${formatRecoveryKey(key)}\n`);
  } catch (err) {
    key.fill(0);
    throw err;
  }
  if (created) return { key, created: true };
  // A racing caller published its key first: every backup must use that one.
  key.fill(0);
  return { key: await readKeyFile(path), created: false };
}

/** The person-readable form of the installation key (creating it if needed), for "export recovery key". */
export async function exportRecoveryKey(path: string): Promise<string> {
  return formatRecoveryKey((await loadOrCreateInstallationKey(path)).key);
}

export interface HeadlessSecretOptions {
  /** the key file, e.g. installationKeyPath(dataDir) */
  keyFile: string;
  /** the user's backup passphrase; when it returns a non-empty string it wins over the key file */
  passphrase?: () => string | null | undefined;
  /** told once when a new installation key was created (say "export your recovery key") */
  onCreated?: (path: string) => void;
}

/** Passphrase when set, otherwise the installation key from the key file (read once, then cached). */
export function headlessSecretProvider(opts: HeadlessSecretOptions): BackupSecretProvider {
  let cached: Promise<Buffer> | null = null;
  return async () => {
    const passphrase = opts.passphrase?.();
    if (passphrase) return { passphrase };
    cached ??= loadOrCreateInstallationKey(opts.keyFile).then(({ key, created }) => {
      if (created) opts.onCreated?.(opts.keyFile);
      return key;
    });
    try {
      return { installationKey: await cached };
    } catch (err) {
      cached = null; // a transient read error must not stick for the app's lifetime
      throw err;
    }
  };
}
