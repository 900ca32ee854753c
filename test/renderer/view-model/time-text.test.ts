import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countdownText, durationText, relativeText } from '../../../renderer/view-model/time-text.js';

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

test('the QR countdown rounds up to whole seconds and stops at zero', () => {
  assert.equal(countdownText(59_001), '1:00');
  assert.equal(countdownText(5_000), '0:05');
  assert.equal(countdownText(-10), '0:00');
});
