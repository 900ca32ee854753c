// Incoming messages per phone, in an append-only JSON-lines file each, so a bot that was down
// catches up with GET /v1/phones/{id}/inbox?after=<cursor>. The cursor is the entry's position
// (1, 2, 3…) in its phone's inbox: plain, increasing, and stable across restarts.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from '../engine/messaging/types.js';
import { readJsonLines } from './event-journal.js';

export interface InboxEntry {
  cursor: string;
  eventId: string;
  receivedAt: number;
  message: IncomingMessage;
}

export class Inbox {
  private readonly entries = new Map<string, InboxEntry[]>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private file(phoneId: string): string {
    return join(this.dir, `${phoneId}.jsonl`);
  }

  private load(phoneId: string): InboxEntry[] {
    let list = this.entries.get(phoneId);
    if (!list) {
      list = readJsonLines<InboxEntry>(this.file(phoneId));
      this.entries.set(phoneId, list);
    }
    return list;
  }

  /** The cursor the next message of this phone will get. */
  nextCursor(phoneId: string): string {
    return String(this.load(phoneId).length + 1);
  }

  /** Writes the entry down (synchronously: it is on disk before any event announces it). */
  append(entry: InboxEntry): void {
    const list = this.load(entry.message.phoneId);
    appendFileSync(this.file(entry.message.phoneId), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    list.push(entry);
  }

  /** Up to `limit` entries after `after` (absent: from the first), and the cursor to ask with next. */
  page(phoneId: string, after: string | undefined, limit: number): { messages: InboxEntry[]; next: string } {
    const list = this.load(phoneId);
    const from = after === undefined ? 0 : Math.min(Number(after), list.length);
    const messages = list.slice(from, from + limit);
    const last = messages[messages.length - 1];
    return { messages, next: last ? last.cursor : String(from) };
  }
}
