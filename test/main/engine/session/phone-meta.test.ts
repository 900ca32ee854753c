// The phone meta file: older files still read, and the new-link facts survive a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../main/engine/clock.js';
import { PhoneMetaStore } from '../../../../main/engine/session/phone-meta-store.js';
import { StorageFaults } from '../../../../main/engine/session/storage-faults.js';
import { EMPTY_META, MAX_REMOVED_DEVICES, readPhoneMeta, removedDevice, withRemovedDevice, writePhoneMeta, type PhoneMeta } from '../../../../main/engine/phone-meta.js';

test('a meta file written before unlinked/removedDevices existed reads with neither set', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'meta-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'meta.json'), JSON.stringify({ version: 1, pairedAt: 5, me: 'a:1@s.whatsapp.net', lastOpenAt: null, lastCloseAt: null }));
  const { meta, setAside } = await readPhoneMeta(dir);
  assert.equal(setAside, null);
  assert.equal(meta.pairedAt, 5);
  assert.equal(meta.unlinked, null);
  assert.deepEqual(meta.removedDevices, []);
});

test('why a phone needs a new link and which devices WhatsApp removed survive a write and a read', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'meta-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  let meta: PhoneMeta = { ...EMPTY_META, unlinked: { cause: 'user-logout', at: 7, device: 'a:1@s.whatsapp.net' } };
  meta = withRemovedDevice(meta, { device: 'a:1@s.whatsapp.net', at: 7, cause: 'user-logout' });
  await writePhoneMeta(dir, meta);
  const read = (await readPhoneMeta(dir)).meta;
  assert.deepEqual(read.unlinked, meta.unlinked);
  assert.deepEqual(removedDevice(read, 'a:1@s.whatsapp.net'), { device: 'a:1@s.whatsapp.net', at: 7, cause: 'user-logout' });
  assert.equal(removedDevice(read, 'b:1@s.whatsapp.net'), null);
});

test('a malformed unlink record sets the file aside instead of being trusted', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'meta-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'meta.json'), JSON.stringify({ ...EMPTY_META, unlinked: { cause: 'gremlins', at: 1, device: null } }));
  const { meta, setAside } = await readPhoneMeta(dir);
  assert.ok(setAside);
  assert.equal(meta.unlinked, null);
  assert.equal((await readdir(dir)).length, 1);
});

test('a device is remembered once, newest record kept, and the list stays bounded', () => {
  let meta = { ...EMPTY_META };
  meta = withRemovedDevice(meta, { device: 'a', at: 1, cause: 'user-logout' });
  meta = withRemovedDevice(meta, { device: 'a', at: 2, cause: 'server-logout' });
  assert.deepEqual(meta.removedDevices, [{ device: 'a', at: 2, cause: 'server-logout' }]);
  for (let i = 0; i < MAX_REMOVED_DEVICES + 5; i++) meta = withRemovedDevice(meta, { device: `d${i}`, at: i, cause: 'user-logout' });
  assert.equal(meta.removedDevices.length, MAX_REMOVED_DEVICES);
  assert.equal(meta.removedDevices.at(-1)?.device, `d${MAX_REMOVED_DEVICES + 4}`);
});

test("a re-open's time is written later (off the other phones' opens), at once by a flush, and a real change is not held back", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'meta-later-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const clock = new ManualClock(1_000);
  const store = new PhoneMetaStore(dir, new StorageFaults(clock, () => {}, () => {}));
  await store.update({ pairedAt: 5, me: 'a:1@s.whatsapp.net' });
  store.updateLater({ lastOpenAt: 2_000 }, 30_000, clock);
  assert.equal(store.value.lastOpenAt, 2_000, 'memory (the status) has it at once');
  await store.flush();
  assert.equal((await readPhoneMeta(dir)).meta.lastOpenAt, 2_000, 'a flush (stop) writes what was put off');

  store.updateLater({ lastOpenAt: 3_000 }, 30_000, clock);
  await new Promise((r) => setImmediate(r));
  assert.equal((await readPhoneMeta(dir)).meta.lastOpenAt, 2_000, 'not yet written');
  clock.advance(30_000);
  await store.flush();
  assert.equal((await readPhoneMeta(dir)).meta.lastOpenAt, 3_000, 'written when its time came');

  store.updateLater({ lastOpenAt: 4_000 }, 30_000, clock);
  await store.update({ unlinked: null, me: 'b:2@s.whatsapp.net' });
  const onDisk = (await readPhoneMeta(dir)).meta;
  assert.equal(onDisk.me, 'b:2@s.whatsapp.net');
  assert.equal(onDisk.lastOpenAt, 4_000, 'a real change carries the put-off time with it');
});
