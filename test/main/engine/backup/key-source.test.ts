// One key, one source of truth (issue 11, HIGH): the recovery key handed out is the one that
// opens the newest backup, a missing key file never silently becomes a new key while backups
// need the old one, and a generation the current key cannot open is never pruned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { BackupError } from '../../../../main/engine/backup/errors.js';
import { installationKeyPath, keyFileSecretProvider, readInstallationKey, type BackupSecretProvider } from '../../../../main/engine/backup/key-store.js';
import { recoveryKeyFor } from '../../../../main/engine/backup/recovery-export.js';
import { formatRecoveryKey, generateInstallationKey, parseRecoveryKey } from '../../../../main/engine/backup/recovery-key.js';
import { openBackup } from '../../../../main/engine/backup/archive.js';
import { HOUR, PHONE, makeRig, type Rig } from './backup-manager-fixture.js';

async function backUp(rig: Rig, tag: string): Promise<string> {
  await rig.port.changeCreds(tag);
  const r = await rig.manager.backupNow(PHONE);
  assert.equal(r.outcome, 'uploaded', JSON.stringify(r));
  rig.clock.advance(HOUR);
  return r.outcome === 'uploaded' ? r.generation : '';
}

async function recoveryKey(rig: Rig): Promise<string> {
  const path = installationKeyPath(rig.root);
  return recoveryKeyFor({ key: await readInstallationKey(path), ...(await rig.manager.recoveryFacts()) }, path);
}

function refusedWith(pattern: RegExp) {
  return (e: unknown) => e instanceof BackupError && (e.kind === 'no-recovery-key' || e.kind === 'key-missing') && pattern.test(e.message);
}

test('asking for the secret or the recovery key never creates a key', async (t) => {
  const rig = await makeRig(t);
  const path = installationKeyPath(rig.root);
  await assert.rejects(rig.secret(), (e: unknown) => e instanceof BackupError && e.kind === 'key-missing');
  await assert.rejects(recoveryKey(rig), refusedWith(/no backup key yet/));
  await assert.rejects(stat(path));
});

test('the recovery key printed is the one that opens the newest generation', async (t) => {
  const rig = await makeRig(t);
  const newest = await backUp(rig, 'one');
  const text = await recoveryKey(rig);
  const entry = (await rig.target.list(PHONE))[0]!;
  assert.equal(entry.name, newest);
  const opened = await openBackup(await rig.target.get(PHONE, newest), { installationKey: parseRecoveryKey(text) }, { phoneId: PHONE, createdAt: entry.createdAt });
  assert.equal(opened.metadata.phoneId, PHONE);
});

test('a key file that does not open the newest generation is refused, not printed', async (t) => {
  const rig = await makeRig(t);
  await backUp(rig, 'one');
  const path = installationKeyPath(rig.root);
  await writeFile(path, `${formatRecoveryKey(generateInstallationKey())}\n`, { mode: 0o600 });
  await assert.rejects(recoveryKey(rig), refusedWith(/does not open the newest backup/));
});

test('with a passphrase in use the recovery key is refused with "these backups use your passphrase"', async (t) => {
  let passphrase: string | null = null;
  const rig = await makeRig(t, { secret: (root) => keyFileSecretProvider({ keyFile: installationKeyPath(root), passphrase: () => passphrase }) });
  passphrase = 'copper lantern orbit';
  await assert.rejects(recoveryKey(rig), refusedWith(/use your backup passphrase/));
  await backUp(rig, 'one');
  await assert.rejects(recoveryKey(rig), refusedWith(/protected by your backup passphrase/));
  await assert.rejects(stat(installationKeyPath(rig.root)), 'no key file was made');
});

test('a missing key file never becomes a new key while backups made with it exist: the backup fails visibly and nothing is pruned', async (t) => {
  // The provider is swapped for a fresh one below, as after an app restart (nothing cached).
  let provider: BackupSecretProvider | null = null;
  const rig = await makeRig(t, { keep: 1, secret: (root) => (req) => (provider ??= keyFileSecretProvider({ keyFile: installationKeyPath(root) }))(req) });
  const first = await backUp(rig, 'one');
  const path = installationKeyPath(rig.root);
  const before = await readFile(path, 'utf8');
  await rm(path);
  provider = null;

  await rig.port.changeCreds('two');
  const r = await rig.manager.backupNow(PHONE);
  assert.equal(r.outcome, 'failed');
  assert.match(r.outcome === 'failed' ? r.error : '', /1 stored backups were made with it .*no new key is made/);
  assert.match(rig.manager.status(PHONE).lastBackupError ?? '', /no new key is made/);
  await assert.rejects(stat(path), 'no new key file');
  assert.deepEqual((await rig.target.list(PHONE)).map((e) => e.name), [first], 'the old generation is still there');

  // Putting the key back (as a restore with the recovery key does) lets backups continue with it.
  await writeFile(path, before, { mode: 0o600 });
  assert.equal((await rig.manager.backupNow(PHONE)).outcome, 'uploaded');
});

test('a generation the current key cannot open is never pruned, and keeping it is logged', async (t) => {
  let passphrase: string | null = null;
  const rig = await makeRig(t, { keep: 1, secret: (root) => keyFileSecretProvider({ keyFile: installationKeyPath(root), passphrase: () => passphrase }) });
  const byKey = await backUp(rig, 'key-made');
  passphrase = 'copper lantern orbit'; // an explicit key change: the person set a passphrase
  const p1 = await backUp(rig, 'pass-1');
  const p2 = await backUp(rig, 'pass-2');
  const names = (await rig.target.list(PHONE)).map((e) => e.name);
  assert.ok(names.includes(byKey), 'the key-made generation survives keep=1');
  assert.ok(names.includes(p2));
  assert.ok(!names.includes(p1), 'a generation the passphrase opens is pruned as usual');
  const kept = rig.port.events('backup.kept-old-key');
  assert.ok(kept.length >= 1);
  assert.match(kept.at(-1)!.message, /cannot open them/);
});
