// The keeper's small state files: written whole into a private folder, which a write makes again
// when it was removed while the process ran (the folder is only made and tightened once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeStateFile } from '../../../main/engine/state-file.js';

test('a state file is written again after its folder was removed while the process ran, into a 0700 folder', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'state-file-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'state', 'p1');
  await writeStateFile(dir, 'x.json', { n: 1 });
  await writeStateFile(dir, 'x.json', { n: 2 });
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'x.json'), 'utf8')), { n: 2 });
  await rm(join(root, 'state'), { recursive: true });
  await writeStateFile(dir, 'x.json', { n: 3 });
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'x.json'), 'utf8')), { n: 3 });
  if (process.platform !== 'win32') assert.equal((await stat(dir)).mode & 0o777, 0o700);
});
