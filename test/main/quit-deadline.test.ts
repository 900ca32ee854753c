import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../main/engine/clock.js';
import { QUIT_DEADLINE_MS, withDeadline } from '../../main/quit-deadline.js';

test('a stop that never ends gives up at the deadline, not before', async () => {
  const clock = new ManualClock();
  let settled = false;
  const r = withDeadline(new Promise<never>(() => undefined), QUIT_DEADLINE_MS, clock).then((v) => ((settled = true), v));
  clock.advance(QUIT_DEADLINE_MS - 1);
  await new Promise((res) => setImmediate(res));
  assert.equal(settled, false);
  clock.advance(1);
  assert.deepEqual(await r, { done: false });
});

test('a stop that finishes in time answers its value and leaves no timer behind', async () => {
  const clock = new ManualClock();
  assert.deepEqual(await withDeadline(Promise.resolve(7), QUIT_DEADLINE_MS, clock), { done: true, value: 7 });
  assert.equal(clock.pending(), 0);
  await assert.rejects(withDeadline(Promise.reject(new Error('flush failed')), QUIT_DEADLINE_MS, clock), /flush failed/);
  assert.equal(clock.pending(), 0);
});
