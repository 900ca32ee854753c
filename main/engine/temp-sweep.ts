// At start: the temp files an earlier run left behind (killed mid-write, or a disk that filled
// up) are removed, so they cannot keep a disk full. Only files that are clearly our own temp
// files AND older than this process go; a `.tmp-` name we did not make is moved to quarantine,
// never deleted; everything else, and the quarantine itself, is left alone.
// A restore killed mid-way leaves folders too: its unfinished, unverified `.restoring-` folder
// goes (the backup it came from is untouched). A `.restored-` folder is a whole, synced, verified
// session: with no live session beside it (a kill between the swap's two renames, whose first
// moved the old one to quarantine) it is put in place, finishing the swap; otherwise the phone
// kept its session and the restored one is quarantined.
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fsyncDir, isNotFound, pathExists, TEMP_PREFIX, unlinkIfExists } from './auth-store/atomic-fs.js';
import { moveToQuarantine } from './auth-store/quarantine.js';
import { verifySessionFolder } from './backup/verify-session.js';

/** `.tmp-<pid>-<counter>-<6 hex>-<name>`: exactly what atomic-fs names its temp files. */
const OUR_TEMP = /^\.tmp-\d+-\d+-[0-9a-f]{6}-.+$/;

/** restore.ts: `mkdtemp('.<dest>.restoring-')`, six random characters. */
const RESTORING_DIR = /^\..+\.restoring-[A-Za-z0-9]{6}$/;
/** restore-run.ts: `.<live>.restored-<8 hex>`. */
const RESTORED_DIR = /^\.(.+)\.restored-[0-9a-f]{8}$/;

const RESTORE_DIR_HINT = /\.restor(?:ing|ed)-/;

export type TempVerdict = 'remove' | 'keep' | 'quarantine';

/** What to do with one folder left by a restore, from its name and age. Pure. */
export function tempDirVerdict(name: string, mtimeMs: number, processStartedAt: number): TempVerdict {
  // a folder as new as this process may be a restore of ours in flight
  if (mtimeMs >= processStartedAt) return 'keep';
  if (RESTORING_DIR.test(name)) return 'remove';
  if (RESTORED_DIR.test(name)) return 'quarantine';
  return 'keep';
}

/**
 * What to do with a verified-named `.restored-` folder the sweep would quarantine: finish the
 * swap only when no live session is there to lose and the folder still verifies. Pure.
 */
export function restoredDirAction(liveExists: boolean, verifies: boolean): 'put-in-place' | 'quarantine' {
  return !liveExists && verifies ? 'put-in-place' : 'quarantine';
}

/** The live session folder name a `.restored-` folder was made for, or null for any other name. */
export function liveNameOfRestored(name: string): string | null {
  return RESTORED_DIR.exec(name)?.[1] ?? null;
}

/** What to do with one file, from its name and age. Pure. */
export function tempVerdict(name: string, mtimeMs: number, processStartedAt: number): TempVerdict {
  if (!name.startsWith(TEMP_PREFIX)) return 'keep';
  if (!OUR_TEMP.test(name)) return 'quarantine';
  // a temp as new as this process may be a write of ours in flight
  return mtimeMs < processStartedAt ? 'remove' : 'keep';
}

export interface TempSweepResult {
  removed: string[];
  /** kind 'restored-session': a verified restore that was not swapped in before the kill */
  quarantined: Array<{ from: string; to: string; kind: 'stray-temp-file' | 'restored-session' }>;
  /** restored sessions put in place of a live folder that was missing (a swap cut short) */
  completed: Array<{ from: string; to: string }>;
}

/** A name the sweep looks at closer: a temp file, or a folder a restore left. */
interface Found {
  dir: string;
  name: string;
  folder: boolean;
}

export async function sweepStaleTemps(opts: {
  root: string;
  quarantineDir: string;
  processStartedAt: number;
  /** names the quarantine folders */
  now: number;
  /**
   * Looks only directly inside this folder, not in the folders within: given the folder of the
   * session folders, what a restore left beside them, which must be settled before any auth
   * store is read. Without it: the whole tree under `root`.
   */
  only?: string;
}): Promise<TempSweepResult> {
  const result: TempSweepResult = { removed: [], quarantined: [], completed: [] };
  // Looking is done in parallel, acting in order: reading every folder one after another was the
  // longest wait of a start (~5 ms for one phone); the rare moves into quarantine stay serial, so
  // two of them never pick the same name.
  const recurse = opts.only === undefined;
  const look = async (dir: string, found: Found[]): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const folders: string[] = [];
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (path === opts.quarantineDir) continue;
        // only a restore's folder is looked at closer; a session folder is walked as it is
        if (RESTORE_DIR_HINT.test(e.name)) found.push({ dir, name: e.name, folder: true });
        else folders.push(path);
        continue;
      }
      // a session holds hundreds of key files: only a temp's name is looked at closer
      if (e.isFile() && e.name.startsWith(TEMP_PREFIX)) found.push({ dir, name: e.name, folder: false });
    }
    if (recurse) await Promise.all(folders.map((f) => look(f, found)));
  };
  const act = async ({ dir, name, folder }: Found): Promise<void> => {
    const path = join(dir, name);
    const st = await stat(path).catch(() => null);
    if (!st) return;
    if (folder) {
      const verdict = tempDirVerdict(name, st.mtimeMs, opts.processStartedAt);
      if (verdict === 'remove') {
        await rm(path, { recursive: true, force: true });
        result.removed.push(path);
      } else if (verdict === 'quarantine') {
        if (await putInPlace(dir, name)) return;
        const to = await moveToQuarantine(path, opts.quarantineDir, 'restore-interrupted', opts.now, relative(opts.root, path));
        result.quarantined.push({ from: path, to, kind: 'restored-session' });
      } else {
        await sweep(path);
      }
      return;
    }
    const verdict = tempVerdict(name, st.mtimeMs, opts.processStartedAt);
    if (verdict === 'remove' && (await unlinkIfExists(path))) result.removed.push(path);
    if (verdict === 'quarantine') {
      const to = await moveToQuarantine(path, opts.quarantineDir, 'stray-temp-file', opts.now, relative(opts.root, path));
      result.quarantined.push({ from: path, to, kind: 'stray-temp-file' });
    }
  };
  const sweep = async (dir: string): Promise<void> => {
    const found: Found[] = [];
    await look(dir, found);
    found.sort((a, b) => (join(a.dir, a.name) < join(b.dir, b.name) ? -1 : 1));
    for (const f of found) await act(f);
  };
  const putInPlace = async (dir: string, name: string): Promise<boolean> => {
    const live = liveNameOfRestored(name);
    if (live === null) return false;
    const from = join(dir, name);
    const to = join(dir, live);
    const verifies = await verifySessionFolder(from).then(
      () => true,
      () => false,
    );
    if (restoredDirAction(await pathExists(to), verifies) !== 'put-in-place') return false;
    await rename(from, to);
    await fsyncDir(dir);
    result.completed.push({ from, to });
    return true;
  };
  await sweep(opts.only ?? opts.root);
  return result;
}
