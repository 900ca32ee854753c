// The atomic writers on a real full disk (a small tmpfs): a refused write leaves the old file and
// no temp file behind, so a full disk is not kept full by our own leftovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, writeFilesAtomic } from '../../../main/engine/auth-store/atomic-fs.js';
import { commitBatch, JOURNAL_FILE } from '../../../main/engine/auth-store/journal.js';
import { mountSmallFilesystem, type SmallFilesystem } from '../../support/small-filesystem.js';

async function smallDisk(t: { skip(why: string): void; after(fn: () => Promise<void>): void }, sizeMb = 1): Promise<SmallFilesystem | null> {
  const fs = await mountSmallFilesystem(sizeMb);
  if ('cannot' in fs) {
    t.skip(fs.cannot);
    return null;
  }
  t.after(() => fs.dispose());
  return fs;
}

const temps = async (dir: string) => (await readdir(dir)).filter((n) => n.startsWith('.tmp-'));

test('writeFileAtomic on a full disk fails with ENOSPC, keeps the old file and leaves no temp file', async (t) => {
  const fs = await smallDisk(t);
  if (!fs) return;
  await writeFileAtomic(fs.dir, 'meta.json', 'old');
  await fs.fill();
  await assert.rejects(writeFileAtomic(fs.dir, 'meta.json', 'x'.repeat(64 * 1024)), { code: 'ENOSPC' });
  assert.equal(await readFile(join(fs.dir, 'meta.json'), 'utf8'), 'old');
  assert.deepEqual(await temps(fs.dir), []);
});

test('a batch of files larger than the disk fails whole: none replaced, no temp file left', async (t) => {
  const fs = await smallDisk(t);
  if (!fs) return;
  await writeFileAtomic(fs.dir, 'pre-key-1.json', 'old');
  const batch = Array.from({ length: 200 }, (_, i) => [`pre-key-${i + 1}.json`, 'k'.repeat(8 * 1024)] as const);
  await assert.rejects(writeFilesAtomic(fs.dir, batch), { code: 'ENOSPC' });
  assert.equal(await readFile(join(fs.dir, 'pre-key-1.json'), 'utf8'), 'old');
  assert.deepEqual(await temps(fs.dir), []);
});

test('a key batch whose journal does not fit leaves neither a journal nor its temp file', async (t) => {
  const fs = await smallDisk(t);
  if (!fs) return;
  await fs.fill();
  await assert.rejects(commitBatch(fs.dir, [['session-a.json', 's'.repeat(180 * 1024)]]), { code: 'ENOSPC' });
  const left = await readdir(fs.dir);
  assert.ok(!left.includes(JOURNAL_FILE));
  assert.deepEqual(await temps(fs.dir), []);
});

test('the auth store tells how each creds save and key batch ended on a full disk, still rejects to Baileys, and leaves no temp or journal', async (t) => {
  const fs = await smallDisk(t, 2);
  if (!fs) return;
  const { openAuthStore } = await import('../../../main/engine/auth-store.js');
  const outcomes: Array<[string, string | null]> = [];
  const dir = join(fs.dir, 'session');
  const { store } = await openAuthStore({
    dir,
    quarantineDir: join(fs.dir, 'quarantine'),
    onWrite: (write, err) => outcomes.push([write, err === null ? null : ((err as NodeJS.ErrnoException).code ?? 'error')]),
  });
  await store.saveCreds();
  await fs.fill();
  // a save of unchanged creds writes nothing (they are durable already), so change them
  store.state.creds.nextPreKeyId += 1;
  await assert.rejects(store.saveCreds(), { code: 'ENOSPC' });
  await assert.rejects(async () => store.state.keys.set({ 'pre-key': { '1': { public: Buffer.alloc(32, 1), private: Buffer.alloc(32, 2) } } }), { code: 'ENOSPC' });
  assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('.')), [], 'no temp file, no journal');
  await fs.free();
  await store.saveCreds();
  assert.deepEqual(outcomes, [
    ['creds', null],
    ['creds', 'ENOSPC'],
    ['keys', 'ENOSPC'],
    ['creds', null],
  ]);
  await store.close();
});
