// The keeper's small JSON state files (phone meta, keep-alive plan, backup state): written
// atomically, and a damaged one is set aside and reported rather than trusted or deleted.
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir, isNotFound, readText, writeFileAtomic } from './auth-store/atomic-fs.js';

/** A finite number or null: the shape of every optional timestamp in these files. */
export function numOrNull(x: unknown): boolean {
  return x === null || (typeof x === 'number' && Number.isFinite(x));
}

export async function readStateFile<T extends object>(
  dir: string,
  file: string,
  isValid: (value: unknown) => value is T,
  empty: T,
  now: number = Date.now(),
): Promise<{ value: T; setAside: string | null }> {
  const path = join(dir, file);
  let text: string;
  try {
    text = await readText(path);
  } catch (err) {
    if (isNotFound(err)) return { value: { ...empty }, setAside: null };
    throw err;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (isValid(parsed)) return { value: { ...empty, ...parsed }, setAside: null };
  } catch {
    // fall through: damaged
  }
  const aside = `${path}.damaged-${now}`;
  await rename(path, aside);
  return { value: { ...empty }, setAside: aside };
}

/**
 * Folders this process made (or found) with their mode tightened: a write there skips the mkdir
 * and chmod (a pairing writes ~6 state files per phone). A folder removed meanwhile is made again.
 */
const readyDirs = new Set<string>();

export async function writeStateFile(dir: string, file: string, value: object): Promise<void> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (readyDirs.has(dir)) {
    try {
      await writeFileAtomic(dir, file, text);
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      readyDirs.delete(dir);
    }
  }
  await ensureDir(dir);
  readyDirs.add(dir);
  await writeFileAtomic(dir, file, text);
}
