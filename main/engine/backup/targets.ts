// Where backup files go. Every target stores opaque, already-encrypted bytes under
// <phoneId>/<generationName>; generation names carry their own time so every target lists
// and prunes the same way, whatever timestamps its storage reports.
import { randomBytes } from 'node:crypto';
import { BackupTargetError } from './errors.js';
import { isPhoneId } from '../phone-id.js';

export interface BackupEntry {
  name: string;
  size: number;
  /** ms since epoch, from the generation name */
  createdAt: number;
}

export interface BackupTarget {
  readonly kind: 'local-folder' | 'supabase';
  /** the bucket, for targets that have one: named in messages a person acts on */
  readonly bucket?: string;
  /** the target holds a key that is admin over more than its own files (a Supabase service-role key) */
  readonly adminKey?: boolean;
  /** Stores a new generation; never overwrites (BackupTargetError 'conflict' if the name exists). */
  put(phoneId: string, generationName: string, bytes: Uint8Array): Promise<void>;
  get(phoneId: string, name: string): Promise<Buffer>;
  /** Generations only (other files are ignored), newest first. */
  list(phoneId: string): Promise<BackupEntry[]>;
  /** Removing a missing generation is not an error: pruning must be repeatable. */
  remove(phoneId: string, name: string): Promise<void>;
}

const GENERATION = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-[0-9a-f]{6}\.skb$/;

/** e.g. `20260101T093000123Z-4f2a9c.skb`: sorts by time, unique thanks to the random tail. */
export function newGenerationName(now: number, random: string = randomBytes(3).toString('hex')): string {
  const iso = new Date(now).toISOString(); // 2026-01-01T09:30:00.123Z
  return `${iso.replace(/[-:.]/g, '')}-${random}.skb`;
}

/** ms since epoch encoded in a generation name, or null for anything else. */
export function parseGenerationName(name: string): number | null {
  const m = GENERATION.exec(name);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m.map(Number) as number[];
  const t = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms!);
  return Number.isNaN(t) ? null : t;
}

export function newestFirst(a: BackupEntry, b: BackupEntry): number {
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

/** Both parts end up in paths and object keys: reject anything that could escape them. */
export function checkNames(phoneId: string, name?: string): void {
  if (!isPhoneId(phoneId)) throw new BackupTargetError('invalid', `not a valid phone id: ${JSON.stringify(phoneId)}`);
  if (name !== undefined && parseGenerationName(name) === null) {
    throw new BackupTargetError('invalid', `not a backup generation name: ${JSON.stringify(name)}`);
  }
}
