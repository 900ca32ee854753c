// One process per data folder. Two keepers on one folder upload different pre-keys for one
// identity and overwrite each other's creds (a restore undone by the running process), so the
// tray app and every headless command that writes hold this lock for as long as they run.
// proper-lockfile's lock is a folder whose mtime the holder refreshes: a holder that crashed or
// was SIGKILLed stops refreshing it and the lock goes stale. Next to it a small JSON file names
// the holder (pid, command, since, host), so a refusal can say who holds the folder, and a holder
// pid that no longer runs on this machine frees the lock at once instead of after the stale time.
import { mkdir, readFile, rmdir, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { errCode, writeFileAtomic } from './auth-store/atomic-fs.js';
import { KeeperError } from './errors.js';

export const LOCK_NAME = 'keeper.lock';
export const HOLDER_NAME = 'keeper.lock.json';
/** a holder refreshes the lock every UPDATE_MS; one silent for STALE_MS is taken as dead */
const STALE_MS = 30_000;
const UPDATE_MS = 10_000;
/** how long a new holder may take between taking the lock and writing its record */
const RECORD_GRACE_MS = 250;

export interface DataFolderHolder {
  pid: number;
  /** what holds the folder, e.g. "tray app" or "headless run" */
  command: string;
  /** epoch ms */
  since: number;
  host: string;
}

export class DataFolderLockedError extends KeeperError {
  constructor(
    readonly dataDir: string,
    readonly holder: DataFolderHolder | null,
  ) {
    super('data-folder-locked', `The data folder ${dataDir} is in use by ${describeHolder(holder)}. Stop it first: two processes on one data folder overwrite each other's session keys.`);
    this.name = 'DataFolderLockedError';
  }
}

export class DataFolderUnwritableError extends KeeperError {
  constructor(
    readonly dataDir: string,
    readonly osCode: string,
    cause: unknown,
  ) {
    super(
      'data-folder-unwritable',
      `The data folder ${dataDir} cannot be written: ${osReason(osCode)} (${osCode}). Choose a writable folder (--data-dir or SESSION_KEEPER_DATA_DIR) or fix its permissions.`,
      { cause },
    );
    this.name = 'DataFolderUnwritableError';
  }
}

export interface DataFolderLock {
  readonly dataDir: string;
  readonly holder: DataFolderHolder;
  /** Lets the folder go (holder file first, so it never names the next holder's lock as ours). */
  release(): Promise<void>;
}

export interface HoldOptions {
  /**
   * The lock was taken from us (our refreshes stalled past the stale time — a frozen process —
   * and another process took the folder). Stop writing: the folder is no longer ours.
   */
  onLost?: (err: Error) => void;
  /**
   * The disk refused to refresh the lock (read-only, full, I/O error) past the stale time. Nobody
   * took the folder — a second process cannot write there either — so keep running, show the
   * storage fault, and let the lock be taken back by itself once the disk takes writes again
   * (`onRefreshRecovered`); should another process have taken it meanwhile, `onLost` follows.
   */
  onRefreshRefused?: (err: DataFolderUnwritableError) => void;
  onRefreshRecovered?: () => void;
  /** proper-lockfile's timing (tests): stale after `staleMs` (≥ 2000), refreshed every `updateMs` */
  timing?: { staleMs: number; updateMs: number };
}

/** OS codes that mean the disk refused a write, not that someone else holds the lock. */
const REFUSED_WRITE_CODES = new Set(['EROFS', 'ENOSPC', 'EDQUOT', 'EIO', 'EACCES', 'EPERM']);

/**
 * Why proper-lockfile gave up the lock: a refresh the disk refused (it overwrites the OS code
 * with ECOMPROMISED but keeps the OS message, "EROFS: read-only file system, utime …"), or the
 * lock really gone (its folder removed, or its mtime no longer ours: another process took it).
 */
export function compromiseCause(err: Error): { kind: 'refused'; osCode: string } | { kind: 'taken' } {
  const osCode = /^([A-Z][A-Z0-9]+):/.exec(err.message)?.[1];
  return osCode && REFUSED_WRITE_CODES.has(osCode) ? { kind: 'refused', osCode } : { kind: 'taken' };
}

/** Folders this process holds, so a second hold in one process is refused like any other. */
const heldHere = new Map<string, DataFolderHolder>();

/**
 * Takes the data folder for this process, creating the folder when missing. Throws
 * DataFolderLockedError naming the holder when another live process has it (writing nothing),
 * DataFolderUnwritableError with the OS reason when the folder cannot be created or written.
 */
export async function holdDataFolder(dataDir: string, command: string, opts: HoldOptions = {}): Promise<DataFolderLock> {
  const dir = resolve(dataDir);
  const own = heldHere.get(dir);
  if (own) throw new DataFolderLockedError(dir, own);
  try {
    await makeFolder(dir);
  } catch (err) {
    throw unwritable(dir, err);
  }
  const holder: DataFolderHolder = { pid: process.pid, command, since: Date.now(), host: hostname() };
  let released = false;
  let retakeTimer: ReturnType<typeof setTimeout> | null = null;
  const timing = opts.timing ?? { staleMs: STALE_MS, updateMs: UPDATE_MS };
  const lost = (err: Error): void => {
    heldHere.delete(dir);
    opts.onLost?.(err);
  };
  /** A refused refresh: the folder is still ours; take the lock back once the disk lets us. */
  const retake = (): void => {
    retakeTimer = setTimeout(() => {
      retakeTimer = null;
      if (released) return;
      void (async () => {
        const current = await readHolder(dir);
        if (current && (current.pid !== holder.pid || current.since !== holder.since)) {
          lost(new Error(`the data folder was taken over by ${describeHolder(current)} while its disk refused writes`));
          return;
        }
        try {
          release = await lockfile.lock(dir, options);
          opts.onRefreshRecovered?.();
        } catch (err) {
          if (errCode(err) === 'ELOCKED') lost(new DataFolderLockedError(dir, await readHolder(dir)));
          else retake();
        }
      })();
    }, timing.updateMs);
    retakeTimer.unref();
  };
  const options = {
    ...lockOptions(dir, timing.staleMs),
    update: timing.updateMs,
    onCompromised: (err: Error) => {
      if (released) return;
      const cause = compromiseCause(err);
      if (cause.kind === 'taken') {
        lost(err);
        return;
      }
      opts.onRefreshRefused?.(new DataFolderUnwritableError(dir, cause.osCode, err));
      retake();
    },
  };
  let release = await takeLock(dir, options);
  try {
    await writeFileAtomic(dir, HOLDER_NAME, `${JSON.stringify(holder)}\n`);
  } catch (err) {
    await release().catch(() => undefined);
    throw unwritable(dir, err);
  }
  heldHere.set(dir, holder);
  return {
    dataDir: dir,
    holder,
    async release() {
      if (released) return;
      released = true;
      if (retakeTimer !== null) clearTimeout(retakeTimer);
      if (heldHere.get(dir) === holder) heldHere.delete(dir);
      const current = await readHolder(dir);
      if (current && current.pid === holder.pid && current.since === holder.since) await unlink(join(dir, HOLDER_NAME)).catch(() => undefined);
      await release().catch(() => undefined); // already released when the lock was lost
    },
  };
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir says ENOENT where the OS said EROFS (a
 * new folder on a read-only disk), and loops forever under /proc; this keeps the OS's reason.
 */
async function makeFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o700 });
    return;
  } catch (err) {
    if (errCode(err) === 'EEXIST') {
      if ((await stat(dir)).isDirectory()) return;
      throw err;
    }
    if (errCode(err) !== 'ENOENT' || dirname(dir) === dir) throw err;
  }
  await makeFolder(dirname(dir));
  await mkdir(dir, { mode: 0o700 }).catch((err: unknown) => {
    if (errCode(err) !== 'EEXIST') throw err;
  });
}

