// A failed write in words: which file and the OS reason, and how long to wait before trying
// again. Pure, so the status, the log and the presenters all say the same thing.
import { randomBytes } from 'node:crypto';
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nominalDelay, type BackoffConfig } from './backoff.js';
import type { StorageError } from './types.js';

/** Retry a failed write after 5 s, then doubling up to every 5 min: cheap, and fast once space returns. */
export const STORAGE_RETRY: Readonly<BackoffConfig> = Object.freeze({ baseMs: 5_000, factor: 2, maxMs: 5 * 60_000, jitter: 0 });

export function storageRetryDelayMs(attempt: number): number {
  return nominalDelay(attempt, STORAGE_RETRY);
}

/**
 * `path` is the file we meant to write (not the temp file the OS named); the reason comes from
 * Node's "ENOSPC: no space left on device, open '…'" without the syscall and the temp path.
 */
export function storageErrorOf(path: string, err: unknown, since: number): StorageError {
  const e = err as (NodeJS.ErrnoException & { message?: unknown }) | null;
  const code = typeof e?.code === 'string' ? e.code : null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const words = /^[A-Z0-9_]+: ([^,]+)/.exec(message)?.[1];
  return { path, reason: (words ?? message).trim(), code, since };
}

/** Two failures are the same episode for the user when the same file fails for the same reason. */
export function sameStorageError(a: StorageError | null, b: StorageError | null): boolean {
  return a !== null && b !== null && a.path === b.path && a.code === b.code && a.reason === b.reason;
}

/**
 * Whether a folder takes a write again: one byte written to a probe file, then removed. For writes
 * that have nothing of their own to retry (a log line is gone once refused), so a problem shown
 * for them clears when space returns instead of waiting for the next line, hours later.
 */
export async function probeWritable(dir: string): Promise<void> {
  // a name of its own: two probes of one folder may overlap
  const probe = join(dir, `.write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, 'x', { mode: 0o600 });
  } finally {
    await unlink(probe).catch(() => undefined);
  }
}
