import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UptimeCell } from '../../../main/engine/uptime/uptime.js';
import { dayLabel, dayTitle, percentText, toneOf, uptime30Text } from '../../../main/presenters/uptime-presenter.js';

const H = 3_600_000;
const M = 60_000;
const START = Date.UTC(2026, 10, 24);
function cell(part: Partial<UptimeCell>): UptimeCell {
  const c: UptimeCell = { start: START, end: START + 24 * H, date: '2026-11-24', open: 0, reconnecting: 0, notLinked: 0, down: 0, downBy: {}, uptime: null, drops: 0, dropCodes: [], pulses: 0, backups: 0, rescans: 0, warnings: 0, ...part };
  const observed = c.open + c.reconnecting + c.notLinked + c.down;
  return { ...c, uptime: observed > 0 ? c.open / observed : null };
}
const LATER = START + 48 * H;

test('a day reads as the issue words it: "Tue 24 Nov: open 23 h 40 min, reconnected twice (428)"', () => {
  assert.equal(dayTitle('2026-11-24'), 'Tue 24 Nov');
  const c = cell({ open: 23 * H + 40 * M, reconnecting: 20 * M, drops: 2, dropCodes: [{ code: 428, count: 2 }] });
  assert.equal(dayLabel(c, LATER), 'Tue 24 Nov: open 23 h 40 min, reconnecting 20 min, reconnected twice (428)');
});

test('down time is named by its reason, mixed codes are counted, and markers follow', () => {
  const c = cell({ open: 14 * H, down: 10 * H, downBy: { 'not-running': 6 * H, paused: 4 * H }, drops: 3, dropCodes: [{ code: 408, count: 2 }, { code: null, count: 1 }], pulses: 2, backups: 1, rescans: 1, warnings: 3 });
  assert.equal(
    dayLabel(c, LATER),
    'Tue 24 Nov: open 14 h, down 6 h (app not running), down 4 h (paused by the reconnect limit), reconnected 3 times (408 ×2, no code); 1 new link asked for, 3 warnings, 2 keep-alives, 1 backup',
  );
  assert.equal(dayLabel(cell({}), LATER), 'Tue 24 Nov: no record');
  assert.match(dayLabel(cell({ open: H }), START + 2 * H), /^Tue 24 Nov \(today so far\): open 1 h$/);
});

test('percentages round down so an outage never reads 100 %, and no data is said so', () => {
  assert.equal(percentText(1), '100 %');
  assert.equal(percentText(0.99999), '99.9 %');
  assert.equal(percentText(0.997), '99.7 %');
  assert.equal(percentText(0.75), '75.0 %');
  assert.equal(percentText(0), '0.0 %');
  assert.equal(percentText(null), 'no data');
  assert.equal(uptime30Text(0.99768), 'Uptime 30 d: 99.7 %');
});

test('tones: open all day, mostly open, outage, not linked, no record', () => {
  assert.equal(toneOf(cell({ open: 24 * H - 5 * M, reconnecting: 5 * M })), 'ok');
  assert.equal(toneOf(cell({ open: 22 * H, reconnecting: 2 * H })), 'degraded');
  assert.equal(toneOf(cell({ open: 18 * H, reconnecting: 6 * H })), 'outage');
  assert.equal(toneOf(cell({ open: 4 * H, notLinked: 20 * H })), 'not-linked');
  assert.equal(toneOf(cell({})), 'none');
});