type LockOptions = ReturnType<typeof lockOptions> & { update: number; onCompromised: (err: Error) => void };

async function takeLock(dir: string, options: LockOptions): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dir, options);
  } catch (err) {
    if (errCode(err) !== 'ELOCKED') throw unwritable(dir, err);
  }
  const holder = await readHolder(dir);
  if (!holder || !(await holderIsGone(holder))) throw new DataFolderLockedError(dir, holder);
  // A process that has just taken the lock has not written its record yet: give it a moment,
  // and take over only if the dead holder's record is still the one there.
  await new Promise((r) => setTimeout(r, RECORD_GRACE_MS));
  const still = await readHolder(dir);
  if (!still || still.pid !== holder.pid || still.since !== holder.since) throw new DataFolderLockedError(dir, still);
  // The holder died without letting go (SIGKILL, crash, power cut): its lock is free now.
  await rmdir(join(dir, LOCK_NAME)).catch((err: unknown) => {
    if (errCode(err) !== 'ENOENT') throw unwritable(dir, err);
  });
  try {
    return await lockfile.lock(dir, options);
  } catch (err) {
    if (errCode(err) === 'ELOCKED') throw new DataFolderLockedError(dir, await readHolder(dir)); // another start won the race
    throw unwritable(dir, err);
  }
}

