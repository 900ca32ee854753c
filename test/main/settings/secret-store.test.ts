import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Conf from 'conf';
import { SecretStore, SecretsUnavailableError } from '../../../main/settings/secret-store.js';
import { AesGcmEncryptor, secretsBackend, type Encryptor } from '../../../main/settings/encryptor.js';
import { SettingsStore, settingsStoreOptions, type StoredSettings } from '../../../main/settings/settings-store.js';
import { appBackupSecretProvider } from '../../../main/settings/backup-secret.js';
import { formatRecoveryKey, generateInstallationKey, parseRecoveryKey } from '../../../main/engine/backup/recovery-key.js';
import { BackupError } from '../../../main/engine/backup/errors.js';
import { writeFile, mkdir } from 'node:fs/promises';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'shell-secrets-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('secrets never appear in the plain settings file or anywhere in plain text', async () => {
  await withDir(async (dir) => {
    const settings = new SettingsStore(new Conf<StoredSettings>(settingsStoreOptions(dir)));
    const secrets = new SecretStore(dir, new AesGcmEncryptor(randomBytes(32)));
    const key = 'sb_secret_Zx81bW0nderfulSupabaseKey';
    const pass = 'correct horse battery staple';
    await secrets.set('supabaseKey', key);
    await secrets.set('backupPassphrase', pass);
    settings.set({ ...settings.get(), startAtLogin: true });
    for (const name of await readdir(dir)) {
      const bytes = await readFile(join(dir, name));
      for (const secret of [key, pass]) {
        assert.equal(bytes.includes(Buffer.from(secret)), false, `${secret} in ${name}`);
        assert.equal(bytes.includes(Buffer.from(Buffer.from(secret).toString('base64'))), false, `base64 of ${secret} in ${name}`);
      }
    }
    assert.equal(secrets.get('supabaseKey'), key);
    assert.equal(secrets.get('backupPassphrase'), pass);
    if (process.platform !== 'win32') assert.equal((await stat(secrets.path)).mode & 0o077, 0);
  });
});

test('the page learns only which secrets are set and how they are protected', async () => {
  await withDir(async (dir) => {
    const secrets = new SecretStore(dir, new AesGcmEncryptor(randomBytes(32), 'basic_text'));
    await secrets.set('backupPassphrase', 'p');
    assert.deepEqual(secrets.info(), { set: { supabaseKey: false, backupPassphrase: true }, backend: 'basic_text' });
    await secrets.set('backupPassphrase', null);
    assert.deepEqual(secrets.info().set, { supabaseKey: false, backupPassphrase: false });
    assert.equal(secrets.get('backupPassphrase'), null);
  });
});

test('without any encryption a secret is refused, never stored in the clear', async () => {
  await withDir(async (dir) => {
    const none: Encryptor = {
      isEncryptionAvailable: () => false,
      encryptString: () => assert.fail('must not encrypt'),
      decryptString: () => assert.fail('must not decrypt'),
      backend: () => 'unavailable',
    };
    const secrets = new SecretStore(dir, none);
    await assert.rejects(secrets.set('supabaseKey', 'k'), SecretsUnavailableError);
    assert.deepEqual(await readdir(dir), []);
  });
});

test('a secret encrypted with another key does not decrypt', async () => {
  await withDir(async (dir) => {
    await new SecretStore(dir, new AesGcmEncryptor(randomBytes(32))).set('supabaseKey', 'k');
    assert.throws(() => new SecretStore(dir, new AesGcmEncryptor(randomBytes(32))).get('supabaseKey'));
  });
});

test('Linux without a keyring is reported as basic_text, not as a keychain', () => {
  assert.equal(secretsBackend('linux', true, 'basic_text'), 'basic_text');
  assert.equal(secretsBackend('linux', true, 'gnome_libsecret'), 'keychain');
  assert.equal(secretsBackend('linux', true, 'kwallet5'), 'keychain');
  assert.equal(secretsBackend('darwin', true, null), 'keychain');
  assert.equal(secretsBackend('win32', false, null), 'unavailable');
});

