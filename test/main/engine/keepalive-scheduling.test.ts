// The keep-alive rhythm in the running engine: clock jumps, restarts, several phones, manual
// pulses and pauses, with the real Baileys client and pulses counted at the test server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCode } from '../../../main/engine/errors.js';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../main/engine/clock.js';
import { createKeeper, InvalidSettingsError } from '../../../main/engine/keeper.js';
import { sleepSpanAt } from '../../../main/engine/anti-ban.js';
import { intervalBounds } from '../../../main/engine/keepalive-schedule.js';
import { KeepAliveRefusedError } from '../../../main/engine/keepalive-scheduler.js';
import { DAY, driveMinutes, HOUR, MINUTE, pairedKeeper, presencesAtServer, sentCount } from '../../support/keepalive-driver.js';

const NOON = Date.UTC(2027, 4, 10, 12, 0);
const UTC = { timeZone: 'UTC' };

test('a 3-day clock jump followed by one tick sends exactly one catch-up pulse, not a burst', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    const due = h.keeper.status('default').nextKeepAliveAt;
    assert.ok(due !== null && due > clock.now() + 10 * HOUR, 'first pulse planned about one interval ahead');
    clock.jump(3 * DAY);
    await driveMinutes(h, clock, 1);
    assert.equal(presencesAtServer(h, 'available').length, 1, 'one pulse for three missed days');
    assert.ok(h.logs.some((e) => e.event === 'keepalive.catch-up'), 'logged as a catch-up');
    await driveMinutes(h, clock, 60);
    assert.equal(presencesAtServer(h, 'available').length, 1, 'and nothing more in the hour after');
    const next = h.keeper.status('default').nextKeepAliveAt ?? 0;
    assert.ok(next - clock.now() > 9 * HOUR, 'the next one is a whole interval away');
  } finally {
    await h.close();
  }
});

test('a wake after the machine slept through the due time catches up at once, without waiting for a tick', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    clock.jump(20 * HOUR);
    await h.keeper.wake();
    await h.keeper.keepAliveSettled();
    await h.server.waitFor(() => presencesAtServer(h, 'available').length === 1 || undefined);
    assert.equal(sentCount(h), 1);
    assert.equal(h.keeper.status('default').lastKeepAliveAt, clock.now());
  } finally {
    await h.close();
  }
});

test('a restart mid-interval keeps the persisted due time and pulses then, once', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    const due = h.keeper.status('default').nextKeepAliveAt;
    assert.ok(due !== null);
    await driveMinutes(h, clock, 4 * 60);
    await h.keeper.stop();
    const keeper = await h.restart();
    await h.waitForStatus('default', (s) => s.state === 'open');
    assert.equal(keeper.status('default').nextKeepAliveAt, due, 'the same due time after the restart');
    await driveMinutes(h, clock, Math.ceil((due - clock.now()) / MINUTE) + 5);
    const pulses = presencesAtServer(h, 'available');
    assert.equal(pulses.length, 1);
    const at = pulses[0]?.at ?? 0;
    assert.ok(at >= due && at <= due + MINUTE, 'on time: at most one check step late');
  } finally {
    await h.close();
  }
});

test('after a restart a phone connects before its rhythm is read; no open is announced without the stored due time, and what came before is announced again with it', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    const due = h.keeper.status('default').nextKeepAliveAt;
    assert.ok(due !== null);
    await h.keeper.stop();
    const from = h.statuses.length;
    await h.restart();
    await h.waitForStatus('default', (s) => s.state === 'open');
    const after = h.statuses.slice(from).filter((s) => s.phoneId === 'default');
    const firstOpen = after.findIndex((s) => s.state === 'open');
    assert.ok(firstOpen > 0, `statuses: ${after.map((s) => s.state).join(', ')}`);
    for (const s of after.filter((x) => x.state === 'open')) assert.equal(s.nextKeepAliveAt, due, 'an open shows the stored due time');
    const before = after.slice(0, firstOpen);
    assert.ok(before.every((s) => s.state === 'connecting'), before.map((s) => s.state).join(', '));
    assert.equal(before.at(-1)?.nextKeepAliveAt, due, 'the connecting status is announced again once the rhythm is read');
  } finally {
    await h.close();
  }
});

