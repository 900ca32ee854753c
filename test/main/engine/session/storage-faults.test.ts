// The storage-fault tracker alone, on a manual clock: one log line and one change per problem,
// retries with backoff, the first failure's time kept, and a clear when a write lands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../../main/engine/clock.js';
import { StorageFaults } from '../../../../main/engine/session/storage-faults.js';
import { storageErrorOf } from '../../../../main/engine/storage-error.js';

const T0 = Date.UTC(2026, 11, 1);
const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, open '/d/state/x/.tmp-1-1-abcdef-meta.json'"), { code: 'ENOSPC' });
const settle = () => new Promise((r) => setImmediate(r));

test('the OS reason is taken from the error without the temp file the OS named', () => {
  assert.deepEqual(storageErrorOf('/d/state/x/meta.json', enospc(), T0), { path: '/d/state/x/meta.json', reason: 'no space left on device', code: 'ENOSPC', since: T0 });
  assert.deepEqual(storageErrorOf('/p', new Error('odd'), T0), { path: '/p', reason: 'odd', code: null, since: T0 });
});

test('a failing write is retried after 5 s, 10 s, 20 s…, logged once, and cleared when a retry lands', async () => {
  const clock = new ManualClock(T0);
  const logs: string[] = [];
  let changes = 0;
  const faults = new StorageFaults(clock, (_l, event) => logs.push(event), () => (changes += 1));
  let diskFull = true;
  const tries: number[] = [];
  const retry = async () => {
    tries.push(clock.now() - T0);
    if (diskFull) throw enospc();
  };
  faults.failed('meta', '/d/meta.json', enospc(), retry);
  assert.equal(faults.current()?.since, T0);
  for (const step of [4_999, 1, 10_000, 20_000]) {
    clock.advance(step);
    await settle();
  }
  assert.deepEqual(tries, [5_000, 15_000, 35_000]);
  assert.deepEqual(logs, ['storage.write-failed'], 'one line per problem, not per retry');
  assert.equal(changes, 1);
  assert.equal(faults.current()?.since, T0, 'the episode keeps its first time');
  diskFull = false;
  clock.advance(40_000);
  await settle();
  assert.equal(faults.current(), null);
  assert.deepEqual(logs, ['storage.write-failed', 'storage.recovered']);
  assert.equal(changes, 2);
  assert.equal(clock.pending(), 0, 'no retry left running');
});

test('a stopped phone keeps showing its problem but runs no timer until it runs again', () => {
  const clock = new ManualClock(T0);
  const faults = new StorageFaults(clock, () => {}, () => {});
  faults.failed('creds', '/d/creds.json', enospc(), () => Promise.resolve());
  faults.stopRetrying();
  assert.equal(clock.pending(), 0);
  assert.ok(faults.current());
  faults.resumeRetrying();
  assert.equal(clock.pending(), 1);
});
