import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ageText, countdownText, dateText, durationText, isoText, relativeText, untilText, utcText } from '../../../main/presenters/durations.js';
import { keepAliveLine } from '../../../main/engine/session-age.js';

test('durations show at most two units, rounded down', () => {
  assert.equal(durationText(45_400), '45 s');
  assert.equal(durationText(12 * 60_000 + 59_000), '12 min');
  assert.equal(durationText(3 * 3_600_000 + 5 * 60_000), '3 h 5 min');
  assert.equal(durationText(3 * 3_600_000), '3 h');
  assert.equal(durationText((2 * 24 + 4) * 3_600_000 + 59 * 60_000), '2 d 4 h');
  assert.equal(durationText(-5), '0 s');
});

test('relative times say ago, in, just now, or the placeholder for no time', () => {
  assert.equal(relativeText(1_000_000 - 5 * 60_000, 1_000_000), '5 min ago');
  assert.equal(relativeText(1_000_000 + 3 * 3_600_000, 1_000_000), 'in 3 h');
  assert.equal(relativeText(1_000_000 + 2_000, 1_000_000), 'just now');
  assert.equal(relativeText(null, 1_000_000, 'not planned'), 'not planned');
});

test('a planned time reads "in …" until it is due, then "now", never "… ago"', () => {
  assert.equal(untilText(1_000_000 + 3 * 3_600_000 + 20 * 60_000, 1_000_000), 'in 3 h 20 min');
  assert.equal(untilText(1_000_000 - 10 * 60_000, 1_000_000), 'now');
  assert.equal(untilText(null, 1_000_000), 'not planned');
});

test('the session age reads exactly as in the engine\'s keep-alive log line', () => {
  const ms = (12 * 24 + 4) * 3_600_000 + 59 * 60_000;
  assert.equal(ageText(ms), '12d 4h');
  assert.equal(keepAliveLine(ms), `💚 Session keep-alive sent (Session age: ${ageText(ms)})`);
  assert.equal(ageText(-1), '0d 0h');
});

test('the QR countdown rounds up to whole seconds and stops at zero', () => {
  assert.equal(countdownText(59_001), '1:00');
  assert.equal(countdownText(5_000), '0:05');
  assert.equal(countdownText(-10), '0:00');
});

test('absolute times are fixed-width local dates and times', () => {
  const at = new Date(2026, 10, 30, 9, 5, 7).getTime();
  assert.equal(dateText(at), '2026-11-30');
  assert.equal(isoText(at), '2026-11-30 09:05:07');
});

test('the headless terminal prints UTC times without the T and the milliseconds', () => {
  assert.equal(utcText(Date.UTC(2026, 10, 27, 12, 0, 5, 999)), '2026-11-27 12:00:05');
});
