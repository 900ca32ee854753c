// Reads a Baileys multi-file session folder into memory. Baileys rewrites key files while the
// socket runs (non-atomically), so a JSON file that does not parse is re-read a few times
// before we give up: packing a torn file would back up a broken session.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { contentHash, isSafeFileName, type SessionFile } from './container.js';
import { BackupError } from './errors.js';
import { forEachLimit } from './pool.js';

export interface SessionSnapshot {
  files: SessionFile[];
  /** hex sha256 over sorted names + bytes: equal hashes mean nothing to back up */
  contentHash: string;
}

const RETRIES = 3;
const RETRY_DELAY_MS = 20;

function parsesAsJson(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

async function readStable(path: string, name: string): Promise<Buffer> {
  for (let attempt = 0; ; attempt++) {
    const bytes = await readFile(path);
    if (!name.endsWith('.json') || parsesAsJson(bytes)) return bytes;
    if (attempt >= RETRIES) {
      throw new BackupError('source-unreadable', `session file ${name} is not valid JSON (still being written?); backup skipped`);
    }
    await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
  }
}

export async function readSessionSnapshot(folder: string): Promise<SessionSnapshot> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (cause) {
    throw new BackupError('source-unreadable', `cannot read the session folder ${folder}`, { cause });
  }
  // Only flat regular files: Baileys writes nothing else, and symlinks could point anywhere.
  const names = entries.filter((e) => e.isFile() && isSafeFileName(e.name)).map((e) => e.name);
  if (!names.includes('creds.json')) {
    throw new BackupError('source-unreadable', `the session folder ${folder} has no creds.json: nothing worth backing up`);
  }
  const files: SessionFile[] = [];
  await forEachLimit(names, 16, async (name) => {
    try {
      files.push({ name, bytes: await readStable(join(folder, name), name) });
    } catch (cause) {
      // A key file deleted between readdir and read is normal churn (Baileys removes keys).
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT' && name !== 'creds.json') return;
      if (cause instanceof BackupError) throw cause;
      throw new BackupError('source-unreadable', `cannot read session file ${name}`, { cause });
    }
  });
  return { files, contentHash: contentHash(files) };
}
