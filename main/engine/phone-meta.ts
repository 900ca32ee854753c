// The keeper's own memory of a phone, next to (not inside) its Baileys session folder so the
// session folder stays byte-compatible with Baileys. Written atomically; a damaged file is set
// aside and reported rather than trusted.
import { numOrNull, readStateFile, writeStateFile } from './state-file.js';

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
  const { value, setAside } = await readStateFile(dir, FILE, isMeta, EMPTY_META);
  return { meta: value, setAside };
}

export async function writePhoneMeta(dir: string, meta: PhoneMeta): Promise<void> {
  await writeStateFile(dir, FILE, meta);
}
