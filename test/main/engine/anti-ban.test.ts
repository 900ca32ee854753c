import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../main/engine/clock.js';
import { createAntiBanGate, modeAt, nextSleepEnd, type Mode } from '../../../main/engine/anti-ban.js';
import { parseKeepAliveSettings, type KeepAliveSettings } from '../../../main/engine/settings-schema.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

function settings(input: Record<string, unknown>): KeepAliveSettings {
  const r = parseKeepAliveSettings(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.settings;
}

const utc = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

function expectModes(s: KeepAliveSettings, rows: Array<[number, Mode, number | undefined]>) {
  for (const [at, mode, endsAt] of rows) {
    const m = modeAt(at, s);
    const where = `${new Date(at).toISOString()} in ${s.timeZone}`;
    assert.equal(m.mode, mode, where);
    if (endsAt !== undefined) assert.equal(m.endsAt, endsAt, `endsAt at ${where}: got ${new Date(m.endsAt ?? 0).toISOString()}`);
  }
}

test('defaults in UTC: reduced before midnight and after sleep, sleep 01:00–06:00, active otherwise', () => {
  const s = settings({ timeZone: 'UTC' });
  expectModes(s, [
    [utc(2027, 1, 10, 22, 59), 'active', utc(2027, 1, 10, 23)],
    [utc(2027, 1, 10, 23), 'reduced', utc(2027, 1, 11, 1)],
    [utc(2027, 1, 11, 0, 30), 'reduced', utc(2027, 1, 11, 1)],
    [utc(2027, 1, 11, 1), 'sleep', utc(2027, 1, 11, 6)],
    [utc(2027, 1, 11, 5, 59), 'sleep', utc(2027, 1, 11, 6)],
    [utc(2027, 1, 11, 6), 'reduced', utc(2027, 1, 11, 8)],
    [utc(2027, 1, 11, 8), 'active', utc(2027, 1, 11, 23)],
  ]);
  assert.equal(modeAt(utc(2027, 1, 11, 2), s).window?.label, '01:00–06:00');
  assert.equal(modeAt(utc(2027, 1, 11, 0), s).window?.label, '23:00–01:00');
});

test('a sleep window that crosses midnight covers both sides of it', () => {
  const s = settings({ timeZone: 'UTC', sleepWindow: { start: '22:00', end: '05:00' }, reducedWindows: [] });
  expectModes(s, [
    [utc(2027, 1, 10, 21, 59), 'active', utc(2027, 1, 10, 22)],
    [utc(2027, 1, 10, 22), 'sleep', utc(2027, 1, 11, 5)],
    [utc(2027, 1, 11, 0), 'sleep', utc(2027, 1, 11, 5)],
    [utc(2027, 1, 11, 4, 59), 'sleep', utc(2027, 1, 11, 5)],
    [utc(2027, 1, 11, 5), 'active', utc(2027, 1, 11, 22)],
  ]);
});

test('defaults in Asia/Jerusalem in winter follow local time (UTC+2)', () => {
  const s = settings({ timeZone: 'Asia/Jerusalem' });
  expectModes(s, [
    [utc(2027, 1, 14, 20, 59), 'active', utc(2027, 1, 14, 21)],
    [utc(2027, 1, 14, 21), 'reduced', utc(2027, 1, 14, 23)], // 23:00 local
    [utc(2027, 1, 14, 23), 'sleep', utc(2027, 1, 15, 4)], // 01:00 → 06:00 local
    [utc(2027, 1, 15, 4), 'reduced', utc(2027, 1, 15, 6)],
    [utc(2027, 1, 15, 6), 'active', utc(2027, 1, 15, 21)],
  ]);
});

test("Israel's spring change (2027-03-26, 02:00 → 03:00) makes that night's sleep four hours long", () => {
  const s = settings({ timeZone: 'Asia/Jerusalem' });
  expectModes(s, [
    [utc(2027, 3, 25, 22, 59), 'reduced', utc(2027, 3, 25, 23)],
    [utc(2027, 3, 25, 23), 'sleep', utc(2027, 3, 26, 3)], // 01:00 IST (+2) → 06:00 IDT (+3)
    [utc(2027, 3, 26, 0, 30), 'sleep', utc(2027, 3, 26, 3)], // 02:30 local does not exist; still sleep
    [utc(2027, 3, 26, 3), 'reduced', utc(2027, 3, 26, 5)],
    [utc(2027, 3, 26, 5), 'active', utc(2027, 3, 26, 20)], // next 23:00 is at +3
  ]);
  assert.equal(nextSleepEnd(utc(2027, 3, 25, 12), s), utc(2027, 3, 26, 3));
});

test('defaults in America/New_York across the US spring change (2027-03-14) shift by the new offset', () => {
  const s = settings({ timeZone: 'America/New_York' });
  expectModes(s, [
    [utc(2027, 3, 13, 17), 'active', utc(2027, 3, 14, 4)], // noon EST; next window 23:00 EST
    [utc(2027, 3, 14, 4), 'reduced', utc(2027, 3, 14, 6)],
    [utc(2027, 3, 14, 6), 'sleep', utc(2027, 3, 14, 10)], // 01:00 EST → 06:00 EDT: four hours
    [utc(2027, 3, 14, 7, 30), 'sleep', utc(2027, 3, 14, 10)],
    [utc(2027, 3, 14, 10), 'reduced', utc(2027, 3, 14, 12)],
    [utc(2027, 3, 14, 12), 'active', utc(2027, 3, 15, 3)], // 23:00 EDT
    [utc(2027, 3, 15, 5), 'sleep', utc(2027, 3, 15, 10)],
  ]);
});

test('the US autumn change makes that night\'s sleep six hours long', () => {
  const s = settings({ timeZone: 'America/New_York' });
  expectModes(s, [
    [utc(2027, 11, 7, 5), 'sleep', utc(2027, 11, 7, 11)], // 01:00 EDT → 06:00 EST
    [utc(2027, 11, 7, 10, 59), 'sleep', utc(2027, 11, 7, 11)],
    [utc(2027, 11, 7, 11), 'reduced', utc(2027, 11, 7, 13)],
  ]);
});

test('a window edge that does not exist (spring gap) starts when the clock jumps over it', () => {
  const s = settings({ timeZone: 'America/New_York', sleepWindow: { start: '02:30', end: '05:00' } });
  expectModes(s, [
    [utc(2027, 3, 14, 6, 59), 'active', utc(2027, 3, 14, 7)], // 01:59 EST
    [utc(2027, 3, 14, 7), 'sleep', utc(2027, 3, 14, 9)], // 03:00 EDT, the jump → 05:00 EDT
  ]);
  assert.equal(modeAt(utc(2027, 3, 14, 7), s).startedAt, utc(2027, 3, 14, 7));
});

test('a window edge that exists twice (autumn) takes the earlier start and the later end', () => {
  const ends = settings({ timeZone: 'America/New_York', sleepWindow: { start: '22:00', end: '01:30' }, reducedWindows: [] });
  expectModes(ends, [
    [utc(2027, 11, 7, 5, 45), 'sleep', utc(2027, 11, 7, 6, 30)], // 01:45 EDT, the first pass
    [utc(2027, 11, 7, 6, 29), 'sleep', utc(2027, 11, 7, 6, 30)], // 01:29 EST
    [utc(2027, 11, 7, 6, 30), 'active', undefined], // the second 01:30
  ]);
  const starts = settings({ timeZone: 'America/New_York', sleepWindow: { start: '01:30', end: '05:00' }, reducedWindows: [] });
  assert.equal(modeAt(utc(2027, 11, 7, 5, 29), starts).mode, 'active');
  assert.equal(modeAt(utc(2027, 11, 7, 5, 30), starts).mode, 'sleep'); // the first 01:30 (EDT)
});

test('nextSleepEnd is the end of the current sleep, or of the next one', () => {
  const s = settings({ timeZone: 'UTC' });
  assert.equal(nextSleepEnd(utc(2027, 1, 11, 3), s), utc(2027, 1, 11, 6));
  assert.equal(nextSleepEnd(utc(2027, 1, 11, 6), s), utc(2027, 1, 12, 6));
  assert.equal(nextSleepEnd(utc(2027, 1, 11, 0, 59), s), utc(2027, 1, 11, 6));
});

test('the gate denies a scheduled pulse in sleep with the reason and the sleep end as retry time', () => {
  const clock = new ManualClock(utc(2027, 1, 11, 3));
  const gate = createAntiBanGate(settings({ timeZone: 'UTC' }), clock);
  const d = gate.ask({ phoneId: 'p1', action: 'pulse', force: true });
  assert.equal(d.verdict, 'deny');
  assert.equal(d.code, 'sleep');
  assert.equal(d.retryAt, utc(2027, 1, 11, 6));
  assert.match(d.reason, /sleep window 01:00–06:00/);
});

test('a manual pulse in sleep is denied with the reason unless forced', () => {
  const clock = new ManualClock(utc(2027, 1, 11, 2));
  const gate = createAntiBanGate(settings({ timeZone: 'UTC' }), clock);
  const denied = gate.ask({ phoneId: 'p1', action: 'manual-pulse' });
  assert.equal(denied.verdict, 'deny');
  assert.equal(denied.retryAt, utc(2027, 1, 11, 6));
  assert.match(denied.reason, /No manual pulse inside the sleep window 01:00–06:00 \(UTC\); allowed again at 2027-01-11 06:00 \(force it/);
  const forced = gate.ask({ phoneId: 'p1', action: 'manual-pulse', force: true });
  assert.equal(forced.verdict, 'allow');
  assert.equal(forced.code, 'forced');
});

test('reduced mode answers allow-reduced, active hours answer allow', () => {
  const clock = new ManualClock(utc(2027, 1, 11, 7));
  const gate = createAntiBanGate(settings({ timeZone: 'UTC' }), clock);
  for (const action of ['pulse', 'manual-pulse', 'reconnect'] as const) {
    const d = gate.ask({ phoneId: 'p1', action });
    assert.equal(d.verdict, 'allow-reduced', action);
    assert.match(d.reason, /06:00–08:00/);
  }
  clock.advance(2 * HOUR);
  assert.equal(gate.ask({ phoneId: 'p1', action: 'pulse' }).verdict, 'allow');
});

test('the reconnect budget of 30 per rolling hour holds, then reopens when the oldest attempt ages out', () => {
  const start = utc(2027, 1, 11, 12);
  const clock = new ManualClock(start);
  const gate = createAntiBanGate(settings({ timeZone: 'UTC' }), clock);
  for (let i = 0; i < 30; i++) {
    assert.equal(gate.ask({ phoneId: 'p1', action: 'reconnect' }).verdict, 'allow', `attempt ${i + 1}`);
    gate.recordAttempt('p1', 'reconnect');
    clock.advance(MINUTE);
  }
  const denied = gate.ask({ phoneId: 'p1', action: 'reconnect' });
  assert.equal(denied.verdict, 'deny');
  assert.equal(denied.code, 'reconnect-budget');
  assert.equal(denied.retryAt, start + HOUR);
  assert.match(denied.reason, /30 connection attempts in the last hour \(limit 30\)/);
  // Another phone has its own budget.
  assert.equal(gate.ask({ phoneId: 'p2', action: 'reconnect' }).verdict, 'allow');
  clock.advance(start + HOUR - 1 - clock.now());
  assert.equal(gate.ask({ phoneId: 'p1', action: 'reconnect' }).verdict, 'deny');
  clock.advance(1);
  assert.equal(gate.ask({ phoneId: 'p1', action: 'reconnect' }).verdict, 'allow');
  assert.equal(gate.attemptsInWindow('p1'), 29);
  gate.recordAttempt('p1', 'reconnect');
  const again = gate.ask({ phoneId: 'p1', action: 'reconnect' });
  assert.equal(again.verdict, 'deny');
  assert.equal(again.retryAt, start + MINUTE + HOUR);
});

test('a reconnect during sleep is allowed quietly, but never past the budget', () => {
  const clock = new ManualClock(utc(2027, 1, 11, 3));
  const gate = createAntiBanGate(settings({ timeZone: 'UTC', reconnectBudgetPerHour: 2 }), clock);
  assert.equal(gate.ask({ phoneId: 'p1', action: 'reconnect' }).verdict, 'allow-reduced');
  gate.recordAttempt('p1', 'reconnect');
  gate.recordAttempt('p1', 'reconnect');
  assert.equal(gate.ask({ phoneId: 'p1', action: 'reconnect' }).verdict, 'deny');
});

test('the gate follows settings changed at run time', () => {
  const clock = new ManualClock(utc(2027, 1, 11, 3));
  const gate = createAntiBanGate(settings({ timeZone: 'UTC' }), clock);
  assert.equal(gate.ask({ phoneId: 'p1', action: 'pulse' }).verdict, 'deny');
  gate.updateSettings(settings({ timeZone: 'Asia/Jerusalem' })); // 05:00 local: still sleep
  assert.equal(gate.ask({ phoneId: 'p1', action: 'pulse' }).retryAt, utc(2027, 1, 11, 4));
  gate.updateSettings(settings({ timeZone: 'America/New_York' })); // 22:00 local: active
  assert.equal(gate.ask({ phoneId: 'p1', action: 'pulse' }).verdict, 'allow');
});
