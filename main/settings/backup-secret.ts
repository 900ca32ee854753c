// The backup key for the app: the user's passphrase when set, otherwise the installation key,
// both kept encrypted in the secret store. A key file a headless run created earlier is adopted
// (same data folder, same backups) rather than replaced; without any encryption the engine's
// 0600 key file stays the fallback, as for headless runs.
import { existsSync, readFileSync } from 'node:fs';
import type { BackupSecretProvider } from '../engine/backup/key-store.js';
import { headlessSecretProvider } from '../engine/backup/key-store.js';
import { formatRecoveryKey, generateInstallationKey, parseRecoveryKey } from '../engine/backup/recovery-key.js';
import type { SecretStore } from './secret-store.js';

export function appBackupSecretProvider(opts: {
  secrets: SecretStore;
  encryptionAvailable: boolean;
  /** the engine's installation key file, e.g. installationKeyPath(dataDir) */
  keyFile: string;
  onCreated?: (where: string) => void;
}): BackupSecretProvider {
  if (!opts.encryptionAvailable) {
    return headlessSecretProvider({
      keyFile: opts.keyFile,
      passphrase: () => opts.secrets.get('backupPassphrase'),
      ...(opts.onCreated ? { onCreated: opts.onCreated } : {}),
    });
  }
  return () => {
    const passphrase = opts.secrets.get('backupPassphrase');
    if (passphrase) return Promise.resolve({ passphrase });
    const stored = opts.secrets.get('backupInstallationKey');
    if (stored) return Promise.resolve({ installationKey: parseRecoveryKey(stored) });
    let key: Buffer;
    if (existsSync(opts.keyFile)) key = parseRecoveryKey(readFileSync(opts.keyFile, 'utf8'));
    else {
      key = generateInstallationKey();
      opts.onCreated?.('the encrypted secret store');
    }
    opts.secrets.set('backupInstallationKey', formatRecoveryKey(key));
    return Promise.resolve({ installationKey: key });
  };
}
