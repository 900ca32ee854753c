// Puts a verified restored folder in place of the live session. The live folder is moved to
// a quarantine path, never deleted: it is the account, and it may be the better copy.
import { mkdir, rename, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathExists } from '../auth-store/atomic-fs.js';

export interface SwapRequest {
  /** the session folder the engine uses */
  live: string;
  /** a restored + verified folder (restoreBackup's result), on the same filesystem */
  restored: string;
  /** where the old live folder goes, e.g. `${dataDir}/quarantine` */
  quarantineRoot: string;
  /** ms since epoch, for the quarantine folder's name */
  now: number;
}

export interface SwapResult {
  /** where the previous live folder now is; null when there was none */
  quarantinedTo: string | null;
}

export function quarantineName(live: string, now: number, rand: string = randomBytes(3).toString('hex')): string {
  const iso = new Date(now).toISOString().replace(/[:.]/g, '');
  return `${basename(live)}-before-restore-${iso}-${rand}`;
}

/** Must run while no socket uses `live` (the engine stops the phone first). */
export async function swapInRestoredSession(req: SwapRequest): Promise<SwapResult> {
  await stat(req.restored); // fail before moving anything if the restored folder is gone
  let quarantinedTo: string | null = null;
  if (await pathExists(req.live)) {
    await mkdir(req.quarantineRoot, { recursive: true, mode: 0o700 });
    quarantinedTo = join(req.quarantineRoot, quarantineName(req.live, req.now));
    await rename(req.live, quarantinedTo);
  }
  try {
    await rename(req.restored, req.live);
  } catch (err) {
    // Put the old session back rather than leave the phone with no session at all.
    if (quarantinedTo) await rename(quarantinedTo, req.live);
    throw err;
  }
  return { quarantinedTo };
}
