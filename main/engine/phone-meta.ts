// The keeper's own memory of a phone, next to (not inside) its Baileys session folder so the
// session folder stays byte-compatible with Baileys. Written atomically; a damaged file is set
// aside and reported rather than trusted.
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir, isNotFound, writeFileAtomic } from './auth-store/atomic-fs.js';

export interface PhoneMeta {
  version: 1;
  /** first `open` after a scan */
  pairedAt: number | null;
  /** the linked device's jid, for display */
  me: string | null;
  lastOpenAt: number | null;
  lastCloseAt: number | null;
  /** when the primary phone was last seen (absent in files written before this field existed) */
  phoneLastSeenAt: number | null;
}

export const EMPTY_META: PhoneMeta = Object.freeze({
  version: 1,
  pairedAt: null,
  me: null,
  lastOpenAt: null,
  lastCloseAt: null,
  phoneLastSeenAt: null,
}) as PhoneMeta;

const FILE = 'meta.json';

function isMeta(value: unknown): value is PhoneMeta {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const numOrNull = (x: unknown) => x === null || (typeof x === 'number' && Number.isFinite(x));
  return (
    v.version === 1 &&
    numOrNull(v.pairedAt) &&
    (v.me === null || typeof v.me === 'string') &&
    numOrNull(v.lastOpenAt) &&
    numOrNull(v.lastCloseAt) &&
    (v.phoneLastSeenAt === undefined || numOrNull(v.phoneLastSeenAt))
  );
}

export async function readPhoneMeta(dir: string): Promise<{ meta: PhoneMeta; setAside: string | null }> {
  const path = join(dir, FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return { meta: { ...EMPTY_META }, setAside: null };
    throw err;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (isMeta(parsed)) return { meta: { ...EMPTY_META, ...parsed }, setAside: null };
  } catch {
    // fall through: damaged
  }
  const aside = `${path}.damaged-${Date.now()}`;
  await rename(path, aside);
  return { meta: { ...EMPTY_META }, setAside: aside };
}

export async function writePhoneMeta(dir: string, meta: PhoneMeta): Promise<void> {
  await ensureDir(dir);
  await writeFileAtomic(dir, FILE, JSON.stringify(meta, null, 2));
}
