// A full disk under a running keeper, for real: the data folder lives on a small tmpfs that the
// test fills up, the real Baileys client talks to the WA test server, and the connection drops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ManualClock } from '../../../main/engine/clock.js';
import { startHarness, type Harness } from '../../support/keeper-harness.js';
import { mountSmallFilesystem, type SmallFilesystem } from '../../support/small-filesystem.js';
import type { WaConnection } from '../../support/wa-server/index.js';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

function liveLogins(h: Harness): WaConnection[] {
  return h.server.connections.filter((c) => c.state === 'logged-in' && c.closedAt === undefined);
}

async function onFullableDisk(t: { skip(why: string): void }): Promise<{ fs: SmallFilesystem; h: Harness; clock: ManualClock } | null> {
  const fs = await mountSmallFilesystem(32);
  if ('cannot' in fs) {
    t.skip(fs.cannot);
    return null;
  }
  const clock = new ManualClock(T0);
  const h = await startHarness({ dataDir: fs.dir, keeper: { clock, random: () => 0.5 } });
  await h.keeper.start();
  await h.pair();
  return { fs, h, clock };
}

test('a full disk then a dropped connection: the keeper reconnects, says it cannot write and why, and recovers by itself once space returns, with no QR', async (t) => {
  const rig = await onFullableDisk(t);
  if (!rig) return;
  const { fs, h, clock } = rig;
  try {
    const metaFile = join(h.keeper.paths.meta('default'), 'meta.json');
    await fs.fill();
    const [live] = liveLogins(h);
    assert.ok(live);
    h.server.destroy(live);

    // the drop is decided on although its meta write fails: no dead socket left showing 'open'
    const waiting = await h.waitForStatus('default', (s) => s.state === 'reconnecting' && s.storageError !== null);
    assert.equal(waiting.storageError?.code, 'ENOSPC');
    assert.ok(waiting.storageError?.path.startsWith(h.dataDir), 'the file we meant to write, not a temp name');
    assert.match(waiting.storageError?.reason ?? '', /^no space left on device$/);
    await h.waitForLog((e) => e.event === 'storage.write-failed' && e.data?.path === metaFile && e.data.code === 'ENOSPC');
    clock.advance(waiting.reconnect.nextAt === null ? 0 : waiting.reconnect.nextAt - clock.now());
    const open = await h.waitForStatus('default', (s) => s.state === 'open' && liveLogins(h).length === 1);
    assert.ok(open.storageError, 'still shown while the disk is full');
    assert.equal(open.storageError.since, waiting.storageError?.since, 'one episode, not one per retry');
    assert.ok(h.logs.some((e) => e.event === 'storage.write-failed' && e.level === 'error'));

    await fs.free();
    clock.advance(5 * 60_000);
    const healed = await h.waitForStatus('default', (s) => s.storageError === null);
    assert.equal(healed.state, 'open');
    assert.ok(h.statuses.every((s) => s.qr === null || s.pairedAt === null), 'no QR was ever shown after pairing');
    const onDisk = JSON.parse(await readFile(metaFile, 'utf8')) as { lastCloseAt: number | null; pairedAt: number | null };
    assert.notEqual(onDisk.lastCloseAt, null, 'the bookkeeping that failed was written once space returned');
    assert.notEqual(onDisk.pairedAt, null);
    assert.ok(h.logs.some((e) => e.event === 'storage.recovered'));
    await h.keeper.stop(); // no write in flight while the folders are listed
    const leftovers = [
      ...(await readdir(h.keeper.paths.meta('default'))),
      ...(await readdir(h.keeper.paths.session('default'))),
    ].filter((n) => n.startsWith('.tmp-'));
    assert.deepEqual(leftovers, [], 'no temp file of a failed write is left to keep the disk full');
  } finally {
    await h.close();
    await fs.dispose();
  }
});

test('a keeper started on a full disk still connects with the saved session and shows the refused write', async (t) => {
  const rig = await onFullableDisk(t);
  if (!rig) return;
  const { fs, h, clock } = rig;
  try {
    await h.keeper.stop();
    await fs.fill();
    await h.restart();
    const open = await h.waitForStatus('default', (s) => s.state === 'open');
    // a re-open writes nothing at once (unchanged creds stay as they are; the open time is
    // written a little later, off the open path): that write is the one the disk refuses
    clock.advance(60_000);
    const withError = await h.waitForStatus('default', (s) => s.storageError !== null);
    assert.equal(withError.storageError?.code, 'ENOSPC');
    assert.ok(open.pairedAt !== null, 'the same pairing, no QR');
  } finally {
    await h.close();
    await fs.dispose();
  }
});

