import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { computeUptime, historyTimeline, type UptimeCell, type UptimeReport } from '../../../../main/engine/uptime/uptime.js';
import { HISTORY_STALE_MS } from '../../../../main/engine/uptime/history-record.js';
import { DAY, HOUR, HistoryWriter, MINUTE, simulatedMonth } from '../../../support/uptime-history.js';

const observed = (c: UptimeCell) => c.open + c.reconnecting + c.notLinked + c.down;
const cellOn = (r: UptimeReport, date: string): UptimeCell => {
  const c = r.days.find((d) => d.date === date);
  assert.ok(c, `a cell for ${date}`);
  return c;
};
/** Intervals never overlap, never run backwards and stay inside the window. */
function assertWellFormed(r: UptimeReport): void {
  let last = r.from;
  for (const i of r.intervals) {
    assert.ok(i.from >= last && i.to > i.from && i.to <= r.now, `interval ${JSON.stringify(i)} is in order`);
    last = i.to;
  }
}

test('a simulated month shows its 6 h outage and two 401 reconnects on their days, and the three percentages', () => {
  const m = simulatedMonth('Europe/London');
  const r = computeUptime('work', m.records, { now: m.now, timeZone: m.zone });
  assert.equal(r.days.length, 30);
  assert.equal(r.days.at(-1)?.date, '2026-11-24', 'the last cell is today');
  assertWellFormed(r);

  const outage = cellOn(r, m.outageDate);
  assert.equal(outage.reconnecting, 6 * HOUR);
  assert.equal(outage.open, 18 * HOUR);
  assert.deepEqual(outage.dropCodes, [{ code: 408, count: 1 }]);
  assert.equal(outage.uptime, 0.75);

  const retries = cellOn(r, m.retryDate);
  assert.equal(retries.drops, 2);
  assert.deepEqual(retries.dropCodes, [{ code: 401, count: 2 }]);
  assert.equal(retries.reconnecting, 2 * MINUTE);
  assert.equal(retries.pulses, 4);
  assert.equal(retries.backups, 4);

  const quiet = cellOn(r, '2026-11-21');
  assert.equal(quiet.uptime, 1);
  assert.equal(quiet.drops, 0);
  // 30 rolling days: 6 h and 2 min not open
  assert.equal(r.percent.d30, 1 - (6 * HOUR + 2 * MINUTE) / (30 * DAY));
  assert.equal(r.percent.d7, 1 - (2 * MINUTE) / (7 * DAY));
  assert.equal(r.percent.h24, 1);
});

test('days are cut at local midnight: the DST days are 23 h and 25 h long, and an open day is still 100 %', () => {
  const zone = 'Europe/Berlin';
  const start = DateTime.fromObject({ year: 2026, month: 3, day: 20 }, { zone });
  const end = DateTime.fromObject({ year: 2026, month: 10, day: 30, hour: 12 }, { zone });
  const w = new HistoryWriter(start.toMillis()).start().state('open').until(end.toMillis());
  // spring: 29 March 2026 has no 02:00
  const spring = computeUptime('p', w.records, { now: DateTime.fromObject({ year: 2026, month: 4, day: 2 }, { zone }).toMillis(), timeZone: zone, days: 10 });
  const short = cellOn(spring, '2026-03-29');
  assert.equal(short.end - short.start, 23 * HOUR);
  assert.equal(short.open, 23 * HOUR);
  assert.equal(short.uptime, 1);
  assert.equal(DateTime.fromMillis(short.start, { zone }).toFormat('HH:mm'), '00:00');
  // autumn: 25 October 2026 has 02:00 twice
  const autumn = computeUptime('p', w.records, { now: end.toMillis(), timeZone: zone, days: 10 });
  const long = cellOn(autumn, '2026-10-25');
  assert.equal(long.end - long.start, 25 * HOUR);
  assert.equal(long.open, 25 * HOUR);
  for (const d of autumn.days) assert.equal(DateTime.fromMillis(d.start, { zone }).toFormat('HH:mm'), '00:00', `${d.date} starts at local midnight`);
  // the hour cells around now are whole hours
  assert.equal(autumn.hours.length, 24);
  assert.ok(autumn.hours.every((h) => h.end - h.start === HOUR));
});

