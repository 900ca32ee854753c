// The stand-in is only useful if supabase-js itself is happy with it: drive it with the real
// client, and check the auth and fault behaviour with plain fetch.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import { start, type StorageServer } from './storage-server.js';

const KEY = 'service-key';
const DENIED = 'anon-key';
type Transport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>;
const noRealtime = class {} as unknown as Transport; // Node 20 has no WebSocket; realtime is unused

let server: StorageServer;
before(async () => {
  server = await start({ key: KEY, noAccessKeys: [DENIED] });
});
after(async () => {
  await server.close();
});

const client = (key = KEY) =>
  createClient(server.url, key, { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: noRealtime } }).storage;

test('supabase-js can create, get and list buckets', async () => {
  const created = await client().createBucket('b1', { public: false });
  assert.equal(created.error, null);
  assert.equal((await client().createBucket('b1')).error?.message, 'The resource already exists');
  const got = await client().getBucket('b1');
  assert.equal(got.data?.id, 'b1');
  assert.deepEqual((await client().listBuckets()).data?.map((b) => b.id), ['b1']);
  assert.equal((await client().getBucket('nope')).error?.message, 'Bucket not found');
});

test('upload refuses to replace an object unless upsert is asked for', async () => {
  const b = client().from('b1');
  assert.equal((await b.upload('a/one.bin', Buffer.from('v1'), { upsert: false })).error, null);
  const dup = await b.upload('a/one.bin', Buffer.from('v2'), { upsert: false });
  assert.equal((dup.error as { status?: number } | null)?.status, 409);
  assert.equal((await b.upload('a/one.bin', Buffer.from('v3'), { upsert: true })).error, null);
  const blob = (await b.download('a/one.bin')).data;
  assert.equal(Buffer.from(await blob!.arrayBuffer()).toString(), 'v3');
  assert.deepEqual(server.objects().map((o) => [o.bucket, o.path, o.bytes.toString()]), [['b1', 'a/one.bin', 'v3']]);
});

test('list returns a folder level with sizes, sorted, paged and filtered like Storage', async () => {
  const b = client().from('b1');
  for (const n of ['x/2.bin', 'x/1.bin', 'x/3.bin', 'x/sub/deep.bin']) await b.upload(n, Buffer.from(n));
  const all = await b.list('x', { sortBy: { column: 'name', order: 'desc' } });
  assert.deepEqual(all.data?.map((o) => o.name), ['sub', '3.bin', '2.bin', '1.bin']);
  assert.equal(all.data?.find((o) => o.name === 'sub')?.id, null);
  assert.equal((all.data?.find((o) => o.name === '1.bin')?.metadata as { size?: number } | null)?.size, 'x/1.bin'.length);
  const page = await b.list('x', { limit: 2, offset: 1, sortBy: { column: 'name', order: 'asc' } });
  assert.deepEqual(page.data?.map((o) => o.name), ['2.bin', '3.bin']);
  assert.deepEqual((await b.list('x', { search: '2' })).data?.map((o) => o.name), ['2.bin']);
});

test('remove deletes exactly the listed paths and reports them', async () => {
  const b = client().from('b1');
  const removed = await b.remove(['x/1.bin', 'x/missing.bin']);
  assert.deepEqual(removed.data?.map((o) => o.name), ['x/1.bin']);
  assert.ok(!server.objects().some((o) => o.path === 'x/1.bin'));
  assert.ok(server.objects().some((o) => o.path === 'x/2.bin'));
});

test('a missing or wrong key is 401 and a key without access is 403', async () => {
  const noKey = await fetch(`${server.url}/storage/v1/bucket`);
  assert.equal(noKey.status, 401);
  await noKey.arrayBuffer();
  assert.equal((await client('wrong').listBuckets()).error?.message, 'Invalid API key');
  const denied = await client(DENIED).from('b1').list('x');
  assert.equal((denied.error as { status?: number } | null)?.status, 403);
  const badBearer = await fetch(`${server.url}/storage/v1/bucket`, { headers: { apikey: KEY, authorization: 'Bearer wrong' } });
  assert.equal(badBearer.status, 401);
  await badBearer.arrayBuffer();
});

test('injected faults hit the next requests in order, then the server is healthy again', async () => {
  server.inject({ kind: 'status', status: 500, count: 2 });
  server.inject({ kind: 'reset' });
  const url = `${server.url}/storage/v1/bucket`;
  const headers = { apikey: KEY };
  for (let i = 0; i < 2; i++) {
    const r = await fetch(url, { headers });
    assert.equal(r.status, 500);
    await r.arrayBuffer();
  }
  await assert.rejects(fetch(url, { headers }), TypeError);
  const ok = await fetch(url, { headers });
  assert.equal(ok.status, 200);
  await ok.arrayBuffer();
});

test('a delay fault holds the response for that long', async () => {
  server.inject({ kind: 'delay', ms: 150 });
  const started = Date.now();
  const r = await fetch(`${server.url}/storage/v1/bucket`, { headers: { apikey: KEY } });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  assert.ok(Date.now() - started >= 140);
});
