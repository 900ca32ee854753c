// The engine's event log: every entry is redacted, kept in the in-memory tail for the window and
// written as a JSON line to one file per phone (app-wide entries to app.jsonl) under <data>/logs.
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from './clock.js';
import { redactLogData, redactLogText } from './log-redaction.js';
import { LogTail, type TailQuery } from './log-tail.js';
import { RotatingJsonlFile } from './rotating-jsonl-file.js';
import type { LogEntry } from './types.js';

export type { TailQuery } from './log-tail.js';

export interface EventLogOptions {
  /** logs go to `${dataDir}/logs/` */
  dataDir: string;
  /** rotate a file before it would grow past this (default 1 MiB) */
  maxFileBytes?: number;
  /** rotated files kept per log: x.jsonl.1 … .N (default 3) */
  keepRotated?: number;
  /** entries kept in memory across all phones (default 1,000) */
  tailSize?: number;
  /** stamps the entry that reports a failed write */
  clock?: Clock;
  /**
   * How each write to a log file ended (err null: lines landed), so a disk that refuses the log
   * shows on the phones it belongs to (null: the app-wide log). The lines themselves are dropped.
   */
  onWrite?: (phoneId: string | null, path: string, err: unknown) => void;
}

/** Phone ids are folder-safe already; anything else is made safe rather than trusted in a path. */
function fileNameFor(phoneId: string | null): string {
  return phoneId === null ? 'app.jsonl' : `${phoneId.replace(/[^A-Za-z0-9_-]/g, '_') || '_'}.jsonl`;
}

export class EventLog {
  private readonly dir: string;
  private readonly maxFileBytes: number;
  private readonly keepRotated: number;
  private readonly tailEntries: LogTail;
  private readonly clock: Clock;
  private readonly files = new Map<string, RotatingJsonlFile>();
  private dirReady: Promise<void> | null = null;
  private closed = false;
  private lastReportedWriteError: string | null = null;
  private readonly onWrite: NonNullable<EventLogOptions['onWrite']>;

  constructor(options: EventLogOptions) {
    this.dir = join(options.dataDir, 'logs');
    this.maxFileBytes = Math.max(256, options.maxFileBytes ?? 1024 * 1024);
    this.keepRotated = Math.max(0, Math.floor(options.keepRotated ?? 3));
    this.tailEntries = new LogTail(Math.max(1, Math.floor(options.tailSize ?? 1000)));
    this.clock = options.clock ?? systemClock;
    this.onWrite = options.onWrite ?? (() => {});
  }

  /**
   * Records an entry: redacted, kept in the tail, queued for disk.
   * Never throws and never waits; returns the entry as stored.
   */
  append(entry: LogEntry): LogEntry {
    const stored: LogEntry = {
      at: entry.at,
      phoneId: entry.phoneId,
      level: entry.level,
      event: entry.event,
      message: redactLogText(String(entry.message)),
    };
    if (entry.data !== undefined) stored.data = redactLogData(entry.data);
    Object.freeze(stored);
    this.tailEntries.push(stored);
    if (!this.closed) this.fileFor(stored.phoneId).push(`${JSON.stringify(stored)}\n`);
    return stored;
  }

  /** The newest in-memory entries matching the query, oldest first. */
  tail(query: TailQuery = {}): LogEntry[] {
    return this.tailEntries.query(query);
  }

  /** Writes what is queued and stops writing; later entries still reach the tail. */
  async close(): Promise<void> {
    this.closed = true;
    // Loop: a failed write reported into the tail while we waited is part of "so far" too.
    for (;;) {
      const busy = [...this.files.values()].filter((f) => f.busy);
      if (busy.length === 0) return;
      await Promise.all(busy.map((f) => f.idle()));
    }
  }

  private fileFor(phoneId: string | null): RotatingJsonlFile {
    const path = join(this.dir, fileNameFor(phoneId));
    let file = this.files.get(path);
    if (!file) {
      file = new RotatingJsonlFile(
        path,
        this.maxFileBytes,
        this.keepRotated,
        () => this.ensureDir(),
        (err, dropped) => {
          this.reportWriteError(err, dropped, phoneId);
          this.onWrite(phoneId, path, err);
        },
        () => this.onWrite(phoneId, path, null),
      );
      this.files.set(path, file);
    }
    return file;
  }

  /**
   * A disk that refuses the log (full, folder gone) shows in the window's log instead: one
   * memory-only entry per distinct error, so a lasting failure does not flood the tail.
   */
  private reportWriteError(err: unknown, droppedLines: number, phoneId: string | null): void {
    const message = err instanceof Error ? err.message : String(err);
    if (message === this.lastReportedWriteError) return;
    this.lastReportedWriteError = message;
    this.tailEntries.push(
      Object.freeze({
        at: this.clock.now(),
        phoneId,
        level: 'warn',
        event: 'log.write-failed',
        message: `The log file could not be written (${droppedLines} line(s) lost): ${redactLogText(message)}`,
        data: { droppedLines },
      } satisfies LogEntry),
    );
  }

  private ensureDir(): Promise<void> {
    this.dirReady ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      // mkdir's mode does not apply to a folder that already existed.
      if (process.platform !== 'win32') await chmod(this.dir, 0o700);
    })().catch((err: unknown) => {
      this.dirReady = null; // try again on the next write
      throw err;
    });
    return this.dirReady;
  }
}