test('a rhythm that cannot be read fails the start after the phone connected: its open is not held back, and a stop ends it', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    await h.keeper.stop();
    // not a damaged file (that one is set aside): a read that fails (EISDIR, like EIO or EACCES)
    const file = join(h.keeper.paths.meta('default'), 'keepalive.json');
    await rm(file, { force: true });
    await mkdir(file);
    await assert.rejects(h.restart(), /EISDIR|directory/);
    await h.waitForStatus('default', (s) => s.state === 'open');
    await h.keeper.stop();
    assert.equal(h.keeper.status('default').state, 'stopped');
  } finally {
    await h.close();
  }
});

test('a stop that overtakes a start: no phone connects after it, and nothing the start would load is armed', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    await h.keeper.stop();
    const keeper = h.freshKeeper();
    const before = h.server.connections.length;
    const starting = keeper.start();
    await keeper.stop();
    await starting;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.server.connections.length, before, 'no connection after the stop');
    assert.equal(keeper.status('default').state, 'stopped');
    assert.equal(keeper.status('default').nextKeepAliveAt, null, 'the rhythm was not loaded');
  } finally {
    await h.close();
  }
});

/** A fixed-offset zone in which `t` reads as 03:00: inside the default 01:00–06:00 sleep window. */
function zoneWhereItIsThreeAm(t: number): string {
  const utcHour = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
  let offset = Math.round(3 - utcHour);
  offset = ((offset % 24) + 24) % 24;
  if (offset > 12) offset -= 24;
  // Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3
  return offset === 0 ? 'Etc/GMT' : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

test('a restart under a time zone that puts the planned pulse in the sleep window replans it out of sleep, with no pulse sent', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    const due = h.keeper.status('default').nextKeepAliveAt;
    assert.ok(due !== null);
    await driveMinutes(h, clock, 60);
    await h.keeper.stop();
    const moved = { timeZone: zoneWhereItIsThreeAm(due) };
    const keeper = await h.restart({ keepAlive: moved });
    assert.ok(sleepSpanAt(due, keeper.keepAliveSettings), 'the old due time lies in the new sleep window');
    await h.waitForStatus('default', (s) => s.state === 'open');
    const next = keeper.status('default').nextKeepAliveAt;
    assert.ok(next !== null && next !== due, 'a new plan');
    assert.equal(sleepSpanAt(next, keeper.keepAliveSettings), null, 'out of the sleep window');
    assert.ok(next > due, 'moved to the end of the sleep window');
    assert.ok(h.logs.some((e) => e.event === 'keepalive.replanned' && /settings changed/.test(e.message)), 'the replan is logged with its reason');
    assert.equal(presencesAtServer(h, 'available').length, 0, 'replanned without a pulse');
  } finally {
    await h.close();
  }
});

test('a restart with a shorter interval replans a plan lying beyond it; a second restart with the same settings keeps the new plan', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    const due = h.keeper.status('default').nextKeepAliveAt;
    assert.ok(due !== null);
    await driveMinutes(h, clock, 60);
    await h.keeper.stop();
    const shorter = { ...UTC, intervalHours: 6 };
    const keeper = await h.restart({ keepAlive: shorter });
    await h.waitForStatus('default', (s) => s.state === 'open');
    const next = keeper.status('default').nextKeepAliveAt;
    const { min, max } = intervalBounds(keeper.keepAliveSettings);
    assert.ok(next !== null && next >= clock.now() + min && next <= clock.now() + max, `within 6 h ± jitter of now, got ${next === null ? null : new Date(next).toISOString()}`);
    await h.keeper.stop();
    const again = await h.restart({ keepAlive: shorter });
    await h.waitForStatus('default', (s) => s.state === 'open');
    assert.equal(again.status('default').nextKeepAliveAt, next, 'unchanged settings keep the plan');
    assert.equal(presencesAtServer(h, 'available').length, 0);
  } finally {
    await h.close();
  }
});

