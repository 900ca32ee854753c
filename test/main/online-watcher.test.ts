import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../main/engine/clock.js';
import { createOnlineWatcher } from '../../main/online-watcher.js';

test('coming back online wakes once per offline → online edge, never while staying online', () => {
  const clock = new ManualClock();
  let online = true;
  let wakes = 0;
  const w = createOnlineWatcher({ isOnline: () => online, clock, intervalMs: 1000, onOnline: () => wakes++ });
  clock.advance(3000);
  assert.equal(wakes, 0, 'starting online is not coming back');
  online = false;
  clock.advance(2000);
  online = true;
  clock.advance(1000);
  assert.equal(wakes, 1);
  clock.advance(5000);
  assert.equal(wakes, 1);
  w.stop();
  online = false;
  clock.advance(1000);
  online = true;
  clock.advance(1000);
  assert.equal(wakes, 1, 'stopped watchers stay quiet');
});