test('the tray app reads the one key file headless runs use: a read never creates it, and a passphrase wins', async () => {
  await withDir(async (dir) => {
    const secrets = new SecretStore(dir, new AesGcmEncryptor(randomBytes(32)));
    const keyFile = join(dir, 'keys', 'backup-installation.key');
    const provider = appBackupSecretProvider({ secrets, encryptionAvailable: true, keyFile });
    await assert.rejects(provider(), (e: unknown) => e instanceof BackupError && e.kind === 'key-missing');
    assert.deepEqual(await readdir(dir), [], 'asking made no key');
    const made = await provider({ createKey: true });
    assert.ok('installationKey' in made);
    assert.ok(parseRecoveryKey(await readFile(keyFile, 'utf8')).equals(Buffer.from(made.installationKey)), 'the key is the file');
    assert.equal(secrets.has('backupInstallationKey'), false, 'not a second copy in secrets.json');
    await secrets.set('backupPassphrase', 'copper lantern orbit');
    assert.deepEqual(await provider(), { passphrase: 'copper lantern orbit' });
  });
});

test('a key an earlier version kept only in secrets.json moves into the key file, so its backups and the recovery key agree', async () => {
  await withDir(async (dir) => {
    const key = generateInstallationKey();
    const secrets = new SecretStore(dir, new AesGcmEncryptor(randomBytes(32)));
    await secrets.set('backupInstallationKey', formatRecoveryKey(key));
    const keyFile = join(dir, 'keys', 'backup-installation.key');
    const said: string[] = [];
    const got = await appBackupSecretProvider({ secrets, encryptionAvailable: true, keyFile, onAdopted: (m) => said.push(m) })();
    assert.ok('installationKey' in got && Buffer.from(got.installationKey).equals(key));
    assert.ok(parseRecoveryKey(await readFile(keyFile, 'utf8')).equals(key));
    if (process.platform !== 'win32') assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    assert.equal(secrets.has('backupInstallationKey'), false);
    assert.match(said[0] ?? '', /now in .*backup-installation\.key/);
  });
});

test('when secrets.json and the key file hold different keys, the file stays in use and the other is kept beside it, not lost', async () => {
  await withDir(async (dir) => {
    const fileKey = generateInstallationKey();
    const storedKey = generateInstallationKey();
    const keyFile = join(dir, 'keys', 'backup-installation.key');
    await mkdir(join(dir, 'keys'));
    await writeFile(keyFile, `${formatRecoveryKey(fileKey)}\n`);
    const secrets = new SecretStore(dir, new AesGcmEncryptor(randomBytes(32)));
    await secrets.set('backupInstallationKey', formatRecoveryKey(storedKey));
    const said: string[] = [];
    const got = await appBackupSecretProvider({ secrets, encryptionAvailable: true, keyFile, onAdopted: (m) => said.push(m) })();
    assert.ok('installationKey' in got && Buffer.from(got.installationKey).equals(fileKey));
    const aside = (await readdir(join(dir, 'keys'))).filter((n) => n.includes('.previous-'));
    assert.equal(aside.length, 1);
    assert.ok(parseRecoveryKey(await readFile(join(dir, 'keys', aside[0]!), 'utf8')).equals(storedKey));
    assert.match(said[0] ?? '', /different backup key/);
  });
});

test('secrets are written by the engine\'s durable writer: a new folder 0700, the file 0600, no scratch file left', { skip: process.platform === 'win32' && 'POSIX modes' }, async () => {
  await withDir(async (root) => {
    const dir = join(root, 'userData');
    const secrets = new SecretStore(dir, new AesGcmEncryptor(randomBytes(32)));
    await secrets.set('supabaseKey', 'k');
    assert.equal((await stat(dir)).mode & 0o777, 0o700, 'the folder it made is private');
    assert.equal((await stat(secrets.path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ['secrets.json']);
  });
});

test('two changes sent at once both land: each reads what the one before it wrote', async () => {
  await withDir(async (dir) => {
    const secrets = new SecretStore(dir, new AesGcmEncryptor(randomBytes(32)));
    await Promise.all([secrets.set('supabaseKey', 'k'), secrets.set('backupPassphrase', 'copper lantern orbit')]);
    assert.deepEqual(secrets.info().set, { supabaseKey: true, backupPassphrase: true });
  });
});
