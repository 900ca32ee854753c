import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness } from '../../support/keeper-harness.js';

test('a new phone shows a QR, pairs through the simulated phone, restarts on 515 and opens with a session age', async () => {
  const h = await startHarness();
  try {
    await h.keeper.start();
    const open = await h.pair();
    assert.equal(open.state, 'open');
    assert.match(open.me ?? '', /^15550000001:\d+@s\.whatsapp\.net$/);
    assert.notEqual(open.pairedAt, null);
    assert.notEqual(open.connectedSince, null);
    assert.ok(open.updatedAt >= (open.pairedAt ?? Infinity), 'the snapshot is stamped when built, after pairing');
    assert.equal(open.qr, null);
    // the 515 restart after the scan was a decision the log explains
    const restart = h.logs.find((e) => e.event === 'disconnect.decision' && e.data?.code === 515);
    assert.ok(restart, 'the 515 restart is logged as a decision');
  } finally {
    await h.close();
  }
});

test('a restarted keeper opens with the stored session and never shows a QR', async () => {
  const h = await startHarness();
  try {
    await h.keeper.start();
    const first = await h.pair();
    await h.keeper.stop();
    const before = h.statuses.length;
    await h.restart();
    const open = await h.waitForStatus('default', (s) => s.state === 'open');
    assert.equal(open.pairedAt, first.pairedAt, 'pairedAt survives a restart');
    const after = h.statuses.slice(before);
    assert.ok(after.every((s) => s.qr === null && s.state !== 'waiting-for-scan'), 'no QR after a restart');
    const durations = h.logs.filter((e) => e.event === 'connection.duration');
    assert.ok(durations.some((e) => /^⏱️ Session duration: \d+ days, \d+ hours$/.test(e.message)));
  } finally {
    await h.close();
  }
});

test('starting makes the data root 0700, tightening one that was created looser', { skip: process.platform === 'win32' && 'POSIX modes' }, async () => {
  const parent = await mkdtemp(join(tmpdir(), 'keeper-root-'));
  const root = join(parent, 'data');
  await mkdir(root, { mode: 0o755 });
  await chmod(root, 0o755);
  const h = await startHarness({ keeper: { dataDir: root } });
  try {
    await h.keeper.start();
    assert.equal((await stat(root)).mode & 0o777, 0o700);
  } finally {
    await h.close();
    await rm(parent, { recursive: true, force: true });
  }
});
