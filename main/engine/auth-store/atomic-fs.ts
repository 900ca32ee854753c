// Crash-safe file primitives, the one place the engine writes files durably (session files,
// imports, backups, restores, the backup key): a reader only ever sees the old bytes or the new
// bytes of a file, never a 0-byte or half-written one, and a finished write survives a power cut.
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

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

/** Open files a batch holds at once before syncing them: well under any descriptor limit. */
const SYNC_BATCH = 256;

/**
 * Creates every file of `files` in `dir` (none may exist yet, 0600) and makes them durable as a
 * batch: a wave of files is written, then all of it is fsynced concurrently (the file system
 * commits those together) instead of one write + fsync after another, which made a 5,000-file
 * restore take seconds. Resolves only once every file is synced; the caller then fsyncs `dir`
 * and publishes it. On a failure every file created here is removed.
 */
export async function writeNewFilesSynced(dir: string, files: ReadonlyArray<{ name: string; bytes: string | Uint8Array }>): Promise<void> {
  const created: string[] = [];
  try {
    for (let i = 0; i < files.length; i += SYNC_BATCH) {
      const wave = files.slice(i, i + SYNC_BATCH);
      const handles: FileHandle[] = [];
      try {
        await inPool(wave, WRITE_PARALLELISM, async (f) => {
          const path = join(dir, f.name);
          const handle = await open(path, 'wx', FILE_MODE);
          created.push(path);
          handles.push(handle);
          await handle.writeFile(f.bytes);
        });
        await inPool(handles, WRITE_PARALLELISM, (h) => h.sync());
      } finally {
        await Promise.allSettled(handles.map((h) => h.close()));
      }
    }
  } catch (err) {
    await removeTemps(created);
    throw err;
  }
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
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => e.name);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Folders 0700, files 0600: Baileys writes with the default umask (usually 0644). */
export async function tightenModes(dir: string): Promise<void> {
  if (isWindows) return;
  await chmod(dir, DIR_MODE);
  // checked side by side: every start runs this over every key file of every phone
  await inPool(await listFiles(dir), WRITE_PARALLELISM, async (name) => {
    const path = join(dir, name);
    const st = await stat(path);
    if ((st.mode & 0o777) !== FILE_MODE) await chmod(path, FILE_MODE);
  });
}
