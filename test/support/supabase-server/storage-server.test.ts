// The stand-in is only useful if supabase-js itself is happy with it and sees what a real Storage
// server (supabase/storage v1.70.6) shows it: drive it with the real client, and check the auth
// and fault behaviour with plain fetch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import { start, type StorageServer } from './storage-server.js';

const KEY = 'service-key';
const ANON = 'anon-key';
type Transport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>;
const noRealtime = class {} as unknown as Transport; // Node 20 has no WebSocket; realtime is unused

interface ApiError {
  status?: number;
  statusCode?: string;
  code?: string;
  message?: string;
}
const apiError = (e: unknown): ApiError => (e ?? {}) as ApiError;
const shape = (e: unknown): [number | undefined, string | undefined, string | undefined] => [apiError(e).status, apiError(e).statusCode, apiError(e).code];

let server: StorageServer;
before(async () => {
  server = await start({ key: KEY, roles: { [ANON]: {} } });
});
after(async () => {
  await server.close();
});

const client = (key = KEY, url = server.url) =>
  createClient(url, key, { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: noRealtime } }).storage;

test('supabase-js can create, get and list buckets; refusals are HTTP 400 with the real status in the body', async () => {
  const created = await client().createBucket('b1', { public: false });
  assert.equal(created.error, null);
  const dup = await client().createBucket('b1');
  assert.equal(dup.error?.message, 'The resource already exists');
  assert.deepEqual(shape(dup.error), [400, '409', 'BucketAlreadyExists']);
  const got = await client().getBucket('b1');
  assert.equal(got.data?.id, 'b1');
  assert.deepEqual((await client().listBuckets()).data?.map((b) => b.id), ['b1']);
  const missing = await client().getBucket('nope');
  assert.equal(missing.error?.message, 'Bucket not found');
  assert.deepEqual(shape(missing.error), [400, '404', 'NoSuchBucket']);
});

test('upload refuses to replace an object unless upsert is asked for, with KeyAlreadyExists in a 400', async () => {
  const b = client().from('b1');
  assert.equal((await b.upload('a/one.bin', Buffer.from('v1'), { upsert: false })).error, null);
  const dup = await b.upload('a/one.bin', Buffer.from('v2'), { upsert: false });
  assert.deepEqual(shape(dup.error), [400, '409', 'KeyAlreadyExists']);
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

test('a missing bucket lists as 200 [] and removes as 200 []; only an upload says NoSuchBucket', async () => {
  const b = client().from('no-such-bucket');
  assert.deepEqual(await b.list('x'), { data: [], error: null });
  assert.deepEqual((await b.remove(['x/1.bin'])).data, []);
  assert.deepEqual(shape((await b.download('x/1.bin')).error), [400, '404', 'NoSuchKey']);
  const up = await b.upload('x/1.bin', Buffer.from('x'));
  assert.deepEqual(shape(up.error), [400, '404', 'NoSuchBucket']);
  assert.equal(up.error?.message, 'Bucket not found');
});

describe('row-level security hides rather than refuses', () => {
  test('without an insert policy an upload is a 400 whose body says 403', async () => {
    const up = await client(ANON).from('b1').upload('anon/1.bin', Buffer.from('x'));
    assert.deepEqual(shape(up.error), [400, '403', 'AccessDenied']);
    assert.equal(up.error?.message, 'new row violates row-level security policy');
  });

  test('without a select policy the objects list as [] and download as not found', async () => {
    server.setPolicies(ANON, { insert: true });
    assert.equal((await client(ANON).from('b1').upload('anon/1.bin', Buffer.from('x'))).error, null);
    assert.deepEqual(await client(ANON).from('b1').list('anon'), { data: [], error: null });
    assert.deepEqual(shape((await client(ANON).from('b1').download('anon/1.bin')).error), [400, '404', 'NoSuchKey']);
    assert.equal((await client().from('b1').list('anon')).data?.length, 1, 'the object is there all the same');
  });

  test('without a delete policy remove answers 200 [] and deletes nothing', async () => {
    server.setPolicies(ANON, { insert: true, select: true });
    assert.equal((await client(ANON).from('b1').list('anon')).data?.length, 1);
    assert.deepEqual(await client(ANON).from('b1').remove(['anon/1.bin']), { data: [], error: null });
    assert.ok(server.objects().some((o) => o.path === 'anon/1.bin'), 'still stored');
    server.setPolicies(ANON, { insert: true, select: true, delete: true });
    assert.equal((await client(ANON).from('b1').remove(['anon/1.bin'])).data?.length, 1);
    assert.ok(!server.objects().some((o) => o.path === 'anon/1.bin'));
  });
});

test('a wrong key is a 400 with statusCode "403" from Storage, and 401 "Invalid API key" behind the hosted gateway', async () => {
  const wrong = await client('wrong').from('b1').list('x');
  assert.deepEqual(shape(wrong.error), [400, '403', 'InvalidJWT']);
  const noKey = await fetch(`${server.url}/storage/v1/bucket`);
  assert.equal(noKey.status, 400);
  assert.equal(((await noKey.json()) as { statusCode: string }).statusCode, '403');

  const hosted = await start({ key: KEY, gateway: 'hosted', buckets: ['b1'] });
  try {
    const r = await client('wrong', hosted.url).from('b1').list('x');
    assert.equal(apiError(r.error).status, 401);
    assert.equal(r.error?.message, 'Invalid API key');
    assert.equal((await client(KEY, hosted.url).from('b1').list('x')).error, null);
  } finally {
    await hosted.close();
  }
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

test('an endless-list fault answers full pages at any offset; an oversized fault streams without a length', async () => {
  server.inject({ kind: 'endless-list', count: 2 });
  const b = client().from('b1');
  const first = await b.list('x', { limit: 50, offset: 0 });
  const far = await b.list('x', { limit: 50, offset: 1_000_000 });
  assert.equal(first.data?.length, 50);
  assert.equal(far.data?.length, 50);
  assert.notEqual(first.data?.[0]?.name, far.data?.[0]?.name);

  server.inject({ kind: 'oversized', bytes: 300_000 });
  const r = await fetch(`${server.url}/storage/v1/object/b1/x/2.bin`, { headers: { apikey: KEY, authorization: `Bearer ${KEY}` } });
  assert.equal(r.headers.get('content-length'), null);
  assert.equal((await r.arrayBuffer()).byteLength, 300_000);
});