test('a restart with changed settings under which the plan still fits keeps its due time', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    const due = h.keeper.status('default').nextKeepAliveAt;
    await driveMinutes(h, clock, 60);
    await h.keeper.stop();
    const keeper = await h.restart({ keepAlive: { ...UTC, intervalHours: 24 } });
    await h.waitForStatus('default', (s) => s.state === 'open');
    assert.equal(keeper.status('default').nextKeepAliveAt, due);
    assert.equal(h.logs.filter((e) => e.event === 'keepalive.replanned').length, 0);
  } finally {
    await h.close();
  }
});

test('five phones never pulse within five minutes of each other', async () => {
  const clock = new ManualClock(NOON);
  const phones = ['p1', 'p2', 'p3', 'p4', 'p5'];
  const h = await pairedKeeper(clock, { phones, keeper: { keepAlive: UTC } });
  try {
    // All five were paired within the same simulated minute: their first plans collide unless staggered.
    await driveMinutes(h, clock, (3 * DAY) / MINUTE);
    const times = presencesAtServer(h, 'available').map((p) => p.at);
    assert.ok(times.length >= 5 * 5, `every phone pulsed repeatedly (got ${times.length})`);
    for (const id of phones) assert.ok(sentCount(h, id) >= 5, `${id} pulsed`);
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
      assert.ok(gap >= 5 * MINUTE, `pulses ${i - 1} and ${i} are ${gap / MINUTE} min apart`);
    }
  } finally {
    await h.close();
  }
});

test('a manual pulse inside the sleep window is refused with the reason unless forced', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    clock.jump(15 * HOUR); // 03:00 UTC: inside the default 01:00–06:00 sleep window
    assert.equal(h.keeper.status('default').mode, 'sleep');
    await assert.rejects(h.keeper.keepAliveNow('default'), (err: unknown) => {
      assert.ok(err instanceof KeepAliveRefusedError);
      assert.equal(err.refusal, 'sleep');
      assert.equal(errorCode(err), 'refused-by-gate');
      assert.match(err.message, /sleep window 01:00–06:00/);
      assert.match(err.message, /force/);
      return true;
    });
    assert.equal(presencesAtServer(h, 'available').length, 0, 'nothing reached the server');
    const result = await h.keeper.keepAliveNow('default', { force: true });
    assert.equal(result.forced, true);
    assert.equal(result.mode, 'sleep');
    await h.keeper.keepAliveSettled();
    await h.server.waitFor(() => presencesAtServer(h, 'available').length === 1 || undefined);
    assert.ok(h.logs.some((e) => e.event === 'keepalive.sent' && /^💚 Session keep-alive sent \(Session age: 0d 15h\)$/.test(e.message)));
    assert.ok((result.nextKeepAliveAt ?? 0) > clock.now() + 10 * HOUR, 'the rhythm restarts from the manual pulse');
  } finally {
    await h.close();
  }
});

test('a paused phone sends no pulse, stays paused across a restart, and catches up once when resumed', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    await h.keeper.pauseKeepAlive('default');
    assert.equal(h.keeper.status('default').keepAlivePaused, true);
    assert.equal(h.keeper.status('default').nextKeepAliveAt, null);
    await h.keeper.stop();
    await h.restart();
    await h.waitForStatus('default', (s) => s.state === 'open');
    assert.equal(h.keeper.status('default').keepAlivePaused, true, 'the pause is persisted');
    await driveMinutes(h, clock, (30 * HOUR) / MINUTE);
    assert.equal(presencesAtServer(h, 'available').length, 0);
    await h.keeper.resumeKeepAlive('default');
    await driveMinutes(h, clock, 2);
    assert.equal(presencesAtServer(h, 'available').length, 1, 'one catch-up pulse after the resume');
    assert.equal(h.keeper.status('default').keepAlivePaused, false);
  } finally {
    await h.close();
  }
});

test('createKeeper rejects bad keep-alive settings with the schema\'s sentence', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'keeper-settings-'));
  try {
    assert.throws(
      () => createKeeper({ dataDir, phones: [{ id: 'a' }], keepAlive: { intervalHours: 3, timeZone: 'Mars/Olympus' } }),
      (err: unknown) => {
        assert.ok(err instanceof InvalidSettingsError);
        assert.match(err.message, /Keep-alive interval must be between 6 and 24 hours \(got 3\)/);
        assert.match(err.message, /Unknown time zone 'Mars\/Olympus'/);
        assert.equal(err.problems.length, 2);
        return true;
      },
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
