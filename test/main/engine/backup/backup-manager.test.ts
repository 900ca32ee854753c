import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openBackup } from '../../../../main/engine/backup/archive.js';
import { readSessionSnapshot } from '../../../../main/engine/backup/session-snapshot.js';
import { retryDelay, backupBlockReason, neverLinked, shouldRestoreAtStart } from '../../../../main/engine/backup/backup-policy.js';
import { installationKeyPath } from '../../../../main/engine/backup/key-store.js';
import { HOUR, MIN, PHONE, T0, makeRig } from './backup-manager-fixture.js';

test('retry delays double from 1 minute and stop growing at 1 hour', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => retryDelay(n) / MIN), [1, 2, 4, 8, 16, 32, 60, 60, 60]);
});

test('the block table refuses logged-out, banned, unlinked and quarantined phones only', () => {
  assert.equal(backupBlockReason({ state: 'open', quarantinedTo: null }), null);
  assert.equal(backupBlockReason({ state: 'reconnecting', quarantinedTo: null }), null);
  assert.match(backupBlockReason({ state: 'logged-out', quarantinedTo: null }) ?? '', /logged out/);
  assert.match(backupBlockReason({ state: 'banned', quarantinedTo: null }) ?? '', /banned/);
  assert.match(backupBlockReason({ state: 'waiting-for-scan', quarantinedTo: null }) ?? '', /not linked/);
  assert.match(backupBlockReason({ state: 'open', quarantinedTo: '/q/x' }) ?? '', /quarantined/);
  assert.equal(shouldRestoreAtStart('missing', false), true);
  assert.equal(shouldRestoreAtStart('unusable', false), true);
  assert.equal(shouldRestoreAtStart('missing', true), false);
  assert.equal(shouldRestoreAtStart('unpaired', false), false);
  assert.equal(shouldRestoreAtStart('usable', false), false);
});

test('only missing session files of a phone never paired here count as a first run', () => {
  assert.equal(neverLinked('missing', null), true);
  assert.equal(neverLinked('missing', Date.UTC(2026, 0, 1)), false, 'paired once: the files were lost');
  assert.equal(neverLinked('unusable', null), false, 'damaged files are always worth a warning');
  assert.equal(neverLinked('unpaired', null), false);
});

test('a keep-alive uploads a generation; a second one with nothing changed is skipped and logged', async (t) => {
  const { manager, port, target, secret, root } = await makeRig(t);
  manager.onKeepAlive(PHONE);
  await manager.idle();
  const first = await target.list(PHONE);
  assert.equal(first.length, 1);
  const status = manager.status(PHONE);
  assert.equal(status.lastBackupGeneration, first[0]!.name);
  assert.equal(status.lastBackupAt, T0);
  assert.equal(status.lastBackupError, null);
  assert.equal(port.events('backup.uploaded').length, 1);

  // The generation holds exactly the live session.
  const opened = await openBackup(await target.get(PHONE, first[0]!.name), await secret(), { phoneId: PHONE, createdAt: first[0]!.createdAt });
  assert.equal(opened.metadata.contentHash, (await readSessionSnapshot(port.sessionDir)).contentHash);
  assert.equal(opened.metadata.phoneId, PHONE);

  manager.onKeepAlive(PHONE);
  await manager.idle();
  assert.equal((await target.list(PHONE)).length, 1);
  const unchanged = port.events('backup.unchanged');
  assert.equal(unchanged.length, 1);
  assert.match(unchanged[0]!.message, /Nothing changed since backup/);

  // No key material in any log line.
  const keyText = (await readFile(installationKeyPath(root), 'utf8')).trim();
  const logText = JSON.stringify(port.logs);
  assert.ok(!logText.includes(keyText) && !logText.includes('noiseKey') && !logText.includes('private'));
});

test('the unchanged check survives a restart (the last content hash is persisted)', async (t) => {
  const rig = await makeRig(t);
  rig.manager.onKeepAlive(PHONE);
  await rig.manager.idle();
  await rig.manager.stop();
  const again = await rig.restart();
  assert.deepEqual(await again.backupNow(PHONE), { outcome: 'unchanged', generation: rig.manager.status(PHONE).lastBackupGeneration });
  assert.equal((await rig.target.list(PHONE)).length, 1);
  // forced: a manual backup can still write a fresh generation of the same content
  assert.equal((await again.backupNow(PHONE, { force: true })).outcome, 'uploaded');
  assert.equal((await rig.target.list(PHONE)).length, 2);
});

