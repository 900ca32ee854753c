// Crash-safe file primitives, the one place the engine writes files durably (session files,
// imports, backups, restores, the backup key): a reader only ever sees the old bytes or the new
// bytes of a file, never a 0-byte or half-written one, and a finished write survives a power cut.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFile as readFileCallback, writeFileSync } from 'node:fs';
import { chmod, link, mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { release } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * A whole small file as text. fs/promises' readFile walks a FileHandle through four awaited
 * steps; the callback form chains the same steps in one request: 8 state files read side by side
 * took 2.1-2.9 ms that way against 0.5-1.3 ms (docs/benchmarks.md, sixth pass), and a start and a
 * login read dozens (state files, creds, keys).
 */
export function readText(path: string): Promise<string> {
  return new Promise((done, fail) => readFileCallback(path, 'utf8', (err, text) => (err ? fail(err) : done(text))));
}

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** Our own scratch files start with this; anything with it at open is an unfinished write. */
export const TEMP_PREFIX = '.tmp-';

const isWindows = process.platform === 'win32';
let tempCounter = 0;
const WRITE_PARALLELISM = 32;

/** The errno code of a file-system error (ENOENT, EEXIST…), if it has one. */
export function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

export function isNotFound(err: unknown): boolean {
  return errCode(err) === 'ENOENT';
}

/** fsync a folder so the renames/unlinks in it are durable. Windows cannot open folders for fsync. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!isWindows) throw err;
  } finally {
    await handle?.close();
  }
}

/** mkdir -p with 0700, and tighten the mode of a folder that already existed. */
export async function ensureDir(dir: string): Promise<void> {
  const firstCreated = await mkdir(dir, { recursive: true, mode: DIR_MODE });
  await chmod(dir, DIR_MODE);
  if (firstCreated === undefined) return;
  // A new folder's own name lives in its parent: fsync each parent up to the first one we made,
  // or a power cut could lose the whole session folder right after its first save.
  for (let d = resolve(dir); ; d = dirname(d)) {
    await fsyncDir(dirname(d));
    if (d === resolve(firstCreated) || dirname(d) === d) break;
  }
}

// Windows refuses a rename while antivirus/indexers hold the target open; they let go quickly.
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (err) {
      const code = errCode(err);
      if (!isWindows || attempt >= 10 || (code !== 'EPERM' && code !== 'EACCES' && code !== 'EBUSY')) throw err;
      await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
    }
  }
}

// Random as well as counted: a temp left by a crashed run with the same pid must not collide.
function tempNameFor(name: string): string {
  tempCounter += 1;
  return `${TEMP_PREFIX}${process.pid}-${tempCounter}-${randomBytes(3).toString('hex')}-${name}`;
}

/**
 * Creates `path`, which must not exist yet (0600), writes `data` whole and fsyncs it. Alone it
 * is for files inside a folder that is renamed into place afterwards; otherwise use the
 * temp-then-rename/link writers below. A failed write removes the file it created (`wx` makes
 * it ours): on a full disk a half-written file would only keep the disk full.
 */
export async function writeNewFileSynced(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'wx', FILE_MODE);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    await unlinkIfExists(path).catch(() => {});
    throw err;
  }
}

/** Files written between two yields to the event loop; files a fallback wave holds open to sync. */
const WRITE_SLICE = 64;
const SYNC_BATCH = 256;

/**
 * Creates every file of `files` in `dir` (none may exist yet, 0600) and makes them durable as a
 * batch. Each file is created and written with direct system calls, in slices with a yield to
 * the event loop between them: a thread-pool round trip for each open, write and close was most
 * of a 5,000-file restore's write time. On Linux the whole batch is then made durable by one
 * syncfs(2) of `dir`'s file system; elsewhere, or if that fails, each file is fsynced, a wave
 * at a time concurrently (the file system commits those together). Resolves only once every file
 * is durable; the caller then fsyncs `dir` and publishes it. On a failure every file created here
 * is removed.
 */
export async function writeNewFilesSynced(dir: string, files: ReadonlyArray<{ name: string; bytes: string | Uint8Array }>): Promise<void> {
  const created: string[] = [];
  try {
    for (const [i, f] of files.entries()) {
      if (i > 0 && i % WRITE_SLICE === 0) await new Promise((r) => setImmediate(r));
      const path = join(dir, f.name);
      const fd = openSync(path, 'wx', FILE_MODE);
      created.push(path);
      try {
        writeFileSync(fd, f.bytes);
      } finally {
        closeSync(fd);
      }
    }
    // a failed syncfs (old kernel, a `sync` without -f, a write-back error) falls back to one
    // fsync per file, which reports a file's write-back error itself
    if (!(await syncFileSystem(dir))) await fsyncEach(created);
  } catch (err) {
    await removeTemps(created);
    throw err;
  }
}

async function fsyncEach(paths: readonly string[]): Promise<void> {
  for (let i = 0; i < paths.length; i += SYNC_BATCH) {
    const handles: FileHandle[] = [];
    try {
      await inPool(paths.slice(i, i + SYNC_BATCH), WRITE_PARALLELISM, async (path) => {
        handles.push(await open(path, 'r+'));
      });
      await inPool(handles, WRITE_PARALLELISM, (h) => h.sync());
    } finally {
      await Promise.allSettled(handles.map((h) => h.close()));
    }
  }
}

let syncProgramPath: string | null | undefined;

