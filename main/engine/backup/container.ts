// The plaintext inside a backup: metadata JSON plus length-prefixed files. Every session
// file is small JSON, so one in-memory buffer is simpler and faster than a streaming tar.
//   "SKPK" | u32 metaLen | meta JSON | u32 count | count × (u16 nameLen | name | u32 len | bytes)
import { createHash } from 'node:crypto';
import { BackupError } from './errors.js';

export interface SessionFile {
  name: string;
  bytes: Buffer;
}

export interface BackupMetadata {
  phoneId: string;
  /** ms since epoch of the first open after the scan; null if unknown */
  pairedAt: number | null;
  appVersion: string;
  formatVersion: number;
  /** ms since epoch */
  createdAt: number;
  /** hex sha256, see contentHash() */
  contentHash: string;
  fileCount: number;
}

const MAGIC = Buffer.from('SKPK', 'ascii');
/** the container layout; the envelope around it has its own version */
export const CONTAINER_FORMAT = 1;
const MAX_NAME_BYTES = 255;

/**
 * What one backup may hold, checked when packing (so we never write a backup we would refuse)
 * and before unpacking anything (a 1 KB forged file must not expand into 200,000 fsyncs).
 * A busy Baileys session is a few thousand small JSON files.
 */
export const CONTAINER_LIMITS = { files: 30_000, fileBytes: 16 * 1024 * 1024, totalBytes: 128 * 1024 * 1024 } as const;

// Names Windows cannot create or silently changes: device names (with any extension), reserved
// characters (a:b is an alternate data stream), and a trailing dot or space (dropped by Win32).
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const UNSAFE_CHARS = /[/\\\x00-\x1f<>:"|?*]/;

/** Names that are safe to write inside a restore folder on every OS: one flat level, no tricks. */
export function isSafeFileName(name: string): boolean {
  return (
    name.length > 0 &&
    Buffer.byteLength(name) <= MAX_NAME_BYTES &&
    !name.startsWith('.') &&
    !name.endsWith('.') &&
    !name.endsWith(' ') &&
    !UNSAFE_CHARS.test(name) &&
    !WINDOWS_DEVICE.test(name)
  );
}

function checkLimits(count: number, sizes: Iterable<number>): string | null {
  if (count > CONTAINER_LIMITS.files) return `${count} files, more than the ${CONTAINER_LIMITS.files} a backup may hold`;
  let total = 0;
  for (const size of sizes) {
    if (size > CONTAINER_LIMITS.fileBytes) return `a file of ${size} bytes, more than the ${CONTAINER_LIMITS.fileBytes} allowed`;
    total += size;
    if (total > CONTAINER_LIMITS.totalBytes) return `more than ${CONTAINER_LIMITS.totalBytes} bytes in all`;
  }
  return null;
}

function byName(a: SessionFile, b: SessionFile): number {
  return Buffer.compare(Buffer.from(a.name), Buffer.from(b.name));
}

/**
 * sha256 over the files sorted by name bytes, each as u32 nameLen | name | u32 len | bytes.
 * Independent of read order, locale and timestamps, so an unchanged folder hashes the same.
 */
export function contentHash(files: readonly SessionFile[]): string {
  const hash = createHash('sha256');
  const len = Buffer.alloc(4);
  for (const f of [...files].sort(byName)) {
    const name = Buffer.from(f.name);
    len.writeUInt32BE(name.length);
    hash.update(len).update(name);
    len.writeUInt32BE(f.bytes.length);
    hash.update(len).update(f.bytes);
  }
  return hash.digest('hex');
}

export function packContainer(meta: BackupMetadata, files: readonly SessionFile[]): Buffer {
  const tooBig = checkLimits(files.length, files.map((f) => f.bytes.length));
  if (tooBig) throw new BackupError('source-unreadable', `the session is too large to back up: ${tooBig}`);
  const metaBytes = Buffer.from(JSON.stringify(meta));
  const parts: Buffer[] = [MAGIC, u32(metaBytes.length), metaBytes, u32(files.length)];
  for (const f of [...files].sort(byName)) {
    if (!isSafeFileName(f.name)) throw new RangeError(`unsafe session file name: ${JSON.stringify(f.name)}`);
    const name = Buffer.from(f.name);
    const nameLen = Buffer.alloc(2);
    nameLen.writeUInt16BE(name.length);
    parts.push(nameLen, name, u32(f.bytes.length), f.bytes);
  }
  return Buffer.concat(parts);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function isMetadata(v: unknown): v is BackupMetadata {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  return (
    typeof m.phoneId === 'string' &&
    (m.pairedAt === null || typeof m.pairedAt === 'number') &&
    typeof m.appVersion === 'string' &&
    typeof m.formatVersion === 'number' &&
    typeof m.createdAt === 'number' &&
    typeof m.contentHash === 'string' &&
    typeof m.fileCount === 'number'
  );
}

/** The plaintext passed authentication, so a parse failure here is a bug or a forged key holder. */
export function unpackContainer(buf: Buffer): { meta: BackupMetadata; files: SessionFile[] } {
  const bad = (why: string): never => {
    throw new BackupError('damaged', `the backup's contents are malformed (${why})`);
  };
  let at = 0;
  const take = (n: number): Buffer => {
    if (at + n > buf.length) bad('truncated');
    const out = buf.subarray(at, at + n);
    at += n;
    return out;
  };
  if (!take(4).equals(MAGIC)) bad('wrong inner magic');
  const metaLen = take(4).readUInt32BE();
  let meta: unknown;
  try {
    meta = JSON.parse(take(metaLen).toString('utf8'));
  } catch {
    bad('metadata is not JSON');
  }
  if (!isMetadata(meta)) return bad('metadata has the wrong shape');
  const count = take(4).readUInt32BE();
  const countProblem = checkLimits(count, []);
  if (countProblem) bad(countProblem);
  const files: SessionFile[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (let i = 0; i < count; i++) {
    const nameLen = take(2).readUInt16BE();
    const name = take(nameLen).toString('utf8');
    if (!isSafeFileName(name) || seen.has(name)) bad(`unsafe or repeated file name ${JSON.stringify(name)}`);
    seen.add(name);
    const len = take(4).readUInt32BE();
    total += len;
    const sizeProblem = checkLimits(0, [len]) ?? (total > CONTAINER_LIMITS.totalBytes ? `more than ${CONTAINER_LIMITS.totalBytes} bytes in all` : null);
    if (sizeProblem) bad(sizeProblem);
    files.push({ name, bytes: Buffer.from(take(len)) });
  }
  if (at !== buf.length) bad('trailing bytes');
  if (files.length !== meta.fileCount) bad('file count does not match metadata');
  if (contentHash(files) !== meta.contentHash) bad('content hash does not match metadata');
  return { meta, files };
}
