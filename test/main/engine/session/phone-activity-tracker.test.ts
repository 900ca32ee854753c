// The phone-activity tracker alone, over a real meta file in a temp folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPhoneMeta } from '../../../../main/engine/phone-meta.js';
import { PHONE_INACTIVE_WARN_MS } from '../../../../main/engine/phone-activity.js';
import { PhoneActivityTracker } from '../../../../main/engine/session/phone-activity-tracker.js';
import { PhoneMetaStore } from '../../../../main/engine/session/phone-meta-store.js';
import { StorageFaults } from '../../../../main/engine/session/storage-faults.js';
import { ManualClock } from '../../../../main/engine/clock.js';
import type { LogEntry } from '../../../../main/engine/types.js';

const T0 = Date.UTC(2026, 10, 1);
const HOUR = 60 * 60_000;

async function rig(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'activity-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const meta = new PhoneMetaStore(dir, new StorageFaults(new ManualClock(T0), () => {}, () => {}));
  await meta.update({ pairedAt: T0, me: '1555:3@s.whatsapp.net', phoneLastSeenAt: T0 });
  const logs: { level: LogEntry['level']; event: string }[] = [];
  let notified = 0;
  const tracker = new PhoneActivityTracker(meta, (level, event) => logs.push({ level, event }), () => (notified += 1));
  tracker.opened(T0);
  return { dir, meta, tracker, logs, notified: () => notified };
}

test('the phone being seen is written down at most once an hour, and listeners hear of each write', async (t) => {
  const { dir, meta, tracker, notified } = await rig(t);
  tracker.seen(T0 + 10 * 60_000);
  assert.equal(meta.value.phoneLastSeenAt, T0 + 10 * 60_000, 'known in memory at once');
  assert.equal(notified(), 0);
  tracker.seen(T0 + HOUR);
  await meta.flush(); // the write in flight, not a guess at how long a loaded disk takes
  assert.equal((await readPhoneMeta(dir)).meta.phoneLastSeenAt, T0 + HOUR);
  assert.equal(notified(), 1);
});

test('the inactivity warning is raised once at 12 days and cleared once when the phone is seen again', async (t) => {
  const { tracker, logs } = await rig(t);
  const late = T0 + PHONE_INACTIVE_WARN_MS;
  tracker.check(late - 1);
  assert.equal(logs.length, 0);
  tracker.check(late);
  tracker.check(late + HOUR);
  assert.deepEqual(logs, [{ level: 'warn', event: 'phone.inactive' }]);
  tracker.seen(late + 2 * HOUR);
  assert.deepEqual(logs.map((l) => l.event), ['phone.inactive', 'phone.active']);
});

test('an unlinked phone is never "seen" and never warned about', async (t) => {
  const { meta, tracker, logs } = await rig(t);
  await meta.update({ pairedAt: null, phoneLastSeenAt: null });
  tracker.seen(T0 + HOUR);
  tracker.check(T0 + 30 * 24 * HOUR);
  assert.equal(meta.value.phoneLastSeenAt, null);
  assert.deepEqual(logs, []);
});
