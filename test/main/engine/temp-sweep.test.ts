// The start-up sweep of temp files, on real files: an earlier run's own temp files go, a live
// write's temp and every other file stay, and a `.tmp-` file we did not make is quarantined.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { liveNameOfRestored, restoredDirAction, sweepStaleTemps, tempDirVerdict, tempVerdict } from '../../../main/engine/temp-sweep.js';
import { writeBaileysSession } from './backup/session-fixture.js';
import { startHarness } from '../../support/keeper-harness.js';
import { tempDir } from '../../support/auth-store/fixtures.js';

const STARTED = Date.UTC(2026, 11, 1, 12);

test('only our own temp files older than this process are removed; a stranger named .tmp- is quarantined; anything else is kept', () => {
  assert.equal(tempVerdict('.tmp-123-4-a1b2c3-meta.json', STARTED - 1, STARTED), 'remove');
  assert.equal(tempVerdict('.tmp-123-4-a1b2c3-meta.json', STARTED + 1, STARTED), 'keep', 'maybe a write in flight');
  assert.equal(tempVerdict('.tmp-notes', STARTED - 1, STARTED), 'quarantine');
  assert.equal(tempVerdict('meta.json', STARTED - 1, STARTED), 'keep');
  assert.equal(tempVerdict('.journal.json', STARTED - 1, STARTED), 'keep');
});

test('a keeper start sweeps the stale temp files of the whole data folder and quarantines strangers, touching nothing else', async (t) => {
  const h = await startHarness({ keeper: { backup: false } });
  t.after(() => h.close());
  const old = new Date(performance.timeOrigin - 60_000);
  const state = h.keeper.paths.meta('default');
  await mkdir(state, { recursive: true });
  const stale = join(state, '.tmp-999-7-abcdef-meta.json');
  const live = join(state, '.tmp-999-8-abcdef-meta.json');
  const stranger = join(h.dataDir, '.tmp-someone-elses');
  await writeFile(stale, 'x'.repeat(180 * 1024));
  await writeFile(live, 'being written');
  await writeFile(stranger, 'not ours');
  await writeFile(join(state, 'notes.txt'), 'mine');
  await utimes(stale, old, old);
  await utimes(stranger, old, old);
  await h.keeper.start();
  const left = await readdir(state);
  assert.ok(!left.includes('.tmp-999-7-abcdef-meta.json'), 'the stale temp is gone');
  assert.ok(left.includes('.tmp-999-8-abcdef-meta.json'), 'a temp as new as this process is left alone');
  assert.ok(left.includes('notes.txt'));
  assert.ok(!(await readdir(h.dataDir)).includes('.tmp-someone-elses'));
  const q = h.logs.find((e) => e.event === 'temp.quarantined');
  assert.ok(q);
  assert.equal(await readFile(String(q.data?.to), 'utf8'), 'not ours', 'moved, not deleted');
  assert.ok(h.logs.some((e) => e.event === 'temp.swept'));
});

test('the sweep never enters the quarantine folder', async (t) => {
  const root = await tempDir(t, 'sweep-');
  const quarantineDir = join(root, 'quarantine');
  await mkdir(join(quarantineDir, 'default-2026'), { recursive: true });
  const kept = join(quarantineDir, 'default-2026', '.tmp-1-1-abcdef-creds.json');
  await writeFile(kept, 'evidence');
  await utimes(kept, new Date(0), new Date(0));
  const r = await sweepStaleTemps({ root, quarantineDir, processStartedAt: performance.timeOrigin, now: STARTED });
  assert.deepEqual(r, { removed: [], quarantined: [], completed: [] });
  assert.equal(await readFile(kept, 'utf8'), 'evidence');
});

test('a restore folder left by a kill: the unfinished .restoring- one is removed, a verified .restored- one quarantined, a live restore and other folders kept', () => {
  assert.equal(tempDirVerdict('..default.restored-0a1b2c3d.restoring-Ab3xZ9', STARTED - 1, STARTED), 'remove');
  assert.equal(tempDirVerdict('.default.restored-0a1b2c3d', STARTED - 1, STARTED), 'quarantine');
  assert.equal(tempDirVerdict('..default.restored-0a1b2c3d.restoring-Ab3xZ9', STARTED + 1, STARTED), 'keep', 'maybe a restore in flight');
  assert.equal(tempDirVerdict('default', STARTED - 1, STARTED), 'keep');
  assert.equal(tempDirVerdict('.restoring-notes', STARTED - 1, STARTED), 'keep');
});

