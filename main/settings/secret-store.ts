// Secrets (Supabase key, backup passphrase, backup installation key) encrypted with the OS
// keychain and kept in their own file, so the plain settings file never holds one. The page
// can set or clear a secret but never read one back (SecretsInfo says only which are set).
// On Linux without a keyring safeStorage still "encrypts", with a key hard-coded in Chromium:
// saving keeps working, but info() reports backend 'basic_text', never 'keychain', so the
// window says the secrets are not protected.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ensureDir, writeFileAtomic } from '../engine/auth-store/atomic-fs.js';
import { SerialQueue } from '../engine/auth-store/serial-queue.js';
import type { SecretsInfo } from '../ipc/contract.js';
import { SECRET_NAMES, type SecretName } from './schema.js';
import type { Encryptor } from './encryptor.js';

/** Secrets main keeps for itself; the page cannot set these. */
export const INTERNAL_SECRET_NAMES = ['backupInstallationKey', 'apiToken', 'apiWebhookSecrets'] as const;
export type StoredSecretName = SecretName | (typeof INTERNAL_SECRET_NAMES)[number];
const ALL_NAMES: readonly string[] = [...SECRET_NAMES, ...INTERNAL_SECRET_NAMES];

export const SECRETS_FILE_NAME = 'secrets.json';

interface SecretsFile {
  format: 1;
  /** base64 of what the encryptor produced */
  secrets: Partial<Record<StoredSecretName, string>>;
}

export class SecretsUnavailableError extends Error {
  constructor() {
    super('This system offers no way to encrypt secrets (no keychain), so they cannot be saved.');
    this.name = 'SecretsUnavailableError';
  }
}

export class SecretStore {
  readonly path: string;
  private readonly writes = new SerialQueue();

  constructor(
    dir: string,
    private readonly encryptor: Encryptor,
  ) {
    this.path = join(dir, SECRETS_FILE_NAME);
  }

  private read(): SecretsFile {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { format: 1, secrets: {} };
      throw err;
    }
    const parsed = JSON.parse(text) as Partial<SecretsFile>;
    const secrets: SecretsFile['secrets'] = {};
    for (const [k, v] of Object.entries(parsed.secrets ?? {})) {
      if (ALL_NAMES.includes(k) && typeof v === 'string') secrets[k as StoredSecretName] = v;
    }
    return { format: 1, secrets };
  }

  /** The engine's durable writer: folder 0700, file 0600, whole or not at all, fsynced. */
  private async write(file: SecretsFile): Promise<void> {
    await ensureDir(dirname(this.path));
    await writeFileAtomic(dirname(this.path), basename(this.path), `${JSON.stringify(file, null, 2)}\n`);
  }

  /**
   * Encrypts and stores a secret; null or '' removes it. Changes run in turn, each reading the
   * file the one before it wrote, so two quick changes never drop one another.
   */
  set(name: StoredSecretName, value: string | null): Promise<void> {
    return this.writes.run(async () => {
      const file = this.read();
      if (value === null || value === '') delete file.secrets[name];
      else {
        if (!this.encryptor.isEncryptionAvailable()) throw new SecretsUnavailableError();
        file.secrets[name] = this.encryptor.encryptString(value).toString('base64');
      }
      await this.write(file);
    });
  }

  /** The secret in plain text (main only), or null when not set. */
  get(name: StoredSecretName): string | null {
    const b64 = this.read().secrets[name];
    if (b64 === undefined) return null;
    if (!this.encryptor.isEncryptionAvailable()) throw new SecretsUnavailableError();
    return this.encryptor.decryptString(Buffer.from(b64, 'base64'));
  }

  has(name: StoredSecretName): boolean {
    return this.read().secrets[name] !== undefined;
  }

  info(): SecretsInfo {
    const secrets = this.read().secrets;
    const set = Object.fromEntries(SECRET_NAMES.map((n) => [n, secrets[n] !== undefined])) as Record<SecretName, boolean>;
    return { set, backend: this.encryptor.backend() };
  }
}
