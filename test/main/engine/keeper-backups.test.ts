// Backups wired into the running keeper, end to end: real Baileys, the WhatsApp test server,
// encrypted generations in a local folder, and restores that open without a QR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeeperError } from '../../../main/engine/errors.js';
import { ManualClock } from '../../../main/engine/clock.js';
import type { PhoneStatus } from '../../../main/engine/types.js';
import { startHarness, type Harness } from '../../support/keeper-harness.js';

/** Starts the keeper, links the default phone and waits for its first backup; the status after pairing. */
async function pairWithBackup(h: Harness): Promise<PhoneStatus> {
  await h.keeper.start();
  const paired = await h.pair();
  await h.waitForStatus('default', (x) => x.lastBackupAt !== null);
  return paired;
}

test('pairing makes a first encrypted backup, and the status shows it', async () => {
  const h = await startHarness();
  try {
    await h.keeper.start();
    const me = (await h.pair()).me ?? '';
    const s = await h.waitForStatus('default', (x) => x.lastBackupAt !== null);
    assert.ok(s.lastBackupGeneration);
    const files = await readdir(h.keeper.paths.backups('default'));
    assert.equal(files.length, 1);
    const bytes = await readFile(join(h.keeper.paths.backups('default'), files[0] ?? ''));
    assert.equal(bytes.includes(Buffer.from(me.split(':')[0] ?? 'x')), false, 'the phone number is not readable in the backup');
    assert.equal(bytes.includes(Buffer.from('noiseKey')), false, 'nothing of creds.json is readable');
    const listed = await h.keeper.listBackups('default');
    assert.equal(listed[0]?.name, s.lastBackupGeneration);
  } finally {
    await h.close();
  }
});

test('a phone with usable session files connects before its backup plan is read, and is announced open only once it is', { skip: process.platform === 'win32' && 'needs a named pipe' }, async () => {
  const h = await startHarness();
  // a failed assertion must still let the keeper read its plan, or its stop would wait forever
  let release = async (): Promise<void> => {};
  try {
    await pairWithBackup(h);
    await h.keeper.stop();
    // the plan becomes a named pipe: reading it waits until something writes to it
    const plan = join(h.keeper.paths.meta('default'), 'backup.json');
    const saved = await readFile(plan, 'utf8');
    await rm(plan);
    execFileSync('mkfifo', ['-m', '600', plan]);
    release = async () => {
      release = async () => {};
      await writeFile(plan, saved);
    };
    const restartedAt = Date.now();
    const restarting = h.restart();
    await h.server.waitFor(() => h.server.connections.find((c) => c.kind === 'login' && c.state === 'logged-in' && c.openedAt >= restartedAt), 10_000, 'the login, with the plan unread');
    await new Promise((res) => setTimeout(res, 200));
    assert.notEqual(h.keeper.status('default').state, 'open', 'not announced before the plan is read');
    assert.equal(h.keeper.status('default').lastBackupAt, null, 'no backup fields before the plan is read');
    await release();
    await restarting;
    const open = await h.waitForStatus('default', (x) => x.state === 'open');
    assert.notEqual(open.lastBackupAt, null, 'the open status carries the plan');
  } finally {
    await release();
    await h.close();
  }
});

test('a backup plan that cannot be read fails its own phone only: every other phone reads its plan once and starts', async () => {
  const h = await startHarness({ phones: ['broken', 'fine', 'third'] });
  try {
    // a folder where the plan file should be: reading it fails (EISDIR) on every try
    await mkdir(join(h.keeper.paths.meta('broken'), 'backup.json'), { recursive: true });
    // never linked, so each phone's restore check needs its plan before it starts
    const results = await h.keeper.start().catch(() => null);
    const fine = await h.waitForStatus('fine', (x) => x.state === 'waiting-for-scan');
    await h.waitForStatus('third', (x) => x.state === 'waiting-for-scan');
    assert.equal(fine.qr !== null, true);
    if (results) assert.match(results.find((r) => r.phoneId === 'broken')?.error ?? '', /EISDIR/);
    const said = JSON.stringify(h.logs);
    assert.doesNotMatch(said, /already registered/, 'no phone was registered twice');
    // the others' plans are read: a backup of 'fine' can be listed once its own plan is known
    assert.equal(h.keeper.status('fine').lastBackupError, null);
  } finally {
    await h.close();
  }
});

test('a backup restores a wiped session folder at start, which then opens with no QR and keeps its session age', async () => {
  const h = await startHarness();
  try {
    const paired = await pairWithBackup(h);
    await h.keeper.stop();
    await rm(h.keeper.paths.session('default'), { recursive: true, force: true });
    const before = h.statuses.length;
    const restartedAt = Date.now();
    await h.restart();
    const open = await h.waitForStatus('default', (s) => s.state === 'open');
    assert.equal(open.me, paired.me);
    assert.equal(open.pairedAt, paired.pairedAt, 'session age continues from the backup');
    assert.ok(h.statuses.slice(before).every((s) => s.qr === null), 'never asked for a QR');
    assert.ok(h.logs.some((e) => e.event === 'restore.done'));
    const loginsAfterRestart = h.server.connections.filter((c) => c.kind === 'login' && c.openedAt >= restartedAt);
    assert.equal(loginsAfterRestart.length, 1, 'the restore and the start make one connection, not two');
  } finally {
    await h.close();
  }
});

