// The data folder lock on real files: who holds it, when a dead holder's lock is free again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, lstat, mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { compromiseCause, DataFolderLockedError, DataFolderUnwritableError, HOLDER_NAME, holdDataFolder, LOCK_NAME } from '../../../main/engine/data-folder-lock.js';
import { mountSmallFilesystem } from '../../support/small-filesystem.js';
import { tempDir } from '../../support/auth-store/fixtures.js';

/** The pid of a process that ran and was reaped: certainly not running now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  assert.ok(child.pid);
  return child.pid;
}

async function leaveLock(dir: string, holder: { pid: number; command: string; since: number; host: string } | null, ageMs = 0): Promise<void> {
  await mkdir(join(dir, LOCK_NAME), { recursive: true });
  if (holder) await writeFile(join(dir, HOLDER_NAME), JSON.stringify(holder));
  const at = new Date(Date.now() - ageMs);
  await utimes(join(dir, LOCK_NAME), at, at);
}

test('holding a data folder creates it, records the holder next to the lock, and releasing leaves nothing behind', async (t) => {
  const dir = join(await tempDir(t, 'lock-'), 'new', 'keeper');
  const lock = await holdDataFolder(dir, 'test run');
  const holder = JSON.parse(await readFile(join(dir, HOLDER_NAME), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(holder, { pid: process.pid, command: 'test run', since: lock.holder.since, host: hostname() });
  await lock.release();
  assert.deepEqual(await readdir(dir), []);
});

test('a second hold on a held folder is refused naming the holder, even within one process', async (t) => {
  const dir = await tempDir(t, 'lock-');
  const lock = await holdDataFolder(dir, 'tray app');
  try {
    const err = await holdDataFolder(dir, 'headless run').then(
      () => assert.fail('a second hold succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DataFolderLockedError);
    assert.equal(err.code, 'data-folder-locked');
    assert.match(err.message, new RegExp(`in use by Session Keeper \\(tray app, pid ${process.pid} \\(this process\\)\\) since \\d{4}-\\d\\d-\\d\\dT`));
  } finally {
    await lock.release();
  }
  await (await holdDataFolder(dir, 'headless run')).release();
});

test('a lock whose holder pid no longer runs on this machine is taken at once', async (t) => {
  const dir = await tempDir(t, 'lock-');
  await leaveLock(dir, { pid: await deadPid(), command: 'headless run', since: Date.now() - 1000, host: hostname() });
  const lock = await holdDataFolder(dir, 'tray app');
  assert.equal((JSON.parse(await readFile(join(dir, HOLDER_NAME), 'utf8')) as { pid: number }).pid, process.pid);
  await lock.release();
});

test('a lock held from another machine is refused while fresh and taken once it is 30 s stale', async (t) => {
  const dir = await tempDir(t, 'lock-');
  const other = { pid: process.pid, command: 'headless run', since: Date.now() - 60_000, host: 'another-machine' };
  await leaveLock(dir, other);
  await assert.rejects(holdDataFolder(dir, 'tray app'), /in use by Session Keeper \(headless run, pid \d+ on another-machine\)/);
  await leaveLock(dir, other, 31_000);
  await (await holdDataFolder(dir, 'tray app')).release();
});

test('a lock with no holder record is refused while fresh, saying it frees itself, and taken once stale', async (t) => {
  const dir = await tempDir(t, 'lock-');
  await leaveLock(dir, null);
  await assert.rejects(holdDataFolder(dir, 'tray app'), /left no record of itself \(if none runs, the folder is free again within 30 seconds\)/);
  await leaveLock(dir, null, 31_000);
  await (await holdDataFolder(dir, 'tray app')).release();
});

test('a folder that cannot be written is a DataFolderUnwritableError naming the folder and the OS reason', async (t) => {
  const base = await tempDir(t, 'lock-');
  await writeFile(join(base, 'a-file'), 'x');
  const under = join(base, 'a-file', 'keeper');
  await assert.rejects(holdDataFolder(under, 'tray app'), (err: unknown) => {
    assert.ok(err instanceof DataFolderUnwritableError);
    assert.equal(err.osCode, 'ENOTDIR');
    assert.equal(err.message.startsWith(`The data folder ${under} cannot be written: a part of its path is a file, not a folder (ENOTDIR).`), true, err.message);
    return true;
  });
  if (process.getuid?.() !== 0) {
    // as root (CI) a 0500 folder is still writable, so this half only runs for a normal user
    const readOnly = join(base, 'read-only');
    await mkdir(readOnly);
    await chmod(readOnly, 0o500);
    await assert.rejects(holdDataFolder(readOnly, 'tray app'), /cannot be written: permission denied \(EACCES\)/);
  }
});

test('a dead holder\'s record is not trusted while a new holder is still writing its own', async (t) => {
  const dir = await tempDir(t, 'lock-');
  const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  t.after(() => live.kill('SIGKILL'));
  assert.ok(live.pid);
  // the dead holder's record is still there when a new process has just taken the lock
  await leaveLock(dir, { pid: await deadPid(), command: 'headless run', since: Date.now() - 1000, host: hostname() });
  const attempt = holdDataFolder(dir, 'tray app');
  await new Promise((r) => setTimeout(r, 50));
  await writeFile(join(dir, HOLDER_NAME), JSON.stringify({ pid: live.pid, command: 'headless import', since: Date.now(), host: hostname() }));
  await assert.rejects(attempt, new RegExp(`in use by Session Keeper \\(headless import, pid ${live.pid}\\)`));
});

test('a lock refresh the disk refuses (read-only) is a storage fault, not a lost lock: the holder keeps the folder and takes the lock back once it is writable', async (t) => {
  const fs = await mountSmallFilesystem(8);
  if ('cannot' in fs) {
    t.skip(fs.cannot);
    return;
  }
  t.after(() => fs.dispose());
  const refused: DataFolderUnwritableError[] = [];
  const lost: Error[] = [];
  let recovered = 0;
  const lock = await holdDataFolder(fs.dir, 'tray app', {
    timing: { staleMs: 2_000, updateMs: 1_000 },
    onLost: (err) => lost.push(err),
    onRefreshRefused: (err) => refused.push(err),
    onRefreshRecovered: () => recovered++,
  });
  await fs.readOnly(true);
  const until = async (check: () => boolean, ms: number) => {
    for (const end = Date.now() + ms; !check() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
  };
  await until(() => refused.length > 0 || lost.length > 0, 6_000);
  assert.deepEqual(lost.map((e) => e.message), [], 'a read-only disk does not count as the lock being taken');
  assert.equal(refused[0]?.osCode, 'EROFS');
  assert.match(refused[0]?.message ?? '', /cannot be written: it is on a read-only file system \(EROFS\)/);
  await assert.rejects(holdDataFolder(fs.dir, 'headless run'), DataFolderLockedError, 'the folder is still held by this process');
  await fs.readOnly(false);
  await until(() => recovered > 0, 6_000);
  assert.equal(recovered, 1, 'the lock is taken back by itself');
  await new Promise((r) => setTimeout(r, 2_500)); // past the stale time: the refreshes run again
  assert.deepEqual(lost, []);
  const stat = await lstat(join(fs.dir, LOCK_NAME));
  assert.ok(Date.now() - stat.mtimeMs < 2_000, 'the lock is fresh again');
  await lock.release();
  await (await holdDataFolder(fs.dir, 'headless run')).release();
});

test('a lock whose refresh finds another mtime (another process took it) is lost loudly, not retried', async (t) => {
  const dir = await tempDir(t, 'lock-');
  const refused: Error[] = [];
  const lost: Error[] = [];
  const lock = await holdDataFolder(dir, 'tray app', {
    timing: { staleMs: 2_000, updateMs: 1_000 },
    onLost: (err) => lost.push(err),
    onRefreshRefused: (err) => refused.push(err),
  });
  const other = new Date(Date.now() + 60_000);
  await utimes(join(dir, LOCK_NAME), other, other);
  for (const end = Date.now() + 5_000; lost.length === 0 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
  assert.equal(lost.length, 1);
  assert.deepEqual(refused, []);
  assert.equal(compromiseCause(lost[0] as Error).kind, 'taken');
  await lock.release();
});
