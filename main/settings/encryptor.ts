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

/**
 * safeStorage's answer mapped to what the window says. On Linux without a keyring Chromium
 * falls back to 'basic_text' (a hard-coded key: obfuscation, not protection).
 */
export function secretsBackend(platform: NodeJS.Platform, available: boolean, linuxBackend: string | null): SecretsBackend {
  if (!available) return 'unavailable';
  if (platform === 'linux' && (linuxBackend === 'basic_text' || linuxBackend === 'unknown' || linuxBackend === null)) return 'basic_text';
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
