// What the secret store needs from an encryptor: Electron's safeStorage in the app (adapter in
// safe-storage-encryptor.ts), a real AES-GCM one in Node tests and headless runs.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretsInfo } from '../ipc/contract.js';

export type SecretsBackend = SecretsInfo['backend'];

export interface Encryptor {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** how well the secrets are protected: an OS keychain, obfuscation only, or not at all */
  backend(): SecretsBackend;
}

/** Linux password stores that really hold the key (electron.d.ts getSelectedStorageBackend). */
const LINUX_KEYRINGS: readonly string[] = ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'];

/**
 * safeStorage's answer mapped to what the window says. On Linux without a keyring Chromium
 * falls back to 'basic_text': encryptString still works, but with a key hard-coded in Chromium,
 * so the secrets are obfuscated, not protected. Only a named keyring counts as one; 'unknown'
 * (asked before ready) or a name this code does not know is reported as basic_text too.
 */
export function secretsBackend(platform: NodeJS.Platform, available: boolean, linuxBackend: string | null): SecretsBackend {
  if (!available) return 'unavailable';
  if (platform === 'linux' && !LINUX_KEYRINGS.includes(linuxBackend ?? '')) return 'basic_text';
  return 'keychain';
}

const IV = 12;
const TAG = 16;

/** AES-256-GCM with a key held by the caller: iv ‖ tag ‖ ciphertext. */
export class AesGcmEncryptor implements Encryptor {
  private readonly key: Buffer;

  constructor(key: Uint8Array, private readonly reported: SecretsBackend = 'keychain') {
    if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
    this.key = Buffer.from(key);
  }

  isEncryptionAvailable(): boolean {
    return true;
  }

  backend(): SecretsBackend {
    return this.reported;
  }

  encryptString(plain: string): Buffer {
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  decryptString(encrypted: Buffer): string {
    if (encrypted.length < IV + TAG) throw new Error('encrypted secret is truncated');
    const decipher = createDecipheriv('aes-256-gcm', this.key, encrypted.subarray(0, IV));
    decipher.setAuthTag(encrypted.subarray(IV, IV + TAG));
    return Buffer.concat([decipher.update(encrypted.subarray(IV + TAG)), decipher.final()]).toString('utf8');
  }
}
