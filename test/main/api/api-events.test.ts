import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiEvents } from '../../../main/api/api-events.js';
import { EVENTS_FILE } from '../../../main/api/event-journal.js';
import { createKeeper } from '../../../main/engine/keeper.js';

test('an event the disk refuses is reported, never thrown back into the keeper that emitted it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'api-events-'));
  const keeper = createKeeper({ dataDir: join(dir, 'data'), phones: [{ id: 'default' }], backup: false });
  const errors: unknown[] = [];
  const events = new ApiEvents({ dir: join(dir, 'api'), keeper, messaging: null, outbound: null, webhooks: [], onError: (e) => errors.push(e) });
  try {
    events.start();
    // the journal's file becomes a folder: every append now fails with EISDIR
    await rm(join(dir, 'api', EVENTS_FILE), { force: true });
    await mkdir(join(dir, 'api', EVENTS_FILE));
    const status = { ...keeper.status('default'), state: 'connecting' as const };
    assert.doesNotThrow(() => keeper.emit('status', status));
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as NodeJS.ErrnoException).code, 'EISDIR');
  } finally {
    await events.stop();
    await keeper.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a status rebuilt without a change is not a new phone.status event', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'api-events-'));
  const keeper = createKeeper({ dataDir: join(dir, 'data'), phones: [{ id: 'default' }], backup: false });
  const events = new ApiEvents({ dir: join(dir, 'api'), keeper, messaging: null, outbound: null, webhooks: [] });
  try {
    events.start();
    const s = { ...keeper.status('default'), state: 'connecting' as const };
    keeper.emit('status', s);
    keeper.emit('status', { ...s, updatedAt: s.updatedAt + 1000 });
    keeper.emit('status', { ...s, state: 'open' });
    assert.deepEqual(events.journal.since('0').events.map((e) => [e.type, (e.data as { state: string }).state]), [
      ['phone.status', 'connecting'],
      ['phone.status', 'open'],
    ]);
  } finally {
    await events.stop();
    await keeper.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
