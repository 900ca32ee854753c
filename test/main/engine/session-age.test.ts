import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatSessionAge,
  formatSessionDuration,
  keepAliveLine,
  sessionDurationLine,
} from '../../../main/engine/session-age.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

test('a zero duration reads as 0 days, 0 hours', () => {
  assert.equal(formatSessionDuration(0), '0 days, 0 hours');
  assert.equal(formatSessionAge(0), '0d 0h');
});

test('59 minutes rounds down to 0 hours', () => {
  assert.equal(formatSessionDuration(59 * MIN), '0 days, 0 hours');
  assert.equal(formatSessionAge(59 * MIN + 59_999), '0d 0h');
});

test('exactly one hour reads as 1 hour', () => {
  assert.equal(formatSessionDuration(HOUR), '0 days, 1 hours');
});

test('exactly one day reads as 1 days, 0 hours (wording stays plural for grep)', () => {
  assert.equal(formatSessionDuration(DAY), '1 days, 0 hours');
  assert.equal(formatSessionAge(DAY), '1d 0h');
});

test('23 hours 59 minutes is still 0 days, 23 hours', () => {
  assert.equal(formatSessionDuration(DAY - MIN), '0 days, 23 hours');
});

test('10 days 5 hours (and a few minutes) reads as 10 days, 5 hours', () => {
  const ms = 10 * DAY + 5 * HOUR + 17 * MIN;
  assert.equal(formatSessionDuration(ms), '10 days, 5 hours');
  assert.equal(formatSessionAge(ms), '10d 5h');
});

test('negative or non-finite durations read as zero instead of nonsense', () => {
  assert.equal(formatSessionDuration(-5 * HOUR), '0 days, 0 hours');
  assert.equal(formatSessionAge(Number.NaN), '0d 0h');
  assert.equal(formatSessionAge(Number.POSITIVE_INFINITY), '0d 0h');
});

test('the disconnect line matches the exact text users grep for', () => {
  assert.equal(sessionDurationLine(2 * DAY + 3 * HOUR), '⏱️ Session duration: 2 days, 3 hours');
});

test('the keep-alive line matches the exact text users grep for', () => {
  assert.equal(keepAliveLine(36 * DAY + 23 * HOUR), '💚 Session keep-alive sent (Session age: 36d 23h)');
});
