// The keeper's own memory of a phone, next to (not inside) its Baileys session folder so the
// session folder stays byte-compatible with Baileys. Written atomically; a damaged file is set
// aside and reported rather than trusted.
import { numOrNull, readStateFile, writeStateFile } from './state-file.js';
import type { RemovedDevice, UnlinkCause, UnlinkInfo } from './types.js';

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
  /** why this phone needs a new link; null while linked (absent in older files) */
  unlinked: UnlinkInfo | null;
  /** devices WhatsApp removed, newest last: their backups are refused (absent in older files) */
  removedDevices: RemovedDevice[];
}

export const EMPTY_META: PhoneMeta = Object.freeze({
  version: 1,
  pairedAt: null,
  me: null,
  lastOpenAt: null,
  lastCloseAt: null,
  phoneLastSeenAt: null,
  unlinked: null,
  removedDevices: Object.freeze([]) as unknown as RemovedDevice[],
}) as PhoneMeta;

/** Enough to refuse every backup this phone could hold; the oldest entries go first. */
export const MAX_REMOVED_DEVICES = 50;

const FILE = 'meta.json';

const UNLINK_CAUSES: readonly UnlinkCause[] = ['user-logout', 'server-logout', 'session-unreadable', 'pairing-expired'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isUnlinkInfo(v: unknown): v is UnlinkInfo {
  return (
    isRecord(v) &&
    UNLINK_CAUSES.includes(v.cause as UnlinkCause) &&
    typeof v.at === 'number' &&
    Number.isFinite(v.at) &&
    (v.device === null || typeof v.device === 'string') &&
    (v.byCode === undefined || typeof v.byCode === 'boolean')
  );
}

function isRemovedDevice(v: unknown): v is RemovedDevice {
  return (
    isRecord(v) &&
    typeof v.device === 'string' &&
    typeof v.at === 'number' &&
    Number.isFinite(v.at) &&
    (v.cause === 'user-logout' || v.cause === 'server-logout')
  );
}

function isMeta(value: unknown): value is PhoneMeta {
  if (!isRecord(value)) return false;
  const v = value;
  return (
    v.version === 1 &&
    numOrNull(v.pairedAt) &&
    (v.me === null || typeof v.me === 'string') &&
    numOrNull(v.lastOpenAt) &&
    numOrNull(v.lastCloseAt) &&
    (v.phoneLastSeenAt === undefined || numOrNull(v.phoneLastSeenAt)) &&
    (v.unlinked === undefined || v.unlinked === null || isUnlinkInfo(v.unlinked)) &&
    (v.removedDevices === undefined || (Array.isArray(v.removedDevices) && v.removedDevices.every(isRemovedDevice)))
  );
}

export async function readPhoneMeta(dir: string): Promise<{ meta: PhoneMeta; setAside: string | null }> {
  const { value, setAside } = await readStateFile(dir, FILE, isMeta, EMPTY_META);
  return { meta: { ...value, removedDevices: [...value.removedDevices] }, setAside };
}

export async function writePhoneMeta(dir: string, meta: PhoneMeta): Promise<void> {
  await writeStateFile(dir, FILE, meta);
}

/** The meta with `device` remembered as removed (once; the newest record wins). */
export function withRemovedDevice(meta: PhoneMeta, removed: RemovedDevice): PhoneMeta {
  const others = meta.removedDevices.filter((r) => r.device !== removed.device);
  return { ...meta, removedDevices: [...others, removed].slice(-MAX_REMOVED_DEVICES) };
}

/**
 * Any trace of a link in the meta: a pairing, an open, a removed device, or a need for a new link
 * that a link caused (a first QR that expired unscanned is no link). Logouts reset `pairedAt`,
 * not these.
 */
export function everLinked(meta: Pick<PhoneMeta, 'pairedAt' | 'me' | 'lastOpenAt' | 'unlinked' | 'removedDevices'>): boolean {
  return (
    meta.pairedAt !== null ||
    meta.me !== null ||
    meta.lastOpenAt !== null ||
    meta.removedDevices.length > 0 ||
    (meta.unlinked !== null && meta.unlinked.cause !== 'pairing-expired')
  );
}

/** The record of `device` if WhatsApp removed it. */
export function removedDevice(meta: PhoneMeta, device: string): RemovedDevice | null {
  return meta.removedDevices.find((r) => r.device === device) ?? null;
}
