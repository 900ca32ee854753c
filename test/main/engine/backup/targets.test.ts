import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LocalFolderTarget } from '../../../../main/engine/backup/local-folder-target.js';
import { SupabaseTarget } from '../../../../main/engine/backup/supabase-target.js';
import { BackupTargetError } from '../../../../main/engine/backup/errors.js';
import { putGeneration, selectForPruning } from '../../../../main/engine/backup/retention.js';
import { newGenerationName, parseGenerationName, type BackupTarget } from '../../../../main/engine/backup/targets.js';
import { start, type StorageServer } from '../../../support/supabase-server/storage-server.js';

const T0 = Date.UTC(2026, 0, 1, 9, 30);
const HOUR = 3_600_000;

// With SUPABASE_URL/KEY/BUCKET set, the Supabase tests run against that real project (in a
// throw-away prefix); otherwise against the local Storage stand-in.
const REAL = process.env.SUPABASE_URL && process.env.SUPABASE_KEY && process.env.SUPABASE_BUCKET
  ? { url: process.env.SUPABASE_URL, key: process.env.SUPABASE_KEY, bucket: process.env.SUPABASE_BUCKET }
  : null;
const LOCAL_KEY = 'test-service-key';
const NO_ACCESS_KEY = 'test-anon-key-without-policy';
const BUCKET = 'backups';

function targetCode(err: unknown): string {
  assert.ok(err instanceof BackupTargetError, `expected BackupTargetError, got ${String(err)}`);
  return err.kind;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return targetCode(err);
  }
  assert.fail('expected a BackupTargetError');
}

test('generation names sort by time, parse back to their time and are unique', () => {
  const a = newGenerationName(T0);
  const b = newGenerationName(T0 + 1);
  assert.match(a, /^20260101T093000000Z-[0-9a-f]{6}\.skb$/);
  assert.equal(parseGenerationName(a), T0);
  assert.ok(a < b);
  assert.notEqual(newGenerationName(T0), newGenerationName(T0));
  assert.equal(parseGenerationName('creds.json'), null);
  assert.equal(parseGenerationName('../20260101T093000000Z-abcdef.skb'), null);
});

test('retention picks everything past the newest N, and never the last one', () => {
  const entries = [3, 1, 4, 0, 2].map((h) => ({ name: newGenerationName(T0 + h * HOUR, '000000'), size: 1, createdAt: T0 + h * HOUR }));
  assert.deepEqual(selectForPruning(entries, 2), [newGenerationName(T0 + 2 * HOUR, '000000'), newGenerationName(T0 + HOUR, '000000'), newGenerationName(T0, '000000')]);
  assert.deepEqual(selectForPruning(entries, 14), []);
  assert.equal(selectForPruning(entries, 0).length, 4);
});

/** The same behaviour is required of every target. */
function contract(label: string, make: () => Promise<{ target: BackupTarget; phoneId: string; done: () => Promise<void> }>): void {
  describe(`${label} target`, () => {
    let target: BackupTarget;
    let phoneId: string;
    let done: () => Promise<void>;
    before(async () => {
      ({ target, phoneId, done } = await make());
    });
    after(async () => {
      for (const e of await target.list(phoneId)) await target.remove(phoneId, e.name);
      await done();
    });

    test('put, list, get and remove round-trip the exact bytes, newest first', async () => {
      const older = newGenerationName(T0);
      const newer = newGenerationName(T0 + HOUR);
      const a = randomBytes(3000);
      const b = randomBytes(10);
      await target.put(phoneId, older, a);
      await target.put(phoneId, newer, b);
      const listed = await target.list(phoneId);
      assert.deepEqual(listed.map((e) => [e.name, e.size, e.createdAt]), [[newer, 10, T0 + HOUR], [older, 3000, T0]]);
      assert.deepEqual(await target.get(phoneId, older), a);
      await target.remove(phoneId, older);
      await target.remove(phoneId, older); // pruning twice is harmless
      assert.deepEqual((await target.list(phoneId)).map((e) => e.name), [newer]);
      await target.remove(phoneId, newer);
    });

    test('a generation is never overwritten', async () => {
      const name = newGenerationName(T0 + 2 * HOUR);
      await target.put(phoneId, name, Buffer.from('first'));
      assert.equal(await codeOf(target.put(phoneId, name, Buffer.from('second'))), 'conflict');
      assert.deepEqual(await target.get(phoneId, name), Buffer.from('first'));
      await target.remove(phoneId, name);
    });

    test('retention keeps the newest N after a successful put', async () => {
      const written: string[] = [];
      for (let h = 0; h < 6; h++) {
        const r = await putGeneration(target, phoneId, Buffer.from(`gen ${h}`), T0 + 10 * HOUR + h * HOUR, 3);
        assert.equal(r.pruneError, null);
        written.push(r.name);
      }
      const left = (await target.list(phoneId)).map((e) => e.name);
      assert.deepEqual(left, written.slice(-3).reverse());
      for (const n of left) await target.remove(phoneId, n);
    });

    test('a missing generation is reported as not found', async () => {
      assert.equal(await codeOf(target.get(phoneId, newGenerationName(T0 - HOUR))), 'not-found');
    });

    test('path-like phone ids and names are refused before touching storage', async () => {
      assert.equal(await codeOf(target.put('../x', newGenerationName(T0), Buffer.from('x'))), 'invalid');
      assert.equal(await codeOf(target.get(phoneId, '../creds.json')), 'invalid');
    });
  });
}

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sk-targets-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

