// The live log's maths without the DOM: which entries pass the filters (newest first), and which
// rows of a fixed-height list a scroll position shows. The page keeps only those rows in the DOM,
// so 10,000 entries cost the same to draw as 30.
import type { LogEntry, LogLevel } from '../../main/engine/types.js';
import { isoText } from '../../main/presenters/durations.js';

export const LOG_CAPACITY = 10_000;

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface LogFilter {
  /** 'all', 'app' (entries without a phone), or a phone id */
  phone: string;
  /** minimum severity, or 'all' */
  level: LogLevel | 'all';
  /** case-insensitive text in the message, event or phone id; '' matches everything */
  text: string;
  /** one local day (an uptime strip cell clicked): entries from start (inclusive) to end */
  day?: { start: number; end: number; title: string } | null;
}

export const NO_FILTER: LogFilter = { phone: 'all', level: 'all', text: '' };

export function matchesFilter(e: LogEntry, f: LogFilter): boolean {
  if (f.phone === 'app' ? e.phoneId !== null : f.phone !== 'all' && e.phoneId !== f.phone) return false;
  if (f.level !== 'all' && LEVEL_RANK[e.level] < LEVEL_RANK[f.level]) return false;
  if (f.day && (e.at < f.day.start || e.at >= f.day.end)) return false;
  const needle = f.text.trim().toLowerCase();
  if (needle === '') return true;
  return (
    e.message.toLowerCase().includes(needle) ||
    e.event.toLowerCase().includes(needle) ||
    (e.phoneId ?? '').toLowerCase().includes(needle)
  );
}

/** Entries kept oldest first (cheap appends) → the filtered list, newest first. */
export function filterLog(entriesOldestFirst: readonly LogEntry[], f: LogFilter): LogEntry[] {
  const out: LogEntry[] = [];
  for (let i = entriesOldestFirst.length - 1; i >= 0; i--) {
    const e = entriesOldestFirst[i];
    if (e !== undefined && matchesFilter(e, f)) out.push(e);
  }
  return out;
}

/** Appends in place and drops the oldest beyond `capacity`; returns how many were dropped. */
export function appendCapped(entries: LogEntry[], add: readonly LogEntry[], capacity = LOG_CAPACITY): number {
  for (const e of add) entries.push(e);
  const over = entries.length - capacity;
  if (over > 0) entries.splice(0, over);
  return Math.max(0, over);
}

export interface RowWindow {
  /** first row index drawn (inclusive) */
  start: number;
  /** one past the last row drawn */
  end: number;
  /** pixel offset of row `start` from the top of the list */
  offsetTop: number;
  /** height of the spacer that gives the list its full scroll height */
  totalHeight: number;
}

/** The rows a viewport shows at `scrollTop`, plus `overscan` rows either side for smooth scrolling. */
export function visibleRows(opts: { total: number; rowHeight: number; scrollTop: number; viewportHeight: number; overscan?: number }): RowWindow {
  const { total, rowHeight } = opts;
  const overscan = opts.overscan ?? 8;
  const totalHeight = total * rowHeight;
  const maxTop = Math.max(0, totalHeight - opts.viewportHeight);
  const top = Math.min(Math.max(0, opts.scrollTop), maxTop);
  const first = Math.floor(top / rowHeight);
  const shown = Math.ceil(opts.viewportHeight / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + shown + overscan);
  return { start, end, offsetTop: start * rowHeight, totalHeight };
}

/** One line of text per entry, for the clipboard: time, level, phone, event, message. */
export function logLine(e: LogEntry): string {
  return `${isoText(e.at)}  ${e.level.toUpperCase().padEnd(5)}  ${e.phoneId ?? 'app'}  ${e.event}  ${e.message}`;
}

export function logText(entries: readonly LogEntry[]): string {
  return entries.map(logLine).join('\n');
}

/** The phone filter's choices: everything, app-wide entries, then each phone seen or configured. */
export function phoneChoices(phoneIds: Iterable<string>): Array<{ value: string; label: string }> {
  const ids = [...new Set(phoneIds)].sort();
  return [{ value: 'all', label: 'All phones' }, { value: 'app', label: 'App (no phone)' }, ...ids.map((id) => ({ value: id, label: id }))];
}
