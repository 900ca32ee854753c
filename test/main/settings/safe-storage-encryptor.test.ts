import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { safeStorageEncryptor, type SafeStorageLike } from '../../../main/settings/safe-storage-encryptor.js';
import { SecretStore, SecretsUnavailableError } from '../../../main/settings/secret-store.js';
import { AesGcmEncryptor } from '../../../main/settings/encryptor.js';
import { randomBytes } from 'node:crypto';

type LinuxBackend = ReturnType<SafeStorageLike['getSelectedStorageBackend']>;

/**
 * A stand-in for Electron's safeStorage with its real signatures (electron.d.ts): the
 * encryption itself is real AES-GCM, the backend is what Chromium would have picked.
 */
function fakeSafeStorage(opts: { available: boolean; backend: LinuxBackend }): SafeStorageLike & { backendAsked: number } {
  const aes = new AesGcmEncryptor(randomBytes(32));
  const fake = {
    backendAsked: 0,
    isEncryptionAvailable: (): boolean => opts.available,
    encryptString: (plain: string): Buffer => aes.encryptString(plain),
    decryptString: (encrypted: Buffer): string => aes.decryptString(encrypted),
    getSelectedStorageBackend: (): LinuxBackend => {
      fake.backendAsked++;
      return opts.backend;
    },
  };
  return fake;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'shell-safe-storage-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('on Linux without a keyring (basic_text) a secret still saves, but the store says basic_text, not keychain', async () => {
  await withDir(async (dir) => {
    const secrets = new SecretStore(dir, safeStorageEncryptor(fakeSafeStorage({ available: true, backend: 'basic_text' }), 'linux'));
    await secrets.set('supabaseKey', 'sb_publishable_k3y');
    assert.equal(secrets.get('supabaseKey'), 'sb_publishable_k3y');
    assert.equal((await readFile(secrets.path, 'utf8')).includes('sb_publishable_k3y'), false);
    assert.deepEqual(secrets.info(), { set: { supabaseKey: true, backupPassphrase: false }, backend: 'basic_text' });
  });
});

test('on Linux only a named keyring (libsecret, KWallet) counts as a keychain; unknown (before ready) does not', async () => {
  await withDir(async (dir) => {
    const verdict = (backend: LinuxBackend): string =>
      new SecretStore(dir, safeStorageEncryptor(fakeSafeStorage({ available: true, backend }), 'linux')).info().backend;
    assert.equal(verdict('gnome_libsecret'), 'keychain');
    assert.equal(verdict('kwallet'), 'keychain');
    assert.equal(verdict('kwallet5'), 'keychain');
    assert.equal(verdict('kwallet6'), 'keychain');
    assert.equal(verdict('basic_text'), 'basic_text');
    assert.equal(verdict('unknown'), 'basic_text');
  });
});

test('on macOS and Windows the Linux-only backend question is never asked and safeStorage is the keychain', async () => {
  await withDir(async (dir) => {
    for (const platform of ['darwin', 'win32'] as const) {
      const fake = fakeSafeStorage({ available: true, backend: 'basic_text' });
      const secrets = new SecretStore(dir, safeStorageEncryptor(fake, platform));
      assert.equal(secrets.info().backend, 'keychain', platform);
      assert.equal(fake.backendAsked, 0, platform);
    }
  });
});

test('when safeStorage offers no encryption a secret is refused and the store says unavailable', async () => {
  await withDir(async (dir) => {
    const secrets = new SecretStore(dir, safeStorageEncryptor(fakeSafeStorage({ available: false, backend: 'basic_text' }), 'linux'));
    await assert.rejects(secrets.set('backupPassphrase', 'copper lantern orbit'), SecretsUnavailableError);
    assert.equal(secrets.info().backend, 'unavailable');
  });
});
