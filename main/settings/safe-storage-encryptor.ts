// Electron's safeStorage behind the Encryptor interface (thin: the decisions are in encryptor.ts).
import type { SafeStorage } from 'electron';
import { secretsBackend, type Encryptor } from './encryptor.js';

/** The part of safeStorage used here (getSelectedStorageBackend exists on Linux only). */
export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'>;

export function safeStorageEncryptor(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): Encryptor {
  return {
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    encryptString: (plain) => safeStorage.encryptString(plain),
    decryptString: (encrypted) => safeStorage.decryptString(encrypted),
    backend: () =>
      secretsBackend(platform, safeStorage.isEncryptionAvailable(), platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null),
  };
}
