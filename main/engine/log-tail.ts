// The newest log entries kept in memory for the window, and the query that filters them.
import type { LogEntry, LogLevel } from './types.js';

export interface TailQuery {
  /** a phone id, or null for app-wide entries only; omitted = everything */
  phoneId?: string | null;
  /** minimum severity: 'warn' returns warn and error */
  level?: LogLevel;
  /** at most this many of the newest matches */
  limit?: number;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export class LogTail {
  private readonly entries: LogEntry[] = [];

  constructor(private readonly size: number) {}

  push(entry: LogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.size) this.entries.splice(0, this.entries.length - this.size);
  }

  /** The newest entries matching the query, oldest first. */
  query(query: TailQuery = {}): LogEntry[] {
    const minRank = query.level === undefined ? 0 : LEVEL_RANK[query.level];
    const matches = this.entries.filter(
      (e) => (query.phoneId === undefined || e.phoneId === query.phoneId) && LEVEL_RANK[e.level] >= minRank,
    );
    const limit = query.limit === undefined ? matches.length : Math.max(0, Math.floor(query.limit));
    return limit === 0 ? [] : matches.slice(-limit);
  }
}
