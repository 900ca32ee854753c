import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyStorageError, storageRefusal, supabaseKeyKind } from '../../../../main/engine/backup/supabase-errors.js';

// Shapes as storage-js builds them: StorageApiError has the HTTP status and the body's statusCode.
const api = (status: number, statusCode: string, message: string, code?: string) => ({ name: 'StorageApiError', __isStorageError: true, status, statusCode, message, ...(code ? { code } : {}) });

test('401 and 403, also when hidden in a 400 body, mean the key has no access to the bucket', () => {
  for (const e of [api(401, '401', 'Invalid API key'), api(403, '403', 'denied'), api(400, '403', 'new row violates row-level security policy')]) {
    const c = classifyStorageError(e, 'backups', 'upload');
    assert.equal(c.kind, 'access');
    assert.match(c.message, /^the Supabase key has no access to bucket "backups"/);
  }
});

test('5xx, 429 and timeouts are retryable; a network failure is retryable', () => {
  assert.equal(classifyStorageError(api(502, '502', 'Bad gateway'), 'b', 'list').kind, 'retryable');
  assert.equal(classifyStorageError(api(429, '429', 'slow down'), 'b', 'list').kind, 'retryable');
  const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
  assert.equal(classifyStorageError({ name: 'StorageUnknownError', message: 'fetch failed', originalError: reset }, 'b', 'upload').kind, 'retryable');
  const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
  assert.equal(classifyStorageError(timeout, 'b', 'download').kind, 'retryable');
});

test('duplicates are conflicts, a missing bucket is a settings problem, other 4xx are plain failures', () => {
  assert.equal(classifyStorageError(api(400, '409', 'The resource already exists'), 'b', 'upload').kind, 'conflict');
  assert.equal(classifyStorageError(api(400, '404', 'Bucket not found'), 'b', 'list').kind, 'access');
  assert.equal(classifyStorageError(api(400, '404', 'Object not found'), 'b', 'download').kind, 'not-found');
  const other = classifyStorageError(api(413, '413', 'Payload too large'), 'b', 'upload');
  assert.equal(other.kind, 'failed');
  assert.equal(other.retryable, false);
});

test("Storage's error code in a 400 body decides, whatever the message says", () => {
  assert.equal(classifyStorageError(api(400, '409', 'The resource already exists', 'KeyAlreadyExists'), 'b', 'upload').kind, 'conflict');
  assert.equal(classifyStorageError(api(400, '404', 'Object not found', 'NoSuchKey'), 'b', 'download').kind, 'not-found');
  const bucket = classifyStorageError(api(400, '404', 'something else', 'NoSuchBucket'), 'b', 'upload');
  assert.equal(bucket.kind, 'access');
  assert.match(bucket.message, /bucket "b" does not exist, or the key cannot see it/);
  assert.equal(classifyStorageError(api(400, '403', 'new row violates row-level security policy', 'AccessDenied'), 'b', 'upload').kind, 'access');
  assert.equal(classifyStorageError(api(400, '400', 'invalid signature', 'InvalidJWT'), 'b', 'list').kind, 'access');
  assert.equal(classifyStorageError(api(544, '544', 'The connection to the database timed out', 'DatabaseTimeout'), 'b', 'list').kind, 'retryable');
  assert.match(classifyStorageError(api(400, '413', 'The object exceeded the maximum allowed size', 'EntityTooLarge'), 'b', 'upload').message, /HTTP 400\/413 EntityTooLarge/);
});

test('storageRefusal tells a missing bucket from a foreign key from a missing policy', async () => {
  const wrap = (e: unknown) => classifyStorageError(e, 'b', 'upload');
  assert.equal(storageRefusal(wrap(api(400, '404', 'Bucket not found', 'NoSuchBucket'))), 'no-bucket');
  assert.equal(storageRefusal(wrap(api(400, '403', 'invalid signature', 'InvalidJWT'))), 'bad-key');
  assert.equal(storageRefusal(wrap(api(401, '401', 'Invalid API key'))), 'bad-key');
  assert.equal(storageRefusal(wrap(api(400, '403', 'new row violates row-level security policy', 'AccessDenied'))), 'denied');
  assert.equal(storageRefusal(wrap(api(502, '502', 'Bad gateway'))), null);
});

test('a service-role key is recognised from its own text, old-style JWT or new-style prefix', () => {
  const jwt = (role: string) => ['{"alg":"HS256"}', JSON.stringify({ iss: 'supabase', role }), 'sig'].map((p, i) => (i < 2 ? Buffer.from(p).toString('base64url') : p)).join('.');
  assert.equal(supabaseKeyKind(jwt('service_role')), 'service-role');
  assert.equal(supabaseKeyKind('sb_secret_abc123'), 'service-role');
  assert.equal(supabaseKeyKind(jwt('anon')), 'anon');
  assert.equal(supabaseKeyKind('sb_publishable_abc123'), 'anon');
  assert.equal(supabaseKeyKind(jwt('authenticated')), 'user');
  assert.equal(supabaseKeyKind('a.b.c'), 'unknown');
  assert.equal(supabaseKeyKind('plain'), 'unknown');
});