test('a restart leaves a gap that counts as down "not running": a clean stop, and a crash with no stop', () => {
  const t0 = Date.UTC(2026, 10, 1);
  const w = new HistoryWriter(t0).start().state('open').after(5 * HOUR).stop()
    .after(2 * HOUR).start().state('connecting').after(MINUTE).state('open')
    .after(3 * HOUR).crash()
    .after(4 * HOUR).start().state('open').after(HOUR);
  const r = computeUptime('p', w.records, { now: w.now, timeZone: 'UTC', days: 1 });
  const day = cellOn(r, '2026-11-01');
  // the crash is counted from the last heartbeat, 15 min before it
  assert.equal(day.downBy['not-running'], 2 * HOUR + 4 * HOUR + 15 * MINUTE, 'the stopped 2 h and the crashed 4 h');
  assert.equal(day.open, 5 * HOUR + 3 * HOUR - 15 * MINUTE + HOUR);
  assert.equal(day.reconnecting, MINUTE);
  // time before the first record is no data, not downtime
  assert.equal(observed(day), r.now - t0);
  assert.equal(r.percent.h24, (9 * HOUR - 15 * MINUTE) / (r.now - t0));
  assert.deepEqual(r.intervals.map((i) => i.reason ?? i.condition), ['open', 'not-running', 'reconnecting', 'open', 'not-running', 'open']);
});

test('a keeper that restarts right after a crash still shows the short gap, and one stopped long ago shows not running up to now', () => {
  const t0 = Date.UTC(2026, 10, 1);
  const w = new HistoryWriter(t0).start().state('open').after(HOUR).crash().after(10 * MINUTE).start().state('open').after(HOUR).stop();
  const r = computeUptime('p', w.records, { now: w.now + 5 * HOUR, timeZone: 'UTC', days: 1 });
  const day = cellOn(r, '2026-11-01');
  // the last heartbeat was at +45 min: from there to the new start
  assert.equal(day.downBy['not-running'], 25 * MINUTE + 5 * HOUR);
  assert.equal(day.open, 45 * MINUTE + HOUR);
});

test('a clock set back never counts an hour twice, and one set forward leaves a gap counted as not running', () => {
  const t0 = Date.UTC(2026, 10, 1, 6);
  // after 3 h the clock goes back 2 h: the next records are stamped before the last ones
  const back = new HistoryWriter(t0).start().state('open').after(3 * HOUR).clockTo(t0 + HOUR).drop(428).state('reconnecting').after(MINUTE).state('open').until(t0 + 5 * HOUR);
  const now = back.now;
  const r = computeUptime('p', back.records, { now, timeZone: 'UTC', days: 1 });
  assertWellFormed(r);
  const day = cellOn(r, '2026-11-01');
  assert.equal(observed(day), now - t0, 'the 2 h the clock replayed are counted once');
  assert.equal(day.drops, 1);
  assert.deepEqual(day.dropCodes, [{ code: 428, count: 1 }]);
  assert.equal(day.down, 0, 'the keeper ran throughout: no gap');

  const fwd = new HistoryWriter(t0).start().state('open').after(HOUR);
  // the clock jumps 5 h ahead while running: the heartbeats resume 5 h later
  fwd.raw({ t: fwd.now + 5 * HOUR, k: 'alive' });
  const r2 = computeUptime('p', fwd.records, { now: fwd.now + 5 * HOUR + 10 * MINUTE, timeZone: 'UTC', days: 1 });
  const day2 = cellOn(r2, '2026-11-01');
  // from the last heartbeat before the jump (15 min before it) to the first after it
  assert.equal(day2.downBy['not-running'], 5 * HOUR + 15 * MINUTE);
  assert.equal(day2.open, 45 * MINUTE + 10 * MINUTE);
  assert.ok(5 * HOUR > HISTORY_STALE_MS);
});

