import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileAtomic, writeFileAtomic, writeNewFileSynced } from '../../../main/engine/auth-store/atomic-fs.js';
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
