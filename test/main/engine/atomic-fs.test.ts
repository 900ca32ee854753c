import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileAtomic, isNotFound, readText, syncfsReportsErrors, writeFileAtomic, writeNewFileSynced, writeNewFilesSynced } from '../../../main/engine/auth-store/atomic-fs.js';
import { tempDir } from '../../support/auth-store/fixtures.js';

test('createFileAtomic publishes a private file once and never overwrites it, leaving no temp behind', async (t) => {
  const dir = await tempDir(t, 'atomic-fs-');
  assert.equal(await createFileAtomic(dir, 'gen-1', 'first'), true);
  assert.equal(await createFileAtomic(dir, 'gen-1', 'second'), false);
  assert.equal(await readFile(join(dir, 'gen-1'), 'utf8'), 'first');
  assert.deepEqual(await readdir(dir), ['gen-1']);
  if (process.platform !== 'win32') assert.equal((await stat(join(dir, 'gen-1'))).mode & 0o777, 0o600);
});

test('of many racing createFileAtomic calls for one name exactly one wins and its bytes stay', async (t) => {
  const dir = await tempDir(t, 'atomic-fs-');
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => createFileAtomic(dir, 'key', `writer ${i}`)));
  const winners = results.flatMap((won, i) => (won ? [i] : []));
  assert.equal(winners.length, 1);
  assert.equal(await readFile(join(dir, 'key'), 'utf8'), `writer ${winners[0]}`);
  assert.deepEqual(await readdir(dir), ['key']);
});

test('writeFileAtomic replaces a file whole and 0600', async (t) => {
  const dir = await tempDir(t, 'atomic-fs-');
  await writeFile(join(dir, 'creds.json'), 'old', { mode: 0o644 });
  await writeFileAtomic(dir, 'creds.json', 'new');
  assert.equal(await readFile(join(dir, 'creds.json'), 'utf8'), 'new');
  assert.deepEqual(await readdir(dir), ['creds.json']);
  if (process.platform !== 'win32') assert.equal((await stat(join(dir, 'creds.json'))).mode & 0o777, 0o600);
});

test('writeNewFileSynced refuses to write over an existing file', async (t) => {
  const dir = await tempDir(t, 'atomic-fs-');
  await writeFile(join(dir, 'a'), 'keep');
  await assert.rejects(writeNewFileSynced(join(dir, 'a'), 'lost'), { code: 'EEXIST' });
  assert.equal(await readFile(join(dir, 'a'), 'utf8'), 'keep');
});

test('writeNewFilesSynced creates every file of a batch whole and 0600, across its yields to the event loop', async (t) => {
  const dir = await tempDir(t, 'atomic-fs-');
  const files = Array.from({ length: 300 }, (_, i) => ({ name: `pre-key-${i}.json`, bytes: i % 2 ? `{"n":${i}}` : Buffer.alloc(i * 7, i) }));
  await writeNewFilesSynced(dir, files);
  assert.equal((await readdir(dir)).length, 300);
  for (const f of files) assert.deepEqual(await readFile(join(dir, f.name)), Buffer.from(f.bytes));
  if (process.platform !== 'win32') assert.equal((await stat(join(dir, 'pre-key-299.json'))).mode & 0o777, 0o600);
});

test('writeNewFilesSynced refuses a name that exists, keeps that file and removes every file it had created', async (t) => {
  const dir = await tempDir(t, 'atomic-fs-');
  await writeFile(join(dir, 'b-150'), 'theirs');
  const files = Array.from({ length: 200 }, (_, i) => ({ name: `b-${i}`, bytes: 'ours' }));
  await assert.rejects(writeNewFilesSynced(dir, files), { code: 'EEXIST' });
  assert.deepEqual(await readdir(dir), ['b-150']);
  assert.equal(await readFile(join(dir, 'b-150'), 'utf8'), 'theirs');
});

test('one syncfs stands for the batch only on kernels whose syncfs reports write-back errors (Linux 5.8 on)', () => {
  assert.equal(syncfsReportsErrors('6.18.44-fc-v1045'), true);
  assert.equal(syncfsReportsErrors('5.8.0'), true);
  assert.equal(syncfsReportsErrors('5.4.0-150-generic'), false);
  assert.equal(syncfsReportsErrors('4.19.0'), false);
});

test('readText reads a whole file as UTF-8, and a missing one fails as not found', async (t) => {
  const dir = await tempDir(t, 'readtext-');
  const text = `{"name":"Zoë ✓"}\n${'x'.repeat(70_000)}`; // longer than one read
  await writeFile(join(dir, 'a.json'), text);
  assert.equal(await readText(join(dir, 'a.json')), text);
  const missing = await readText(join(dir, 'none.json')).then(
    () => null,
    (err: unknown) => err,
  );
  assert.ok(isNotFound(missing), `not found: ${String(missing)}`);
});
