import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BufferJSON, initAuthCreds } from '@whiskeysockets/baileys';
import { BackupError } from '../../../../main/engine/backup/errors.js';
import { KeeperError } from '../../../../main/engine/errors.js';
import { LocalFolderTarget } from '../../../../main/engine/backup/local-folder-target.js';
import { verifySessionFolder } from '../../../../main/engine/backup/verify-session.js';
import { keyFileSecretProvider, installationKeyPath, readInstallationKey } from '../../../../main/engine/backup/key-store.js';
import { recoveryKeyFor } from '../../../../main/engine/backup/recovery-export.js';
import { parseRecoveryKey } from '../../../../main/engine/backup/recovery-key.js';
import { liveCreds } from '../../../../main/engine/backup/restore-run.js';
import { snapshotFolder } from '../../../support/auth-store/fixtures.js';
import { FIXTURE_ME } from './session-fixture.js';
import { HOUR, PHONE, makeRig, type Rig } from './backup-manager-fixture.js';

/** Three generations whose creds carry the names gen-0, gen-1, gen-2 (newest). */
async function threeGenerations(rig: Rig): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < 3; i++) {
    await rig.port.changeCreds(`gen-${i}`);
    const r = await rig.manager.backupNow(PHONE);
    assert.equal(r.outcome, 'uploaded');
    if (r.outcome === 'uploaded') names.push(r.generation);
    rig.clock.advance(HOUR);
  }
  return names;
}

async function liveName(dir: string): Promise<string> {
  return (JSON.parse(await readFile(join(dir, 'creds.json'), 'utf8')) as { me: { name: string } }).me.name;
}

async function damage(rig: Rig, name: string): Promise<void> {
  const path = join((rig.target as LocalFolderTarget).folder(PHONE), name);
  const bytes = await readFile(path);
  const at = bytes.length - 40; // inside the ciphertext: authentication must fail
  bytes.writeUInt8(bytes.readUInt8(at) ^ 0x01, at);
  await writeFile(path, bytes);
}

/** As at app start, before the phone runs: a restore must not connect it on its own. */
async function dropSession(rig: Rig): Promise<void> {
  await rig.port.store?.close();
  rig.port.store = null;
  rig.port.intent = 'not-started';
}

test('at start, missing creds are restored from the newest valid generation; a damaged newer one is skipped and logged', async (t) => {
  const rig = await makeRig(t);
  const names = await threeGenerations(rig);
  await damage(rig, names[2]!);
  await dropSession(rig);
  await rm(rig.port.sessionDir, { recursive: true });
  assert.equal(await liveCreds(rig.port.sessionDir), 'missing');

  assert.equal(await rig.manager.restoreAtStart(PHONE), true);
  assert.equal(await liveName(rig.port.sessionDir), 'gen-1');
  assert.equal(await verifySessionFolder(rig.port.sessionDir), FIXTURE_ME);
  const skipped = rig.port.events('restore.skipped');
  assert.equal(skipped.length, 1);
  assert.match(skipped[0]!.message, new RegExp(`${names[2]!}.*damaged`));
  assert.match(rig.port.events('restore.done')[0]!.message, new RegExp(`Restored backup ${names[1]!}`));
  // Restored content is known: the next keep-alive does not upload it again.
  await rig.port.openStore();
  rig.manager.onKeepAlive(PHONE);
  await rig.manager.idle();
  assert.equal((await rig.target.list(PHONE)).length, 3);
  assert.equal(rig.port.events('backup.unchanged').length, 1);
});

test('at start, an unreadable creds.json is replaced by the backup and the broken files are kept in quarantine', async (t) => {
  const rig = await makeRig(t);
  await threeGenerations(rig);
  await dropSession(rig);
  await writeFile(join(rig.port.sessionDir, 'creds.json'), '{"noiseKey": {"priv');
  const broken = await snapshotFolder(rig.port.sessionDir);
  assert.equal(await rig.manager.restoreAtStart(PHONE), true);
  assert.equal(await liveName(rig.port.sessionDir), 'gen-2');
  const [moved] = await readdir(rig.paths.quarantine);
  assert.deepEqual(await snapshotFolder(join(rig.paths.quarantine, moved!)), broken);
});

