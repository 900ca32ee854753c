// The API's files are written synchronously (an event is on disk before anyone hears of it); a
// compaction replaces a whole file, and must leave the old one or the new one after a power cut.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Temp file, fsync, rename, folder fsync: after a power cut the file is the old one or the new
 * one, never empty (a rename can reach the disk before the data it names on some filesystems).
 */
export function replaceFileSync(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  let dir: number | null = null;
  try {
    dir = openSync(dirname(path), 'r');
    fsyncSync(dir);
  } catch {
    // Windows cannot open or fsync a folder; its rename is durable once it returns
  } finally {
    if (dir !== null) closeSync(dir);
  }
}
