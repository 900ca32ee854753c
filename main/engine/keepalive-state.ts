// The keep-alive rhythm of one phone, persisted next to its meta so a restart keeps the due time.
// Written atomically; a damaged file is set aside and the rhythm re-planned, never trusted.
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir, isNotFound, writeFileAtomic } from './auth-store/atomic-fs.js';

export interface KeepAliveFile {
  version: 1;
  /** when the next pulse is due; null until the phone is linked and planned */
  dueAt: number | null;
  lastPulseAt: number | null;
  /** the user paused keep-alive for this phone */
  paused: boolean;
}

export const EMPTY_KEEPALIVE: KeepAliveFile = Object.freeze({ version: 1, dueAt: null, lastPulseAt: null, paused: false }) as KeepAliveFile;

export const KEEPALIVE_FILE = 'keepalive.json';

function isKeepAliveFile(value: unknown): value is KeepAliveFile {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const numOrNull = (x: unknown) => x === null || (typeof x === 'number' && Number.isFinite(x));
  return v.version === 1 && numOrNull(v.dueAt) && numOrNull(v.lastPulseAt) && typeof v.paused === 'boolean';
}

export async function readKeepAliveFile(dir: string): Promise<{ file: KeepAliveFile; setAside: string | null }> {
  const path = join(dir, KEEPALIVE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return { file: { ...EMPTY_KEEPALIVE }, setAside: null };
    throw err;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (isKeepAliveFile(parsed)) return { file: { ...EMPTY_KEEPALIVE, ...parsed }, setAside: null };
  } catch {
    // fall through: damaged
  }
  const aside = `${path}.damaged-${Date.now()}`;
  await rename(path, aside);
  return { file: { ...EMPTY_KEEPALIVE }, setAside: aside };
}

export async function writeKeepAliveFile(dir: string, file: KeepAliveFile): Promise<void> {
  await ensureDir(dir);
  await writeFileAtomic(dir, KEEPALIVE_FILE, JSON.stringify(file, null, 2));
}
