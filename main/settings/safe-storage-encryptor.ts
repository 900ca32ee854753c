// Electron's safeStorage behind the Encryptor interface (thin: the decisions are in encryptor.ts).
import type { SafeStorage } from 'electron';
import { secretsBackend, type Encryptor } from './encryptor.js';

export function safeStorageEncryptor(safeStorage: SafeStorage, platform: NodeJS.Platform = process.platform): Encryptor {
  return {
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    encryptString: (plain) => safeStorage.encryptString(plain),
    decryptString: (encrypted) => safeStorage.decryptString(encrypted),
    backend: () =>
      secretsBackend(platform, safeStorage.isEncryptionAvailable(), platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null),
  };
}
