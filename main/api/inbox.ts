// Incoming messages per phone, in an append-only JSON-lines file each, so a bot that was down
// catches up with GET /v1/phones/{id}/inbox?after=<cursor>. The cursor is the entry's number
// (1, 2, 3…) in its phone's inbox: plain, increasing, and stable across restarts and pruning.
// Entries older than the keep period (counted from when the keeper received them) are pruned,
// so an always-on machine does not grow the files without bound; nothing younger is ever dropped.
import { appendFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from '../engine/messaging/types.js';
import { INBOX_KEEP_DAYS } from '../settings/schema.js';
import { readJsonLines } from './event-journal.js';
import { replaceFileSync } from './replace-file.js';

const DAY = 24 * 60 * 60 * 1000;
const FILE_SUFFIX = '.jsonl';

export interface InboxEntry {
  cursor: string;
  eventId: string;
  receivedAt: number;
  message: IncomingMessage;
}

/** The first line of a pruned file: the cursors up to here were given out, so none is given twice. */
interface PrunedMark {
  prunedThrough: number;
}

interface PhoneInbox {
  entries: InboxEntry[];
  /** the highest cursor ever given on this phone (pruned ones included) */
  last: number;
}

export interface InboxOptions {
  /** entries received longer ago than this are pruned */
  keepDays?: number;
  now?: () => number;
}

export class Inbox {
  private readonly phones = new Map<string, PhoneInbox>();
  private readonly keepMs: number;
  private readonly now: () => number;

  constructor(
    private readonly dir: string,
    opts: InboxOptions = {},
  ) {
    this.keepMs = (opts.keepDays ?? INBOX_KEEP_DAYS.default) * DAY;
    this.now = opts.now ?? Date.now;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private file(phoneId: string): string {
    return join(this.dir, `${phoneId}${FILE_SUFFIX}`);
  }

  private load(phoneId: string): PhoneInbox {
    let inbox = this.phones.get(phoneId);
    if (!inbox) {
      inbox = { entries: [], last: 0 };
      for (const line of readJsonLines<InboxEntry | PrunedMark>(this.file(phoneId))) {
        if ('cursor' in line) {
          inbox.entries.push(line);
          inbox.last = Math.max(inbox.last, Number(line.cursor));
        } else if (typeof line.prunedThrough === 'number') inbox.last = Math.max(inbox.last, line.prunedThrough);
      }
      this.phones.set(phoneId, inbox);
    }
    return inbox;
  }

  /** The cursor the next message of this phone will get. */
  nextCursor(phoneId: string): string {
    return String(this.load(phoneId).last + 1);
  }

  /** Writes the entry down (synchronously: it is on disk before any event announces it). */
  append(entry: InboxEntry): void {
    const inbox = this.load(entry.message.phoneId);
    appendFileSync(this.file(entry.message.phoneId), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    inbox.entries.push(entry);
    inbox.last = Math.max(inbox.last, Number(entry.cursor));
  }

  /**
   * Up to `limit` entries after `after` (absent: from the oldest kept), the cursor to ask with
   * next, and whether messages right after `after` were pruned before the bot read them (cursors
   * are given without gaps, so a first kept cursor beyond `after + 1` means some are gone).
   */
  page(phoneId: string, after: string | undefined, limit: number): { messages: InboxEntry[]; next: string; missed: boolean } {
    const { entries, last } = this.load(phoneId);
    const from = after === undefined ? 0 : Number(after);
    const start = entries.findIndex((e) => Number(e.cursor) > from);
    const messages = start < 0 ? [] : entries.slice(start, start + limit);
    const newest = messages[messages.length - 1];
    const firstAfter = messages[0] ? Number(messages[0].cursor) : last + 1;
    const missed = after !== undefined && firstAfter > from + 1;
    return { messages, next: newest ? newest.cursor : String(after === undefined ? last : Math.min(from, last)), missed };
  }

  /**
   * Drops, on every phone with an inbox file, the entries received before the keep period; a
   * file is rewritten (atomically: a crash leaves the old or the new) only when it had some.
   */
  prune(): void {
    const from = this.now() - this.keepMs;
    const phoneIds = readdirSync(this.dir)
      .filter((f) => f.endsWith(FILE_SUFFIX))
      .map((f) => f.slice(0, -FILE_SUFFIX.length));
    for (const phoneId of phoneIds) {
      const inbox = this.load(phoneId);
      const kept = inbox.entries.filter((e) => e.receivedAt >= from);
      if (kept.length === inbox.entries.length) continue;
      const mark: PrunedMark = { prunedThrough: inbox.last };
      replaceFileSync(this.file(phoneId), [mark, ...kept].map((l) => `${JSON.stringify(l)}\n`).join(''));
      inbox.entries = kept;
    }
  }
}
