// The uptime history end to end: a real keeper (real Baileys against the WA test server) on an
// injected clock records what happened; a restarted keeper on the same data folder still has
// it, with the time it was closed shown as "app not running".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../main/engine/clock.js';
import { readHistoryFile, historyFile } from '../../../main/engine/uptime/history-store.js';
import { join } from 'node:path';
import { driveMinutes, HOUR, MINUTE, pairedKeeper } from '../../support/keepalive-driver.js';

const NOON = Date.UTC(2027, 4, 10, 12, 0);

test('the uptime history survives a restart: open before, "app not running" while closed, open after, and a dropped connection with its code', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: { timeZone: 'UTC' } } });
  try {
    await driveMinutes(h, clock, 90);
    // the server drops the socket: a disconnect with a code, then open again
    const live = [...h.server.connections].reverse().find((c) => c.state === 'logged-in');
    assert.ok(live);
    h.server.destroy(live);
    await h.waitForStatus('default', (s) => s.state === 'reconnecting' && s.reconnect.nextAt !== null);
    clock.advance(5_000); // the retry is due on the injected clock
    await h.waitForStatus('default', (s) => s.state === 'open');
    await driveMinutes(h, clock, 30);
    await h.keeper.stop();
    const closedAt = clock.now();
    clock.jump(HOUR); // the app is closed for an hour
    await h.restart();
    await h.waitForStatus('default', (s) => s.state === 'open');
    await driveMinutes(h, clock, 20);

    const r = await h.keeper.uptime('default', { days: 1 });
    const kinds = r.intervals.map((i) => i.reason ?? i.condition);
    // the scan took no time on the injected clock: open from the first moment
    assert.deepEqual(kinds, ['open', 'reconnecting', 'open', 'not-running', 'open']);
    const gap = r.intervals.find((i) => i.reason === 'not-running');
    assert.ok(gap, `a not-running stretch in ${kinds.join(', ')}`);
    assert.equal(gap.from, closedAt);
    assert.ok(gap.to - gap.from >= HOUR && gap.to - gap.from < HOUR + MINUTE, 'the hour it was closed');
    assert.equal(kinds.at(-1), 'open');
    const today = r.days.at(-1);
    assert.ok(today);
    assert.ok(today.open >= 2 * HOUR, 'both runs\' open time is there');
    assert.ok(today.drops >= 1, 'the dropped socket is a reconnect');
    assert.ok(today.rescans === 1, 'one link was asked for');
    // on disk: a start for each run, the stop between them
    const records = await readHistoryFile(historyFile(join(h.dataDir, 'logs'), 'default'));
    assert.deepEqual(records.filter((x) => x.k === 'start' || x.k === 'stop').map((x) => x.k), ['start', 'stop', 'start']);
    assert.ok(records.some((x) => x.k === 'alive'), 'heartbeats while running');
  } finally {
    await h.close();
  }
});