contract('local folder', async () => ({ target: new LocalFolderTarget(root), phoneId: 'phone-1', done: async () => {} }));

contract(REAL ? 'Supabase (real project)' : 'Supabase (local Storage server)', async () => {
  const phoneId = `t${randomBytes(4).toString('hex')}`;
  if (REAL) {
    return { target: new SupabaseTarget({ ...REAL, prefix: 'session-keeper-test', timeoutMs: 20_000 }), phoneId, done: async () => {} };
  }
  const server = await start({ key: LOCAL_KEY, buckets: [BUCKET] });
  return { target: new SupabaseTarget({ url: server.url, key: LOCAL_KEY, bucket: BUCKET, prefix: 'sk' }), phoneId, done: () => server.close() };
});

describe('local folder target on disk', () => {
  test('files are private, written whole, and no temp files are left behind', async () => {
    const target = new LocalFolderTarget(join(root, 'perm'));
    const name = newGenerationName(T0);
    await target.put('p', name, randomBytes(100));
    const dir = join(root, 'perm', 'backups', 'p');
    assert.deepEqual(await readdir(dir), [name]);
    if (process.platform !== 'win32') {
      assert.equal((await stat(dir)).mode & 0o777, 0o700);
      assert.equal((await stat(join(dir, name))).mode & 0o777, 0o600);
    }
  });

  test('an unknown phone lists as empty', async () => {
    assert.deepEqual(await new LocalFolderTarget(join(root, 'none')).list('ghost'), []);
  });
});

