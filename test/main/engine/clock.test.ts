import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../main/engine/clock.js';

test('a manual clock fires due timers in time order and only when advanced', () => {
  const clock = new ManualClock(0);
  const fired: string[] = [];
  clock.setTimeout(() => fired.push('b'), 200);
  clock.setTimeout(() => fired.push('a'), 100);
  const c = clock.setTimeout(() => fired.push('c'), 150);
  clock.clearTimeout(c);
  clock.advance(99);
  assert.deepEqual(fired, []);
  clock.advance(1);
  assert.deepEqual(fired, ['a']);
  assert.equal(clock.now(), 100);
  clock.advance(500);
  assert.deepEqual(fired, ['a', 'b']);
  assert.equal(clock.now(), 600);
});

test('a clock jump moves time without firing timers until the clock is advanced', () => {
  const clock = new ManualClock(0);
  let fired = 0;
  clock.setTimeout(() => fired++, 1000);
  clock.jump(5000);
  assert.equal(fired, 0);
  clock.advance(0);
  assert.equal(fired, 1);
});