test('a corrupt creds.json is quarantined by the restore, and the session opens from the backup', async () => {
  const h = await startHarness();
  try {
    await pairWithBackup(h);
    await h.keeper.stop();
    const credsPath = join(h.keeper.paths.session('default'), 'creds.json');
    await writeFile(credsPath, '{"noiseKey":');
    await h.restart();
    await h.waitForStatus('default', (s) => s.state === 'open');
    const quarantined = await readdir(h.keeper.paths.quarantine);
    assert.equal(quarantined.length, 1);
    const kept = await readFile(join(h.keeper.paths.quarantine, quarantined[0] ?? '', 'creds.json'), 'utf8');
    assert.equal(kept, '{"noiseKey":', 'the damaged file is kept, not deleted');
  } finally {
    await h.close();
  }
});

test('restoring while the phone is connected stops its socket first, so the server never sees two at once', async () => {
  const h = await startHarness();
  try {
    await pairWithBackup(h);
    const live = h.server.connections.filter((c) => c.state === 'logged-in');
    assert.equal(live.length, 1);
    const outcome = await h.keeper.restore('default');
    assert.ok(outcome.quarantinedTo, 'the files that were live are set aside');
    await h.waitForStatus('default', (s) => s.state === 'open' && s.connectedSince !== null);
    const logins = h.server.connections.filter((c) => c.kind === 'login');
    // every login connection closed before the next one opened
    for (let i = 1; i < logins.length; i++) {
      const prev = logins[i - 1];
      const next = logins[i];
      assert.ok(prev?.closedAt !== undefined && next !== undefined && prev.closedAt <= next.openedAt, 'one socket at a time');
    }
  } finally {
    await h.close();
  }
});

test('backupNow skips an unchanged session and says so; listBackups and the status agree', async () => {
  const h = await startHarness();
  try {
    await pairWithBackup(h);
    await h.keeper.backupNow('default'); // takes in any creds written since pairing
    const count = (await h.keeper.listBackups('default')).length;
    const again = await h.keeper.backupNow('default');
    assert.equal(again.outcome, 'unchanged');
    assert.ok(h.logs.some((e) => e.phoneId === 'default' && /unchanged|nothing changed/i.test(e.message)), 'the log says why');
    assert.equal((await h.keeper.listBackups('default')).length, count, 'no new generation');
    const forced = await h.keeper.backupNow('default', { force: true });
    assert.equal(forced.outcome, 'uploaded');
    const listed = await h.keeper.listBackups('default');
    assert.equal(listed.length, count + 1);
    assert.equal(h.keeper.status('default').lastBackupGeneration, listed[0]?.name);
  } finally {
    await h.close();
  }
});

test('after a logout WhatsApp confirmed, Restore is refused up front with the reason and the date, and nothing is touched', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 12, 0, 0));
  const h = await startHarness({ keeper: { clock } });
  try {
    const me = (await pairWithBackup(h)).me;
    clock.advance(24 * 60 * 60_000);
    await h.keeper.logout('default');
    const out = h.keeper.status('default');
    assert.deepEqual(out.unlinked, { cause: 'user-logout', at: clock.now(), device: me });
    const connections = h.server.connections.length;
    const quarantined = await readdir(h.keeper.paths.quarantine);
    await assert.rejects(h.keeper.restore('default'), (err: unknown) => {
      assert.ok(err instanceof KeeperError);
      assert.equal(err.code, 'restore-refused');
      assert.equal(err.message, 'WhatsApp removed this device when you logged out on 2026-11-28; scan a new QR code to link again.');
      return true;
    });
    const generation = (await h.keeper.listBackups('default'))[0]?.name ?? '';
    await assert.rejects(h.keeper.restore('default', { generation }), (err: unknown) => err instanceof KeeperError && err.code === 'restore-refused');
    assert.equal(h.keeper.status('default').state, 'logged-out');
    assert.deepEqual(await readdir(h.keeper.paths.quarantine), quarantined, 'the live folder was never swapped');
    assert.ok(!h.logs.some((e) => e.event === 'restore.done'));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(h.server.connections.length, connections, 'nothing connected');
  } finally {
    await h.close();
  }
});

test('a restore after a logout WhatsApp never confirmed (the phone was offline) connects again and keeps its session age', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 12, 0, 0));
  const h = await startHarness({ keeper: { clock, random: () => 0.5 } });
  try {
    const paired = await pairWithBackup(h);
    h.server.refuseConnections('close-on-open');
    const live = h.server.connections.find((c) => c.state === 'logged-in');
    assert.ok(live);
    h.server.destroy(live);
    await h.waitForStatus('default', (s) => s.state === 'reconnecting');
    await h.keeper.logout('default');
    assert.equal(h.keeper.status('default').unlinked?.cause, 'user-logout');
    h.server.refuseConnections('none');
    const outcome = await h.keeper.restore('default');
    assert.equal(outcome.me, paired.me);
    const open = await h.waitForStatus('default', (s) => s.state === 'open');
    assert.equal(open.pairedAt, paired.pairedAt, 'session age continues from the backup');
    assert.equal(open.unlinked, null);
  } finally {
    await h.close();
  }
});
