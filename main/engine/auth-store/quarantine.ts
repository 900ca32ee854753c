// Moving a session folder aside instead of deleting it: whatever went wrong, the bytes stay
// on disk for a person (or a later version of this app) to recover.
import { cp, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ensureDir, fsyncDir, pathExists } from './atomic-fs.js';

/** Folder-name-safe ISO time: Windows forbids `:` in names. */
export function quarantineStamp(now: number): string {
  return new Date(now).toISOString().replace(/:/g, '-');
}

export function slugReason(reason: string): string {
  const slug = reason.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return slug.length > 0 ? slug : 'unknown';
}

/** `<label>-<ISO time>-<reason>` (pure, for tests and status text); label defaults to the folder name. */
export function quarantineName(label: string, now: number, reason: string): string {
  const safeLabel = label.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60) || 'session';
  return `${safeLabel}-${quarantineStamp(now)}-${slugReason(reason)}`;
}

/**
 * Moves `dir` to a new folder under `quarantineDir` and returns its path. Never overwrites an
 * earlier quarantine (adds a counter) and never deletes anything but the moved-from path.
 */
export async function moveToQuarantine(
  dir: string,
  quarantineDir: string,
  reason: string,
  now: number,
  label: string = basename(dir),
): Promise<string> {
  await ensureDir(quarantineDir);
  const base = join(quarantineDir, quarantineName(label, now, reason));
  let target = base;
  for (let n = 2; await pathExists(target); n++) target = `${base}-${n}`;
  try {
    await rename(dir, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    // Another volume: copy whole, then remove the original, so there is always one full copy.
    await cp(dir, target, { recursive: true, errorOnExist: true, force: false, preserveTimestamps: true });
    await rm(dir, { recursive: true });
  }
  await fsyncDir(quarantineDir);
  await fsyncDir(dirname(dir));
  return target;
}