test('a keeper start removes the half-written folder of a restore killed mid-way and quarantines a restored session that was never swapped in', async (t) => {
  const h = await startHarness({ keeper: { backup: false } });
  t.after(() => h.close());
  const old = new Date(performance.timeOrigin - 60_000);
  const live = h.keeper.paths.session('default');
  const parent = dirname(live);
  await mkdir(parent, { recursive: true });
  // the names restore-run.ts and restore.ts give them
  const restored = join(parent, `.${basename(live)}.restored-0a1b2c3d`);
  const restoring = join(parent, `.${basename(restored)}.restoring-Ab3xZ9`);
  await mkdir(restoring);
  await writeFile(join(restoring, 'pre-key-1.json'), '{"half":');
  await mkdir(restored);
  await writeFile(join(restored, 'creds.json'), '{"restored":true}');
  await utimes(restoring, old, old);
  await utimes(restored, old, old);
  await h.keeper.start();
  const left = await readdir(parent);
  assert.ok(!left.includes(basename(restoring)), 'the unfinished restore folder is gone');
  assert.ok(!left.includes(basename(restored)), 'the restored folder was moved');
  const swept = h.logs.find((e) => e.event === 'temp.swept');
  assert.ok((swept?.data?.files as string[]).includes(restoring));
  const q = h.logs.find((e) => e.event === 'temp.quarantined' && e.data?.from === restored);
  assert.ok(q, 'the move is logged');
  assert.match(q.message, /interrupted restore/);
  assert.equal(await readFile(join(String(q.data?.to), 'creds.json'), 'utf8'), '{"restored":true}', 'moved, not deleted');
});

test('a verified restored folder is put in place only when no live session is there and it still verifies; otherwise it is quarantined', () => {
  assert.equal(liveNameOfRestored('.default.restored-0a1b2c3d'), 'default');
  assert.equal(liveNameOfRestored('..default.restored-0a1b2c3d.restoring-Ab3xZ9'), null);
  assert.equal(restoredDirAction(false, true), 'put-in-place', 'the swap was cut between its two renames');
  assert.equal(restoredDirAction(true, true), 'quarantine', 'the phone kept its own session');
  assert.equal(restoredDirAction(false, false), 'quarantine', 'never a session that does not verify');
});

test('a swap cut between its two renames is finished at the next start: the restored session becomes the live one, the old one stays in quarantine', async (t) => {
  const root = await tempDir(t, 'sweep-');
  const quarantineDir = join(root, 'quarantine');
  const sessions = join(root, 'sessions');
  const restored = join(sessions, '.default.restored-0a1b2c3d');
  await writeBaileysSession(restored, 3);
  const beforeSwap = join(quarantineDir, 'default-before-restore-x');
  await mkdir(beforeSwap, { recursive: true });
  await writeFile(join(beforeSwap, 'creds.json'), '{"old":true}');
  const old = new Date(performance.timeOrigin - 60_000);
  await utimes(restored, old, old);
  const files = (await readdir(restored)).sort();

  const r = await sweepStaleTemps({ root, quarantineDir, processStartedAt: performance.timeOrigin, now: STARTED });
  assert.deepEqual(r.completed, [{ from: restored, to: join(sessions, 'default') }]);
  assert.deepEqual((await readdir(join(sessions, 'default'))).sort(), files, 'the whole restored session is live');
  assert.ok(!existsSync(restored));
  assert.equal(await readFile(join(beforeSwap, 'creds.json'), 'utf8'), '{"old":true}', 'the old session is untouched in quarantine');
  assert.deepEqual(r.quarantined, []);
});

test('the part of the sweep a start runs before any session is read finishes a cut swap and leaves the temp files inside the folders to the whole sweep', async (t) => {
  const root = await tempDir(t, 'sweep-');
  const quarantineDir = join(root, 'quarantine');
  const sessions = join(root, 'sessions');
  const restored = join(sessions, '.default.restored-0a1b2c3d');
  await writeBaileysSession(restored, 3);
  const old = new Date(performance.timeOrigin - 60_000);
  await utimes(restored, old, old);
  const other = join(sessions, 'other');
  await mkdir(other, { recursive: true });
  const staleInSession = join(other, '.tmp-1-1-abcdef-creds.json');
  const staleInState = join(root, 'state', 'other', '.tmp-1-2-abcdef-keepalive.json');
  await mkdir(dirname(staleInState), { recursive: true });
  for (const f of [staleInSession, staleInState]) {
    await writeFile(f, '{"half":');
    await utimes(f, old, old);
  }

  const swaps = await sweepStaleTemps({ root, quarantineDir, processStartedAt: performance.timeOrigin, now: STARTED, only: sessions });
  assert.deepEqual(swaps.completed, [{ from: restored, to: join(sessions, 'default') }], 'the swap is finished before the stores are read');
  assert.deepEqual(swaps.removed, []);
  assert.ok(existsSync(staleInSession) && existsSync(staleInState), 'temp files inside folders wait for the whole sweep');

  const all = await sweepStaleTemps({ root, quarantineDir, processStartedAt: performance.timeOrigin, now: STARTED });
  assert.deepEqual(all.removed.sort(), [staleInSession, staleInState].sort());
  assert.deepEqual(all.completed, [], 'nothing is done twice');
});