test('a burst of creds changes gives one backup 10 minutes after the first change, holding the newest creds', async (t) => {
  const { manager, port, target, clock, secret } = await makeRig(t);
  for (let i = 0; i < 6; i++) {
    await port.changeCreds(`burst-${i}`);
    manager.onCredsChanged(PHONE);
    clock.advance(MIN);
    await manager.idle();
  }
  assert.equal((await target.list(PHONE)).length, 0, 'nothing before the debounce ends');
  assert.equal(manager.status(PHONE).nextBackupAt, T0 + 10 * MIN);
  clock.advance(10 * MIN - 6 * MIN - 1);
  await manager.idle();
  assert.equal((await target.list(PHONE)).length, 0);
  clock.advance(1);
  await manager.idle();
  const list = await target.list(PHONE);
  assert.equal(list.length, 1);
  assert.equal(list[0]!.createdAt, T0 + 10 * MIN);
  const { files } = await openBackup(await target.get(PHONE, list[0]!.name), await secret(), { phoneId: PHONE, createdAt: list[0]!.createdAt });
  const creds = JSON.parse(files.find((f) => f.name === 'creds.json')!.bytes.toString('utf8')) as { me: { name: string } };
  assert.equal(creds.me.name, 'burst-5');
  clock.advance(2 * HOUR);
  await manager.idle();
  assert.equal((await target.list(PHONE)).length, 1, 'no second backup for the same burst');
  assert.equal(manager.status(PHONE).nextBackupAt, null);
});

test('pairing triggers a backup at once', async (t) => {
  const { manager, target } = await makeRig(t);
  manager.onPaired(PHONE);
  await manager.idle();
  assert.equal((await target.list(PHONE)).length, 1);
});

test('a logged-out phone is not uploaded and the log says why', async (t) => {
  const { manager, port, target } = await makeRig(t);
  port.state = 'logged-out';
  manager.onKeepAlive(PHONE);
  await manager.idle();
  const result = await manager.backupNow(PHONE);
  assert.equal(result.outcome, 'skipped');
  assert.equal((await target.list(PHONE)).length, 0);
  const skipped = port.events('backup.skipped');
  assert.equal(skipped.length, 2);
  assert.match(skipped[0]!.message, /^Backup skipped: the phone is logged out/);
});

test('a quarantined session is not uploaded and the log says why', async (t) => {
  const { manager, port, target } = await makeRig(t);
  port.quarantinedTo = '/data/quarantine/phone-1-x';
  assert.deepEqual(await manager.backupNow(PHONE), { outcome: 'skipped', reason: 'the session was quarantined (moved to /data/quarantine/phone-1-x)' });
  assert.equal((await target.list(PHONE)).length, 0);
});

test('creds that do not parse are never uploaded and the log is an error', async (t) => {
  const { manager, port, target } = await makeRig(t);
  await port.store?.close();
  port.store = null;
  const credsPath = join(port.sessionDir, 'creds.json');
  // Valid JSON (so the snapshot reads it) but no paired account: not a session worth keeping.
  await writeFile(credsPath, JSON.stringify({ noiseKey: null }));
  const result = await manager.backupNow(PHONE);
  assert.equal(result.outcome, 'skipped');
  assert.equal((await target.list(PHONE)).length, 0);
  const line = port.events('backup.skipped')[0]!;
  assert.equal(line.level, 'error');
  assert.match(line.message, /creds\.json does not verify.*no paired account/);

  await writeFile(credsPath, '{"me": {"id": "1555');
  assert.equal((await manager.backupNow(PHONE)).outcome, 'skipped');
  assert.match(port.events('backup.skipped')[1]!.message, /not valid JSON/);

  await rename(credsPath, `${credsPath}.gone`);
  assert.equal((await manager.backupNow(PHONE)).outcome, 'skipped');
  assert.match(port.events('backup.skipped')[2]!.message, /no creds\.json/);
  assert.equal((await target.list(PHONE)).length, 0);
});

test('retention keeps the newest N generations', async (t) => {
  const { manager, port, target, clock } = await makeRig(t, { keep: 3 });
  const made: string[] = [];
  for (let i = 0; i < 5; i++) {
    await port.changeCreds(`gen-${i}`);
    const r = await manager.backupNow(PHONE);
    assert.equal(r.outcome, 'uploaded');
    if (r.outcome === 'uploaded') made.push(r.generation);
    clock.advance(HOUR);
  }
  assert.deepEqual((await target.list(PHONE)).map((e) => e.name), made.slice(2).reverse());
});

test('stop cancels the debounce timer and waits for the running upload', async (t) => {
  const { manager, port, target, clock } = await makeRig(t);
  await port.changeCreds('x');
  manager.onCredsChanged(PHONE);
  const running = manager.backupNow(PHONE);
  await manager.stop();
  assert.equal((await running).outcome, 'uploaded', 'the in-flight upload finished before stop resolved');
  const before = clock.pending();
  assert.equal(before, 0);
  clock.advance(HOUR);
  await manager.idle();
  assert.equal((await target.list(PHONE)).length, 1);
});
