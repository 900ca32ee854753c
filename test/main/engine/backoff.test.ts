import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../main/engine/clock.js';
import {
  Backoff,
  DEFAULT_BACKOFF,
  ReconnectTimer,
  backoffDelay,
  nominalDelay,
  shouldResetFailures,
} from '../../../main/engine/backoff.js';

const mid = (): number => 0.5;

test('delays start at 2 s and grow by 1.8 per attempt', () => {
  const delays = [1, 2, 3, 4, 5].map((n) => backoffDelay(n, mid));
  assert.deepEqual(delays, [2000, 3600, 6480, 11664, 20995]);
});

test('delays are capped at 60 s from the 7th attempt on', () => {
  assert.equal(Math.round(nominalDelay(6)), 37791); // last step below the cap
  assert.equal(backoffDelay(7, mid), 60_000);
  assert.equal(backoffDelay(12, mid), 60_000);
  assert.equal(backoffDelay(10_000, mid), 60_000);
});

test('jitter stays within ±25 % at the extremes of random', () => {
  assert.equal(backoffDelay(1, () => 0), 1500);
  assert.equal(backoffDelay(1, () => 1), 2500);
  assert.equal(backoffDelay(3, () => 0), Math.round(6480 * 0.75));
  assert.equal(backoffDelay(3, () => 1), Math.round(6480 * 1.25));
});

test('jitter never pushes a capped delay past 60 s', () => {
  assert.equal(backoffDelay(9, () => 1), 60_000);
  assert.equal(backoffDelay(9, () => 0), 45_000);
});

test('a random outside [0, 1] is clamped rather than trusted', () => {
  assert.equal(backoffDelay(1, () => -3), 1500);
  assert.equal(backoffDelay(1, () => 7), 2500);
});

test('a custom config changes base, factor and cap', () => {
  const cfg = { ...DEFAULT_BACKOFF, baseMs: 1000, factor: 2, maxMs: 5000, jitter: 0 };
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffDelay(n, Math.random, cfg)), [1000, 2000, 4000, 5000, 5000]);
});

test('failures reset only once the connection has been open for 60 s', () => {
  assert.equal(shouldResetFailures(null, 1_000_000), false);
  assert.equal(shouldResetFailures(0, 59_999), false);
  assert.equal(shouldResetFailures(0, 60_000), true);
  assert.equal(shouldResetFailures(0, 120_000, 90_000), true);
  assert.equal(shouldResetFailures(0, 80_000, 90_000), false);
});

test('the stateful backoff yields the delay sequence and restarts it after 60 s open', () => {
  const clock = new ManualClock(0);
  const b = new Backoff(clock, mid);
  assert.deepEqual([b.failed(), b.failed(), b.failed()], [2000, 3600, 6480]);
  assert.equal(b.attempt, 3);
  // A short-lived open does not forgive the streak.
  b.opened();
  clock.advance(59_000);
  assert.equal(b.failed(), 11664);
  assert.equal(b.attempt, 4);
  // A stable open does.
  b.opened();
  clock.advance(60_000);
  assert.equal(b.failed(), 2000);
  assert.equal(b.attempt, 1);
});

test('the stateful backoff keeps returning the cap once reached', () => {
  const b = new Backoff(new ManualClock(0), mid);
  const seq = Array.from({ length: 12 }, () => b.failed());
  assert.equal(Math.max(...seq), 60_000);
  assert.deepEqual(seq.slice(6), Array(6).fill(60_000));
});

test('the reconnect timer fires once at the scheduled time and reports when', () => {
  const clock = new ManualClock(1000);
  const timer = new ReconnectTimer(clock);
  let fired = 0;
  const at = timer.schedule(2000, () => fired++);
  assert.equal(at, 3000);
  assert.equal(timer.nextAt, 3000);
  clock.advance(1999);
  assert.equal(fired, 0);
  clock.advance(1);
  assert.equal(fired, 1);
  assert.equal(timer.nextAt, null);
  assert.equal(clock.pending(), 0);
});

test('scheduling again replaces the pending attempt instead of stacking a second one', () => {
  const clock = new ManualClock(0);
  const timer = new ReconnectTimer(clock);
  const fired: string[] = [];
  timer.schedule(1000, () => fired.push('first'));
  timer.schedule(5000, () => fired.push('second'));
  assert.equal(clock.pending(), 1);
  clock.advance(10_000);
  assert.deepEqual(fired, ['second']);
});

test('a cancelled reconnect never fires', () => {
  const clock = new ManualClock(0);
  const timer = new ReconnectTimer(clock);
  let fired = 0;
  timer.schedule(1000, () => fired++);
  timer.cancel();
  clock.advance(5000);
  assert.equal(fired, 0);
  assert.equal(timer.nextAt, null);
});