test('90 days of history give 30 day cells and percentages over their own windows only', () => {
  const zone = 'America/New_York';
  const end = DateTime.fromObject({ year: 2026, month: 11, day: 24, hour: 9 }, { zone });
  const w = new HistoryWriter(end.minus({ days: 90 }).toMillis()).start().state('open');
  // 60 days ago: a week down (outdated), outside the 30 days
  w.until(end.minus({ days: 60 }).toMillis()).state('outdated').after(7 * DAY).state('open');
  // 20 days ago: 12 h not linked
  w.until(end.minus({ days: 20 }).toMillis()).state('logged-out').after(HOUR).state('waiting-for-scan').after(11 * HOUR).state('open');
  w.until(end.toMillis());
  const r = computeUptime('p', w.records, { now: end.toMillis(), timeZone: zone });
  assert.equal(r.days.length, 30);
  assert.equal(r.days[0]?.date, end.minus({ days: 29 }).toISODate());
  assert.ok(r.intervals.every((i) => i.from >= r.from), 'nothing older than the window');
  assert.ok(r.days.every((d) => !d.downBy.outdated), 'the outdated week is older than 30 days');
  assert.equal(r.percent.d30, 1 - 12 * HOUR / (30 * DAY));
  assert.equal(r.days.reduce((n, d) => n + d.rescans, 0), 1, 'one new link was asked for');
  assert.equal(r.percent.d7, 1);
  // asking for more days than the history keeps gets the 35 it keeps
  assert.equal(computeUptime('p', w.records, { now: end.toMillis(), timeZone: zone, days: 90 }).days.length, 35);
});

test('no history is no data: no percentage and empty cells, not 0 %', () => {
  const r = computeUptime('p', [], { now: Date.UTC(2026, 10, 24, 12), timeZone: 'UTC' });
  assert.deepEqual(r.percent, { h24: null, d7: null, d30: null });
  assert.ok(r.days.every((d) => d.uptime === null && observed(d) === 0));
  assert.deepEqual(r.intervals, []);
});

test('an unknown time zone falls back to UTC rather than failing', () => {
  const r = computeUptime('p', [], { now: Date.UTC(2026, 10, 24, 12), timeZone: 'Mars/Olympus' });
  assert.equal(r.timeZone, 'UTC');
});

test('the timeline runs up to now while the last heartbeat is fresh, and says not running once it is stale', () => {
  const t0 = Date.UTC(2026, 10, 1);
  const w = new HistoryWriter(t0).start().state('open');
  const fresh = historyTimeline(w.records, t0 + HISTORY_STALE_MS);
  assert.deepEqual(fresh.intervals.map((i) => i.condition), ['open']);
  const stale = historyTimeline(w.records, t0 + HISTORY_STALE_MS + 1);
  assert.deepEqual(stale.intervals.map((i) => i.reason), ['not-running']);
});

test('the time before a phone\'s first link is no data: a new phone starts at 100 %, not 0 %; a lost link later counts as not linked', () => {
  const t0 = Date.UTC(2026, 10, 1);
  const w = new HistoryWriter(t0).start().state('connecting').state('waiting-for-scan').after(3 * HOUR).stop().after(HOUR).start().state('waiting-for-scan').after(HOUR).state('open').after(2 * HOUR);
  const r = computeUptime('p', w.records, { now: w.now, timeZone: 'UTC', days: 1 });
  assert.equal(r.percent.h24, 1);
  assert.equal(cellOn(r, '2026-11-01').rescans, 2, 'the QRs asked for are still marked');
  w.state('logged-out').after(HOUR).state('waiting-for-scan').after(HOUR);
  const later = computeUptime('p', w.records, { now: w.now, timeZone: 'UTC', days: 1 });
  assert.equal(cellOn(later, '2026-11-01').notLinked, 2 * HOUR);
  assert.equal(later.percent.h24, 0.5);
});
