// The backup key for the tray app: the user's passphrase when set (kept encrypted in the secret
// store), otherwise the installation key in the engine's key file, the same file headless runs
// read, so `recovery-key` and "Export recovery key…" hand out the key that opens the backups.
// Earlier versions kept the installation key only in secrets.json; that key is moved into the
// key file once (or, if a different key file already exists, set aside next to it, never lost).
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { BackupSecretProvider } from '../engine/backup/key-store.js';
import { installInstallationKey, keyFileSecretProvider } from '../engine/backup/key-store.js';
import { formatRecoveryKey, parseRecoveryKey } from '../engine/backup/recovery-key.js';
import { createFileAtomic } from '../engine/auth-store/atomic-fs.js';
import type { SecretStore } from './secret-store.js';

export interface AppBackupSecretOptions {
  secrets: SecretStore;
  /** without it the secret store cannot be read, so an old stored key waits for a later start */
  encryptionAvailable: boolean;
  /** the engine's installation key file, e.g. installationKeyPath(dataDir) */
  keyFile: string;
  /** a new installation key was created (the backup manager also logs it) */
  onCreated?: (where: string) => void;
  /** the stored key of an earlier version was moved to the key file or set aside */
  onAdopted?: (message: string) => void;
}

/** Moves the key an earlier version kept in secrets.json into the key file; returns what happened. */
export async function adoptStoredInstallationKey(secrets: SecretStore, keyFile: string): Promise<string | null> {
  const text = secrets.get('backupInstallationKey');
  if (!text) return null;
  const legacy = parseRecoveryKey(text);
  const { key, written } = await installInstallationKey(keyFile, legacy);
  let said: string;
  if (written || key.equals(legacy)) {
    said = `The backup key kept in the secret store is now in ${keyFile}, shared with headless runs.`;
  } else {
    // Two keys: the file stays the one used; the other still opens what it made, so keep it.
    const id = createHash('sha256').update(legacy).digest('hex').slice(0, 8);
    const aside = join(dirname(keyFile), `${basename(keyFile, '.key')}.previous-${id}.key`);
    await createFileAtomic(dirname(aside), basename(aside), `${formatRecoveryKey(legacy)}\n`);
    said = `The secret store held a different backup key than ${keyFile}; the file stays in use and the other key was kept as ${aside} (it is the recovery key of backups made with it).`;
  }
  await secrets.set('backupInstallationKey', null);
  return said;
}

export function appBackupSecretProvider(opts: AppBackupSecretOptions): BackupSecretProvider {
  const fromFile = keyFileSecretProvider({
    keyFile: opts.keyFile,
    passphrase: () => opts.secrets.get('backupPassphrase'),
    ...(opts.onCreated ? { onCreated: opts.onCreated } : {}),
  });
  let adopted = !opts.encryptionAvailable;
  return async (request) => {
    if (!adopted) {
      const said = await adoptStoredInstallationKey(opts.secrets, opts.keyFile);
      adopted = true;
      if (said) opts.onAdopted?.(said);
    }
    return fromFile(request);
  };
}