test('restore at start does nothing for a usable session, a new pairing, or a phone that was logged out', async (t) => {
  const rig = await makeRig(t);
  await threeGenerations(rig);
  assert.equal(await rig.manager.restoreAtStart(PHONE), false);
  await dropSession(rig);
  // A fresh, unlinked identity (the user is scanning a new QR): keep it.
  await writeFile(join(rig.port.sessionDir, 'creds.json'), JSON.stringify(initAuthCreds(), BufferJSON.replacer));
  assert.equal(await liveCreds(rig.port.sessionDir), 'unpaired');
  assert.equal(await rig.manager.restoreAtStart(PHONE), false);
  assert.equal((await liveCreds(rig.port.sessionDir)), 'unpaired');
  rig.manager.onLoggedOut(PHONE);
  await rm(rig.port.sessionDir, { recursive: true });
  assert.equal(await rig.manager.restoreAtStart(PHONE), false);
  assert.match(rig.port.events('restore.not-needed').at(-1)!.message, /logged out/);
  // ...and that survives a restart (persisted), until the phone is paired again.
  await rig.manager.stop();
  const again = await rig.restart();
  assert.equal(await again.restoreAtStart(PHONE), false);
  await stat(rig.port.sessionDir).then(
    () => assert.fail('nothing may be restored'),
    () => undefined,
  );
});

test('restore at start skips every generation of a device WhatsApp removed, so the phone is offered a QR instead', async (t) => {
  const rig = await makeRig(t);
  const names = await threeGenerations(rig);
  rig.port.removed.push({ device: FIXTURE_ME, at: Date.UTC(2026, 2, 1, 12), cause: 'server-logout' });
  await dropSession(rig);
  await rm(rig.port.sessionDir, { recursive: true });
  assert.equal(await rig.manager.restoreAtStart(PHONE), false);
  assert.deepEqual(rig.port.events('restore.skipped').map((e) => e.data?.generation), [...names].reverse());
  assert.match(rig.port.events('restore.failed')[0]!.message, /WhatsApp removed this device when it logged this device out on 2026-03-01/);
  assert.equal(rig.port.stops, 0, 'the session was never stopped for a swap');
  assert.equal(await liveCreds(rig.port.sessionDir), 'missing');
});

test('a chosen generation of a removed device is refused with restore-refused before the session is touched', async (t) => {
  const rig = await makeRig(t);
  const names = await threeGenerations(rig);
  rig.port.removed.push({ device: FIXTURE_ME, at: Date.UTC(2026, 2, 2, 9), cause: 'user-logout' });
  await rig.port.store!.flush();
  const before = await snapshotFolder(rig.port.sessionDir);
  await assert.rejects(rig.manager.restore(PHONE, { generation: names[0]! }), (err: unknown) => {
    assert.ok(err instanceof KeeperError);
    assert.equal(err.code, 'restore-refused');
    assert.equal(err.message, 'WhatsApp removed this device when you logged out on 2026-03-02; scan a new QR code to link again.');
    return true;
  });
  assert.equal(rig.port.stops, 0);
  assert.deepEqual(await snapshotFolder(rig.port.sessionDir), before);
  assert.deepEqual(await readdir(join(rig.root, 'sessions')), [PHONE], 'no restore leftovers');
});

test('restore at start reports when every generation is damaged and leaves the folder alone', async (t) => {
  const rig = await makeRig(t);
  const names = await threeGenerations(rig);
  for (const n of names) await damage(rig, n);
  await dropSession(rig);
  await rm(rig.port.sessionDir, { recursive: true });
  assert.equal(await rig.manager.restoreAtStart(PHONE), false);
  assert.equal(rig.port.events('restore.skipped').length, 3);
  assert.match(rig.port.events('restore.failed')[0]!.message, /none of the 3 backups is usable/);
  assert.equal(await liveCreds(rig.port.sessionDir), 'missing');
});

test('restore on demand stops the session, quarantines the current files byte-identical, and puts a verified older generation live', async (t) => {
  const rig = await makeRig(t);
  const names = await threeGenerations(rig);
  assert.deepEqual((await rig.manager.listBackups(PHONE)).map((e) => e.name), [...names].reverse());
  await rig.port.changeCreds('current');
  await rig.port.store!.flush();
  const before = await snapshotFolder(rig.port.sessionDir);

  const out = await rig.manager.restore(PHONE, { generation: names[0]! });
  assert.equal(rig.port.stops, 1);
  assert.equal(out.generation, names[0]);
  assert.equal(out.me, FIXTURE_ME);
  assert.equal(out.skipped.length, 0);
  assert.ok(out.quarantinedTo?.startsWith(rig.paths.quarantine));
  assert.deepEqual(await snapshotFolder(out.quarantinedTo!), before);
  assert.equal(await liveName(rig.port.sessionDir), 'gen-0');
  // The reopened store sees the restored identity.
  assert.equal(rig.port.store?.state.creds.me?.name, 'gen-0');
  // No restore leftovers beside the live folder.
  assert.deepEqual(await readdir(join(rig.root, 'sessions')), [PHONE]);
});

