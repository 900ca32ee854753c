// One phone's outbound journal: an append-only JSON-lines file (0600, in a 0700 folder) whose
// every append is fsynced before it resolves, so a line the queue waited for survives SIGKILL and
// a power cut. Replaced whole (temp + rename) when compacted; a torn last line (a crash mid-append)
// is skipped on read.
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir, FILE_MODE, fsyncDir, isNotFound, readText, writeFileAtomic } from '../auth-store/atomic-fs.js';

export const JOURNAL_FILE = 'outbound.jsonl';

interface Pending {
  kind: 'line' | 'rewrite';
  data: string;
  done: (err: unknown) => void;
}

export class OutboundJournal {
  private handle: FileHandle | null = null;
  private pending: Pending[] = [];
  private writing: Promise<void> | null = null;
  /** the file's text as read() found it, while nothing was written since; null: unknown */
  private asRead: string | null = null;

  constructor(readonly dir: string) {}

  get path(): string {
    return join(this.dir, JOURNAL_FILE);
  }

  /** Every whole line as parsed JSON, oldest first, and how many lines were unreadable. */
  async read(): Promise<{ entries: unknown[]; unreadable: number }> {
    let text: string;
    try {
      text = await readText(this.path);
    } catch (err) {
      if (isNotFound(err)) {
        this.asRead = '';
        return { entries: [], unreadable: 0 };
      }
      throw err;
    }
    this.asRead = text;
    const entries: unknown[] = [];
    let unreadable = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line));
      } catch {
        unreadable++;
      }
    }
    return { entries, unreadable };
  }

  /**
   * Replaces the file with exactly these entries (atomic: the old file or the new one, never a
   * mix). Queued behind the appends asked for before it, so none of them is lost to the swap.
   */
  rewrite(entries: readonly unknown[]): Promise<void> {
    return this.enqueue({ kind: 'rewrite', data: entries.map((e) => `${JSON.stringify(e)}\n`).join('') });
  }

  /** Resolves once the entry is on disk (fsynced); appends made while one is written share its fsync. */
  append(entry: unknown): Promise<void> {
    return this.enqueue({ kind: 'line', data: `${JSON.stringify(entry)}\n` });
  }

  async close(): Promise<void> {
    while (this.writing) await this.writing;
    await this.closeHandle();
  }

  private enqueue(op: Omit<Pending, 'done'>): Promise<void> {
    // a start compacts every journal: one already exactly so (most often empty) costs no write
    if (op.kind === 'rewrite' && this.pending.length === 0 && !this.writing && op.data === this.asRead) {
      return op.data === '' ? Promise.resolve() : fsyncDir(this.dir);
    }
    this.asRead = null;
    return new Promise((resolve, reject) => {
      this.pending.push({ ...op, done: (err) => (err ? reject(err as Error) : resolve()) });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const head = this.pending[0];
        if (head?.kind === 'rewrite') {
          this.pending.shift();
          try {
            await this.closeHandle();
            await ensureDir(this.dir);
            await writeFileAtomic(this.dir, JOURNAL_FILE, head.data);
            head.done(null);
          } catch (err) {
            head.done(err);
          }
          continue;
        }
        const end = this.pending.findIndex((p) => p.kind === 'rewrite');
        const batch = this.pending.splice(0, end === -1 ? this.pending.length : end);
        try {
          if (!this.handle) {
            await ensureDir(this.dir);
            this.handle = await open(this.path, 'a', FILE_MODE);
          }
          await this.handle.write(batch.map((b) => b.data).join(''));
          await this.handle.datasync();
          for (const b of batch) b.done(null);
        } catch (err) {
          await this.closeHandle().catch(() => {});
          for (const b of batch) b.done(err);
        }
      }
    } finally {
      this.writing = null;
    }
  }

  private async closeHandle(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    await h?.close();
  }
}