test('a log the disk refuses shows on the phone as a storage error and clears with the next line that lands', async (t) => {
  const rig = await onFullableDisk(t);
  if (!rig) return;
  const { fs, h } = rig;
  try {
    // a log file's last block has room for a few lines: start new files, which need a block each
    await h.keeper.stop();
    await rm(join(h.dataDir, 'logs'), { recursive: true });
    await fs.fill();
    await h.restart();
    const refused = await h.waitForStatus('default', (s) => s.storageError !== null && s.state === 'open');
    assert.equal(refused.storageError?.code, 'ENOSPC');
    const logFile = join(h.dataDir, 'logs', 'default.jsonl');
    await h.waitForLog((e) => e.event === 'storage.write-failed' && e.data?.write === 'log' && e.data.path === logFile);
    await fs.free();
    await h.keeper.reconnect('default');
    await h.waitForStatus('default', (s) => s.storageError === null && s.state === 'open');
  } finally {
    await h.close();
    await fs.dispose();
  }
});

test('a refused log clears by itself once space returns, without waiting hours for the next line: its retry probes the folder', async (t) => {
  // only the logs folder is on the small disk, so the log is the one write refused
  const fs = await mountSmallFilesystem(8);
  if ('cannot' in fs) {
    t.skip(fs.cannot);
    return;
  }
  const clock = new ManualClock(T0);
  const h = await startHarness({ keeper: { clock, random: () => 0.5 } });
  try {
    await mkdir(h.dataDir, { recursive: true });
    await symlink(fs.dir, join(h.dataDir, 'logs'));
    await h.keeper.start();
    await h.pair();
    const logFile = join(h.dataDir, 'logs', 'default.jsonl');
    await h.keeper.pauseKeepAlive('default'); // no pulse line may land and clear it instead
    await h.keeper.stop();
    await rm(logFile, { force: true }); // a new file needs a block of its own
    await fs.fill();
    await h.restart();
    await h.waitForStatus('default', (s) => s.storageError?.path === logFile && s.state === 'open');
    await new Promise((r) => setTimeout(r, 500)); // every queued line has been refused: none is left to land later
    await fs.free();
    clock.advance(60_000);
    const cleared = await h.waitForStatus('default', (s) => s.storageError === null, 3_000);
    assert.equal(cleared.state, 'open');
    const probes = async () => (await readdir(fs.dir)).filter((n) => n.startsWith('.write-probe'));
    for (let i = 0; i < 50 && (await probes()).length > 0; i++) await new Promise((r) => setTimeout(r, 20)); // one may still be in flight
    assert.deepEqual(await probes(), [], 'the probe leaves nothing behind');
  } finally {
    await h.close();
    await fs.dispose();
  }
});

test('a data folder that turns read-only: the keeper reconnects after a drop, says the folder is read-only, and recovers by itself once it is writable', async (t) => {
  const rig = await onFullableDisk(t);
  if (!rig) return;
  const { fs, h, clock } = rig;
  try {
    await fs.readOnly(true);
    const [live] = liveLogins(h);
    assert.ok(live);
    h.server.destroy(live);
    const waiting = await h.waitForStatus('default', (s) => s.state === 'reconnecting' && s.storageError !== null);
    assert.equal(waiting.storageError?.code, 'EROFS');
    assert.equal(waiting.storageError?.reason, 'read-only file system');
    clock.advance(waiting.reconnect.nextAt === null ? 0 : waiting.reconnect.nextAt - clock.now());
    await h.waitForStatus('default', (s) => s.state === 'open' && s.storageError !== null && liveLogins(h).length === 1);
    await fs.readOnly(false);
    clock.advance(5 * 60_000);
    const healed = await h.waitForStatus('default', (s) => s.storageError === null);
    assert.equal(healed.state, 'open');
    assert.ok(healed.pairedAt !== null, 'same pairing, no QR');
  } finally {
    await fs.readOnly(false).catch(() => {});
    await h.close();
    await fs.dispose();
  }
});