test('a wrong passphrase is refused before the session is touched', async (t) => {
  const rig = await makeRig(t, { secret: (root) => keyFileSecretProvider({ keyFile: installationKeyPath(root), passphrase: () => 'correct horse' }) });
  await threeGenerations(rig);
  await rig.port.store!.flush();
  const before = await snapshotFolder(rig.port.sessionDir);
  await assert.rejects(
    rig.manager.restore(PHONE, { secret: { passphrase: 'wrong horse' } }),
    (err: unknown) => err instanceof BackupError && err.kind === 'wrong-key' && /could be opened with this key/.test(err.message),
  );
  await assert.rejects(
    rig.manager.restore(PHONE, { generation: (await rig.manager.listBackups(PHONE))[0]!.name, secret: { passphrase: 'wrong horse' } }),
    (err: unknown) => err instanceof BackupError && err.kind === 'wrong-key' && /wrong passphrase/.test(err.message),
  );
  assert.equal(rig.port.stops, 0, 'the socket was never stopped');
  assert.deepEqual(await snapshotFolder(rig.port.sessionDir), before);
  await stat(rig.paths.quarantine).then(
    () => assert.fail('nothing may be quarantined'),
    () => undefined,
  );
  assert.deepEqual(await readdir(join(rig.root, 'sessions')), [PHONE]);
  // The right passphrase still works, and passphrase backups never created a key file.
  assert.equal((await rig.manager.restore(PHONE)).generation, (await rig.manager.listBackups(PHONE))[0]!.name);
  await stat(installationKeyPath(rig.root)).then(
    () => assert.fail('no installation key is needed with a passphrase'),
    () => undefined,
  );
});

test('the installation key file is made by the first backup, once, 0600 in a 0700 folder, and its recovery key alone restores', async (t) => {
  const rig = await makeRig(t);
  const path = installationKeyPath(rig.root);
  assert.equal(await readInstallationKey(path), null);
  await threeGenerations(rig);
  assert.equal(rig.port.events('backup.key-created').length, 1, 'made once');
  const key = await readInstallationKey(path);
  assert.ok(key);
  if (process.platform !== 'win32') {
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(rig.root, 'keys'))).mode & 0o777, 0o700);
  }
  const text = await recoveryKeyFor({ key, ...(await rig.manager.recoveryFacts()) }, path);
  // Backups made by the manager open with the exported key alone (the new-machine case).
  await dropSession(rig);
  await rm(rig.port.sessionDir, { recursive: true });
  const out = await rig.manager.restore(PHONE, { secret: { installationKey: parseRecoveryKey(text) } });
  assert.equal(out.me, FIXTURE_ME);
  // A damaged key file is reported, never silently replaced by a new key.
  await writeFile(path, 'not a key\n');
  await assert.rejects(readInstallationKey(path), (err: unknown) => err instanceof BackupError && err.kind === 'bad-recovery-key');
  await assert.rejects(keyFileSecretProvider({ keyFile: path })({ createKey: true }), (err: unknown) => err instanceof BackupError && err.kind === 'bad-recovery-key');
  assert.equal(await readFile(path, 'utf8'), 'not a key\n');
});

test('a fresh install (no session files, never paired) says "not linked yet — scan the QR", not a warning', async (t) => {
  const rig = await makeRig(t, { noSession: true });
  rig.port.pairedAt = null;
  assert.equal(await rig.manager.restoreAtStart(PHONE), false);
  const [note] = rig.port.events('restore.not-linked');
  assert.equal(note?.level, 'info');
  assert.match(note.message, /^Not linked yet — link it on the phone: .*scan the QR code, or type the pairing code/);
  assert.equal(rig.port.logs.filter((l) => l.level === 'warn' || l.level === 'error').length, 0, 'no warning on a first run');
});

test('a phone that was paired here and lost its session files, with no backup, is still a warning', async (t) => {
  const rig = await makeRig(t);
  await dropSession(rig);
  await rm(rig.port.sessionDir, { recursive: true });
  assert.equal(await rig.manager.restoreAtStart(PHONE), false);
  const [warning] = rig.port.events('restore.none');
  assert.equal(warning?.level, 'warn');
  assert.match(warning.message, /missing or unusable .* needs a new QR scan/);
  assert.equal(rig.port.events('restore.not-linked').length, 0);
});