/** Linux 5.8 is the first whose syncfs reports write-back errors; before it a failed write went unnoticed. */
export function syncfsReportsErrors(kernelRelease: string): boolean {
  const [major = 0, minor = 0] = kernelRelease.split(/[.-]/).map(Number);
  return major > 5 || (major === 5 && minor >= 8);
}

/** coreutils' (or busybox's) `sync`, by absolute path so PATH cannot swap it; null off Linux ≥ 5.8. */
function syncProgram(): string | null {
  if (syncProgramPath === undefined) {
    const usable = process.platform === 'linux' && syncfsReportsErrors(release());
    syncProgramPath = usable ? (['/usr/bin/sync', '/bin/sync'].find((p) => existsSync(p)) ?? null) : null;
  }
  return syncProgramPath;
}

/**
 * syncfs(2) on the file system holding `path` (`sync -f`): every dirty page and inode there is
 * written and the journal committed with a cache flush before it exits 0 (since Linux 5.8 a
 * write-back error fails it). Node has no binding for it, so it runs as a short child.
 * Resolves false when it could not be done here.
 */
function syncFileSystem(path: string): Promise<boolean> {
  const program = syncProgram();
  if (program === null) return Promise.resolve(false);
  return new Promise((resolvePromise) => {
    execFile(program, ['-f', path], { timeout: 60_000 }, (err) => resolvePromise(err === null));
  });
}

/** Runs fn over items with at most `width` calls in flight; rejects with the first failure once all settled. */
async function inPool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | null = null;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length && failure === null) {
        const item = items[next++] as T;
        try {
          await fn(item);
        } catch (err) {
          failure ??= { err };
        }
      }
    }),
  );
  if (failure) throw (failure as { err: unknown }).err;
}

/** Write + fsync a temp file next to the target (same folder, so the rename is atomic). */
async function writeTemp(dir: string, name: string, data: string | Uint8Array): Promise<string> {
  const tmp = join(dir, tempNameFor(name));
  await writeNewFileSynced(tmp, data);
  return tmp;
}

/**
 * Replace several files at once: all temps are written and fsynced first, then renamed, then
 * one folder fsync. Not atomic as a group (the journal gives that), but every file is whole.
 */
export async function writeFilesAtomic(
  dir: string,
  files: ReadonlyArray<readonly [string, string | Uint8Array]>,
): Promise<void> {
  const temps: Array<readonly [string, string]> = [];
  let renamed = 0;
  try {
    // Bounded parallelism: Baileys uploads hundreds of pre-keys in one batch; don't exhaust fds.
    for (let i = 0; i < files.length; i += WRITE_PARALLELISM) {
      const chunk = files.slice(i, i + WRITE_PARALLELISM);
      // settle the whole chunk before failing, so every temp it made is known and removed
      const results = await Promise.allSettled(chunk.map(async ([name, data]) => [await writeTemp(dir, name, data), name] as const));
      for (const r of results) if (r.status === 'fulfilled') temps.push(r.value);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    for (const [tmp, name] of temps) {
      await renameWithRetry(tmp, join(dir, name));
      renamed += 1;
    }
  } catch (err) {
    await removeTemps(temps.slice(renamed).map(([tmp]) => tmp));
    throw err;
  }
  await fsyncDir(dir);
}

async function removeTemps(paths: readonly string[]): Promise<void> {
  for (const tmp of paths) await unlinkIfExists(tmp).catch(() => {});
}

export async function writeFileAtomic(dir: string, name: string, data: string | Uint8Array): Promise<void> {
  const tmp = await writeTemp(dir, name, data);
  try {
    await renameWithRetry(tmp, join(dir, name));
  } catch (err) {
    await removeTemps([tmp]);
    throw err;
  }
  await fsyncDir(dir);
}

/**
 * Creates `dir/name` durably unless that name already exists: returns false (and writes
 * nothing) when it does, so a file once published is never overwritten, even by a racing writer.
 */
export async function createFileAtomic(dir: string, name: string, data: string | Uint8Array): Promise<boolean> {
  const tmp = await writeTemp(dir, name, data);
  const target = join(dir, name);
  try {
    try {
      // link() fails if the name exists: the no-overwrite check and the publish are one step.
      await link(tmp, target);
    } catch (err) {
      if (errCode(err) === 'EEXIST' || (await pathExists(target))) return false;
      // Filesystems without hard links: check-then-rename (not atomic against a racing writer,
      // but this app is the only writer and names are unique).
      await renameWithRetry(tmp, target);
    }
  } finally {
    await unlinkIfExists(tmp);
  }
  await fsyncDir(dir);
  return true;
}

/** Remove a file if present; returns whether something was removed. Caller fsyncs the folder. */
export async function unlinkIfExists(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** Regular file names in a folder ([] when the folder does not exist). */
export async function listFiles(dir: string): Promise<string[]> {
  return (await listFilesIfFolder(dir)) ?? [];
}

/** Regular file names in a folder; null when it does not exist. */
export async function listFilesIfFolder(dir: string): Promise<string[] | null> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => e.name);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/**
 * Folders 0700, files 0600: Baileys writes with the default umask (usually 0644). `names`: the
 * folder's files when the caller has just listed them.
 */
export async function tightenModes(dir: string, names?: readonly string[]): Promise<void> {
  if (isWindows) return;
  await chmod(dir, DIR_MODE);
  // checked side by side: every start runs this over every key file of every phone
  await inPool(names ?? (await listFiles(dir)), WRITE_PARALLELISM, async (name) => {
    const path = join(dir, name);
    const st = await stat(path);
    if ((st.mode & 0o777) !== FILE_MODE) await chmod(path, FILE_MODE);
  });
}