describe('Supabase target failures', () => {
  let server: StorageServer | null = null;
  const url = (): string => REAL?.url ?? server!.url;
  const bucket = REAL?.bucket ?? BUCKET;
  before(async () => {
    if (!REAL) server = await start({ key: LOCAL_KEY, roles: { [NO_ACCESS_KEY]: {} }, buckets: [BUCKET] });
  });
  after(async () => {
    await server?.close();
  });
  const good = (timeoutMs = 5_000): SupabaseTarget => new SupabaseTarget({ url: url(), key: REAL?.key ?? LOCAL_KEY, bucket, prefix: 'sk', timeoutMs });

  test('a wrong key is a clear access error naming the bucket, not a retry', async () => {
    const target = new SupabaseTarget({ url: url(), key: 'not-the-key', bucket, prefix: 'sk' });
    try {
      await target.put('p', newGenerationName(T0), Buffer.from('x'));
      assert.fail('expected an error');
    } catch (err) {
      assert.equal(targetCode(err), 'access');
      assert.match((err as Error).message, new RegExp(`the Supabase key has no access to bucket "${bucket}"`));
      assert.equal((err as BackupTargetError).retryable, false);
    }
  });

  test('a key without policies cannot upload (access error), and its listing is quietly empty like the real server', { skip: REAL ? 'needs the local server' : false }, async () => {
    const target = new SupabaseTarget({ url: url(), key: NO_ACCESS_KEY, bucket, prefix: 'sk' });
    const err = await target.put('p', newGenerationName(T0 + 3 * HOUR), Buffer.from('x')).then(() => null, (e: unknown) => e);
    assert.equal(targetCode(err), 'access');
    assert.match((err as Error).message, /row-level security/);
    await good().put('p', newGenerationName(T0 + 4 * HOUR), Buffer.from('x'));
    assert.deepEqual(await target.list('p'), [], 'row-level security hides, it does not refuse');
  });

  test('uploads ask the server not to upsert', { skip: REAL ? 'needs the local server' : false }, async () => {
    await good().put('p', newGenerationName(T0), Buffer.from('x'));
    const upload = server!.requests().filter((r) => r.method === 'POST' && r.path.includes('/object/backups/'));
    assert.equal(upload.at(-1)?.headers['x-upsert'], 'false');
    assert.equal(upload.at(-1)?.headers.apikey, LOCAL_KEY);
  });

  test('a 500 is retryable, and the next attempt succeeds', { skip: REAL ? 'needs the local server' : false }, async () => {
    const target = good();
    const name = newGenerationName(T0 + HOUR);
    server!.inject({ kind: 'status', status: 500 });
    const err = await target.put('p', name, Buffer.from('x')).then(() => null, (e: unknown) => e);
    assert.equal(targetCode(err), 'retryable');
    assert.equal((err as BackupTargetError).retryable, true);
    await target.put('p', name, Buffer.from('x'));
    assert.ok(server!.objects().some((o) => o.path === `sk/p/${name}`));
  });

  test('a 503 on list and download is retryable too', { skip: REAL ? 'needs the local server' : false }, async () => {
    server!.inject({ kind: 'status', status: 503, count: 2 });
    assert.equal(await codeOf(good().list('p')), 'retryable');
    assert.equal(await codeOf(good().get('p', newGenerationName(T0))), 'retryable');
  });

  test('a connection reset is retryable', { skip: REAL ? 'needs the local server' : false }, async () => {
    server!.inject({ kind: 'reset', count: 2 });
    assert.equal(await codeOf(good().put('p', newGenerationName(T0 + 2 * HOUR), randomBytes(50_000))), 'retryable');
    assert.equal(await codeOf(good().list('p')), 'retryable');
  });

  test('a server slower than the timeout is retryable', { skip: REAL ? 'needs the local server' : false }, async () => {
    server!.inject({ kind: 'delay', ms: 2_000 });
    const started = Date.now();
    assert.equal(await codeOf(good(150).list('p')), 'retryable');
    assert.ok(Date.now() - started < 1_500, 'gave up at the timeout, not when the server answered');
  });

  test('a missing bucket lists as empty, and the upload names it as a settings problem, not a retry', { skip: REAL ? 'needs the local server' : false }, async () => {
    const target = new SupabaseTarget({ url: url(), key: LOCAL_KEY, bucket: 'nope', prefix: 'sk' });
    assert.deepEqual(await target.list('p'), []);
    const err = await target.put('p', newGenerationName(T0), Buffer.from('x')).then(() => null, (e: unknown) => e);
    assert.equal(targetCode(err), 'access');
    assert.equal((err as BackupTargetError).retryable, false);
    assert.match((err as Error).message, /bucket "nope" does not exist/);
  });

  test('a download larger than the cap is refused before it is buffered, with or without a content-length', { skip: REAL ? 'needs the local server' : false }, async () => {
    const small = new SupabaseTarget({ url: url(), key: LOCAL_KEY, bucket, prefix: 'sk', maxResponseBytes: 10_000 });
    const name = newGenerationName(T0 + 5 * HOUR);
    await good().put('p', name, randomBytes(20_000));
    const announced = await small.get('p', name).then(() => null, (e: unknown) => e);
    assert.equal(targetCode(announced), 'failed');
    assert.match((announced as Error).message, /more than 10000 bytes in one answer; refused/);
    server!.inject({ kind: 'oversized', bytes: 5_000_000 });
    const streamed = await small.get('p', name).then(() => null, (e: unknown) => e);
    assert.equal(targetCode(streamed), 'failed');
    assert.match((streamed as Error).message, /refused/);
    assert.equal((await good().get('p', name)).length, 20_000, 'the default cap lets a normal backup through');
  });

  test('a listing that never ends is refused at the cap instead of paging forever', { skip: REAL ? 'needs the local server' : false }, async () => {
    const target = new SupabaseTarget({ url: url(), key: LOCAL_KEY, bucket, prefix: 'sk', maxListed: 3_000 });
    const before = server!.requests().length;
    server!.inject({ kind: 'endless-list', count: 3 }); // pages at offsets 0, 1000 and 2000 are full
    const err = await target.list('p').then(() => null, (e: unknown) => e);
    assert.equal(targetCode(err), 'failed');
    assert.match((err as Error).message, /lists more than 3000 objects; refused/);
    assert.equal(server!.requests().length - before, 3, 'stopped at the cap, asked for no fourth page');
  });

  test('Storage errors in 400 bodies map by their code: KeyAlreadyExists is a conflict, NoSuchKey is not found', { skip: REAL ? 'needs the local server' : false }, async () => {
    const name = newGenerationName(T0 + 6 * HOUR);
    await good().put('p', name, Buffer.from('x'));
    assert.equal(await codeOf(good().put('p', name, Buffer.from('y'))), 'conflict');
    assert.equal(await codeOf(good().get('p', newGenerationName(T0 + 7 * HOUR))), 'not-found');
  });
});
