// Every API event gets its id here and is written to an append-only file before anyone hears of
// it: ids keep increasing across restarts (webhook receivers de-duplicate on them) and an SSE
// client that comes back with Last-Event-ID, even after a restart, gets what it missed.
// Writes are synchronous on purpose: an event the webhook outbox takes must already be on disk.
import { EventEmitter } from 'node:events';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEvent, ApiEventData, ApiEventType } from './schemas.js';
import { replaceFileSync } from './replace-file.js';

export const EVENTS_FILE = 'events.jsonl';

export interface EventJournalOptions {
  dir: string;
  /** events kept for resuming (in memory and in the file after a compaction) */
  keep?: number;
  now?: () => number;
}

export class EventJournal extends EventEmitter<{ event: [ApiEvent] }> {
  private readonly path: string;
  private readonly keep: number;
  private readonly now: () => number;
  private recent: ApiEvent[] = [];
  private seq = 0;
  private linesInFile = 0;

  constructor(opts: EventJournalOptions) {
    super();
    this.keep = opts.keep ?? 1000;
    this.now = opts.now ?? Date.now;
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    this.path = join(opts.dir, EVENTS_FILE);
    for (const e of readJsonLines<ApiEvent>(this.path)) {
      this.seq = Math.max(this.seq, Number(e.id) || 0);
      this.recent.push(e);
      this.linesInFile += 1;
    }
    this.recent = this.recent.slice(-this.keep);
  }

  /** Assigns the next id, writes the event down, then tells listeners. */
  append<T extends ApiEventType>(type: T, phoneId: string, data: ApiEventData<T>): ApiEvent {
    this.seq += 1;
    const event = { id: String(this.seq), at: this.now(), type, phoneId, data } as ApiEvent;
    appendFileSync(this.path, `${JSON.stringify(event)}\n`, { mode: 0o600 });
    this.linesInFile += 1;
    this.recent.push(event);
    if (this.recent.length > this.keep) this.recent.shift();
    if (this.linesInFile > this.keep * 2) this.compact();
    this.emit('event', event);
    return event;
  }

  /**
   * The events after `lastId`, oldest first. `complete` is false when some were already dropped
   * (the client was away longer than the journal keeps): it gets what is left.
   */
  since(lastId: string | null): { events: ApiEvent[]; complete: boolean } {
    if (lastId === null) return { events: [], complete: true };
    const n = Number(lastId);
    if (!Number.isInteger(n) || n < 0) return { events: [...this.recent], complete: false };
    const events = this.recent.filter((e) => Number(e.id) > n);
    const oldest = this.recent[0];
    const complete = n >= this.seq || (oldest !== undefined && Number(oldest.id) <= n + 1);
    return { events, complete };
  }

  lastId(): string {
    return String(this.seq);
  }

  /** Rewrites the file with only the kept events (atomically: a crash leaves the old or the new). */
  private compact(): void {
    replaceFileSync(this.path, this.recent.map((e) => `${JSON.stringify(e)}\n`).join(''));
    this.linesInFile = this.recent.length;
  }
}

/**
 * The whole lines of a JSONL file about to be appended to. A torn last line (a crash mid-write)
 * is skipped and ended, so the next append starts a line of its own.
 */
export function readJsonLines<T>(path: string): T[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  if (text !== '' && !text.endsWith('\n')) appendFileSync(path, '\n');
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // a line cut short by a crash: the event it held was never announced to anyone
    }
  }
  return out;
}
