// "Test connection" against the Storage stand-in in each of the real server's quiet failure
// modes, and against a real project when SUPABASE_URL/KEY/BUCKET are set.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFolderTarget } from '../../../../main/engine/backup/local-folder-target.js';
import { SupabaseTarget } from '../../../../main/engine/backup/supabase-target.js';
import { checkTarget, PROBE_PHONE_ID } from '../../../../main/engine/backup/target-check.js';
import { start, type StorageServer } from '../../../support/supabase-server/storage-server.js';

const REAL = process.env.SUPABASE_URL && process.env.SUPABASE_KEY && process.env.SUPABASE_BUCKET
  ? { url: process.env.SUPABASE_URL, key: process.env.SUPABASE_KEY, bucket: process.env.SUPABASE_BUCKET }
  : null;
const T0 = Date.UTC(2026, 0, 1, 9, 30);
const KEY = 'service-key';
const BUCKET = 'backups';
const ROLES = {
  'no-policies': {},
  'insert-only': { insert: true },
  'no-delete': { insert: true, select: true },
  'all-policies': { insert: true, select: true, delete: true },
};
const local = { skip: REAL ? 'needs the local server' : false };

let server: StorageServer;
before(async () => {
  server = await start({ key: KEY, roles: ROLES, buckets: [BUCKET] });
});
after(async () => {
  await server.close();
});

const supabase = (key: string, bucket = BUCKET, url = server.url) => new SupabaseTarget({ url, key, bucket, prefix: 'sk', timeoutMs: 5_000 });
const probes = () => server.objects().filter((o) => o.path.startsWith(`sk/${PROBE_PHONE_ID}/`));

test('with the right key and policies every step works and the probe is gone afterwards', async () => {
  const target = REAL ? new SupabaseTarget({ ...REAL, prefix: 'session-keeper-test', timeoutMs: 20_000 }) : supabase('all-policies');
  const r = await checkTarget(target, T0);
  assert.equal(r.problem, null);
  assert.equal(r.ok, true);
  assert.deepEqual(r.steps.map((s) => [s.step, s.ok]), [['write', true], ['list', true], ['read', true], ['remove', true]]);
  assert.match(r.summary, /stored, listed, read back and removed/);
  assert.deepEqual(await target.list(PROBE_PHONE_ID), []);
});

describe('each quiet failure of the real server is named in plain words', () => {
  test('a wrong bucket', local, async () => {
    const r = await checkTarget(supabase(KEY, 'bakups'), T0);
    assert.equal(r.ok, false);
    assert.equal(r.problem?.startsWith("The bucket 'bakups' does not exist or this key cannot see it"), true, r.problem ?? '');
  });

  test('a key the project does not know, from Storage itself and from the hosted gateway', local, async () => {
    assert.match((await checkTarget(supabase('not-a-key'), T0)).problem ?? '', /Supabase does not accept this key/);
    const hosted = await start({ key: KEY, gateway: 'hosted', buckets: [BUCKET] });
    try {
      assert.match((await checkTarget(supabase('not-a-key', BUCKET, hosted.url), T0)).problem ?? '', /Supabase does not accept this key/);
    } finally {
      await hosted.close();
    }
  });

  test('no insert policy', local, async () => {
    const r = await checkTarget(supabase('no-policies'), T0);
    assert.equal(r.problem, "This key may not upload to bucket 'backups': add an insert policy on storage.objects for bucket 'backups' (the README has the SQL).");
    assert.deepEqual(r.steps.map((s) => s.step), ['write']);
  });

  test('no select policy: uploads work, listing shows nothing, and the probe left behind is named', local, async () => {
    const r = await checkTarget(supabase('insert-only'), T0 + 1);
    assert.match(r.problem ?? '', /^Uploads work but listing shows nothing: add a select policy on storage\.objects for bucket 'backups'/);
    assert.match(r.problem ?? '', /A test file _connection-check\/\S+\.skb was left in bucket 'backups'/);
    assert.deepEqual(r.steps.map((s) => [s.step, s.ok]), [['write', true], ['list', false]]);
    assert.equal(probes().length, 1);
  });

  test('no delete policy: deletes are silently refused', local, async () => {
    const before = probes().length;
    const r = await checkTarget(supabase('no-delete'), T0 + 2);
    assert.match(r.problem ?? '', /^Uploads work but deletes are silently refused: add a delete policy on storage\.objects for bucket 'backups'/);
    assert.deepEqual(r.steps.map((s) => [s.step, s.ok]), [['write', true], ['list', true], ['read', true], ['remove', false]]);
    assert.equal(probes().length, before + 1, 'the server really kept it');
  });

  test('a server that cannot be reached', local, async () => {
    const gone = await start({ key: KEY });
    const url = gone.url;
    await gone.close();
    const r = await checkTarget(supabase(KEY, BUCKET, url), T0);
    assert.match(r.problem ?? '', /^Supabase Storage could not be reached: .*Check the project URL/);
  });
});

test('a service-role key works but is flagged: it must not sit on a desktop', local, async () => {
  const serviceJwt = [Buffer.from('{"alg":"HS256"}').toString('base64url'), Buffer.from('{"role":"service_role"}').toString('base64url'), 'sig'].join('.');
  const admin = await start({ key: serviceJwt, buckets: [BUCKET] });
  try {
    const r = await checkTarget(supabase(serviceJwt, BUCKET, admin.url), T0);
    assert.equal(r.ok, true);
    assert.match(r.warning ?? '', /^This is a service-role key: it is admin over the whole Supabase project/);
    assert.equal((await checkTarget(supabase('all-policies'), T0)).warning, null);
  } finally {
    await admin.close();
  }
});

test('no target set up, and the local folder target, are answered too', async () => {
  assert.match((await checkTarget(null, T0)).problem ?? '', /No backup target is set up/);
  const dir = await mkdtemp(join(tmpdir(), 'sk-check-'));
  try {
    const r = await checkTarget(new LocalFolderTarget(dir), T0);
    assert.equal(r.ok, true);
    assert.equal(r.target, 'local-folder');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
