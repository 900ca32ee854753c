// All-or-nothing key batches. A batch is first written whole to one journal file (fsynced,
// checksummed); only then are the key files touched. A crash before the journal is complete
// means the batch never happened; a crash after it means the batch is replayed at open.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CREDS_FILE } from './codec.js';
import { fsyncDir, isNotFound, readText, unlinkIfExists, writeFileAtomic, writeFilesAtomic } from './atomic-fs.js';

/** Starts with a dot so Baileys, which only reads `${type}-${id}.json`, never trips over it. */
export const JOURNAL_FILE = '.journal.json';
const VERSION = 1;

/** [file name, serialized value] or [file name, null] for a deletion. */
export type JournalEntry = readonly [string, string | null];

export type JournalRecovery = 'none' | 'replayed' | 'discarded';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function encodeJournal(entries: readonly JournalEntry[]): string {
  const body = JSON.stringify(entries);
  return JSON.stringify({ v: VERSION, sha256: sha256(body), body });
}

function isPlainKeyFile(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.endsWith('.json') &&
    name !== CREDS_FILE &&
    !name.startsWith('.') &&
    !/[/\\\0]/.test(name)
  );
}

/** Parses and verifies a journal; anything less than a complete, checksummed batch is torn. */
export function decodeJournal(text: string): { ok: true; entries: JournalEntry[] } | { ok: false; detail: string } {
  let outer: unknown;
  try {
    outer = JSON.parse(text);
  } catch {
    return { ok: false, detail: `journal (${text.length} bytes) does not parse` };
  }
  const o = outer as { v?: unknown; sha256?: unknown; body?: unknown } | null;
  if (typeof o !== 'object' || o === null || o.v !== VERSION || typeof o.body !== 'string' || typeof o.sha256 !== 'string') {
    return { ok: false, detail: 'journal has an unknown shape' };
  }
  if (sha256(o.body) !== o.sha256) return { ok: false, detail: 'journal checksum mismatch' };
  const entries = JSON.parse(o.body) as unknown;
  if (
    !Array.isArray(entries) ||
    !entries.every(
      (e) => Array.isArray(e) && e.length === 2 && isPlainKeyFile(e[0]) && (e[1] === null || typeof e[1] === 'string'),
    )
  ) {
    return { ok: false, detail: 'journal entries are malformed' };
  }
  return { ok: true, entries: entries as JournalEntry[] };
}

/** Make the key files match the batch. Idempotent, so replaying twice is harmless. */
async function applyEntries(dir: string, entries: readonly JournalEntry[]): Promise<void> {
  const writes: Array<readonly [string, string]> = [];
  for (const [name, data] of entries) {
    if (data === null) await unlinkIfExists(join(dir, name));
    else writes.push([name, data]);
  }
  if (writes.length > 0) await writeFilesAtomic(dir, writes);
  else await fsyncDir(dir);
}

async function removeJournal(dir: string): Promise<void> {
  // Fsync the removal so a power cut cannot bring back an already-applied batch.
  if (await unlinkIfExists(join(dir, JOURNAL_FILE))) await fsyncDir(dir);
}

export async function commitBatch(dir: string, entries: readonly JournalEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await writeFileAtomic(dir, JOURNAL_FILE, encodeJournal(entries));
  await applyEntries(dir, entries);
  await removeJournal(dir);
}

/** At open: finish a committed batch or forget an uncommitted one. */
export async function recoverJournal(dir: string): Promise<{ outcome: JournalRecovery; detail: string | null }> {
  let text: string;
  try {
    text = await readText(join(dir, JOURNAL_FILE));
  } catch (err) {
    if (isNotFound(err)) return { outcome: 'none', detail: null };
    throw err;
  }
  const decoded = decodeJournal(text);
  if (decoded.ok) {
    await applyEntries(dir, decoded.entries);
    await removeJournal(dir);
    return { outcome: 'replayed', detail: `${decoded.entries.length} entries` };
  }
  await removeJournal(dir);
  return { outcome: 'discarded', detail: decoded.detail };
}