function lockOptions(dir: string, staleMs: number): { stale: number; realpath: false; lockfilePath: string } {
  return { stale: staleMs, realpath: false, lockfilePath: join(dir, LOCK_NAME) };
}

/** A holder on this machine whose pid no longer runs (or is our own pid, reused after a restart). */
async function holderIsGone(holder: DataFolderHolder): Promise<boolean> {
  if (holder.host !== hostname()) return false; // another machine's pid says nothing here: wait for stale
  if (holder.pid === process.pid) return true; // not held in this process (checked first), so an earlier life of this pid
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    return errCode(err) === 'ESRCH';
  }
  return isZombie(holder.pid);
}

/** A killed process stays a zombie until its parent reaps it: dead, though signal 0 still reaches it. */
async function isZombie(pid: number): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

async function readHolder(dir: string): Promise<DataFolderHolder | null> {
  let text: string;
  try {
    text = await readFile(join(dir, HOLDER_NAME), 'utf8');
  } catch {
    return null;
  }
  try {
    const v = JSON.parse(text) as Partial<DataFolderHolder>;
    if (typeof v.pid !== 'number' || typeof v.command !== 'string' || typeof v.since !== 'number' || typeof v.host !== 'string') return null;
    return { pid: v.pid, command: v.command, since: v.since, host: v.host };
  } catch {
    return null;
  }
}

export function describeHolder(holder: DataFolderHolder | null): string {
  if (!holder) return 'another process that left no record of itself (if none runs, the folder is free again within 30 seconds)';
  const where = holder.host === hostname() ? '' : ` on ${holder.host}`;
  const self = holder.pid === process.pid && !where ? ' (this process)' : '';
  return `Session Keeper (${holder.command}, pid ${holder.pid}${where}${self}) since ${new Date(holder.since).toISOString()}`;
}

function unwritable(dir: string, err: unknown): Error {
  const code = errCode(err);
  return code ? new DataFolderUnwritableError(dir, code, err) : (err as Error);
}

/** The OS reason, said plainly. */
export function osReason(code: string): string {
  switch (code) {
    case 'EROFS':
      return 'it is on a read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'a folder on its path does not exist and cannot be created';
    case 'ENOTDIR':
      return 'a part of its path is a file, not a folder';
    case 'EEXIST':
      return 'it is a file, not a folder';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    default:
      return 'the operating system refused the write';
  }
}
