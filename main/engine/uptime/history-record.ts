// What the uptime history keeps per phone: small JSON lines, one per fact the timeline needs.
// Kept apart from the event log (whose rotation would erase a month in a busy week) and short on
// purpose: a month of a healthy phone is a few thousand lines of ~30 bytes.
import { PHONE_STATES, type PhoneState } from '../types.js';

export type HistoryRecord =
  /** the keeper started: whatever came before it (since the last record) is "app not running" */
  | { t: number; k: 'start' }
  /** the keeper stopped cleanly */
  | { t: number; k: 'stop' }
  /** still running: a gap in these beyond HISTORY_STALE_MS is a crash, a sleep or a clock jump */
  | { t: number; k: 'alive' }
  /** the phone's state changed */
  | { t: number; k: 'state'; s: PhoneState }
  /** the connection closed, with WhatsApp's code (null: none given) */
  | { t: number; k: 'drop'; c: number | null }
  /** a keep-alive pulse went out */
  | { t: number; k: 'pulse' }
  /** a backup generation was stored */
  | { t: number; k: 'backup' }
  /** a warning or error was logged for the phone (its event name) */
  | { t: number; k: 'warn'; e: string };

/** How often a running keeper writes `alive`. */
export const HISTORY_HEARTBEAT_MS = 15 * 60_000;
/** Longer than this without a record, the keeper was not running (crash, sleep, clock jump). */
export const HISTORY_STALE_MS = 2 * HISTORY_HEARTBEAT_MS;
/** The most days an uptime report covers: what compaction keeps (a longer window would show forgotten days as no data). */
export const UPTIME_MAX_DAYS = 35;
/** What compaction keeps: a little more than the 30 days shown, so the oldest day is whole. */
export const HISTORY_KEEP_MS = UPTIME_MAX_DAYS * 24 * 3_600_000;

const STATES: ReadonlySet<string> = new Set(PHONE_STATES);

/** One line back into a record; anything damaged or unknown is null (skipped, never fatal). */
export function parseHistoryLine(line: string): HistoryRecord | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  if (typeof r.t !== 'number' || !Number.isFinite(r.t)) return null;
  const t = r.t;
  switch (r.k) {
    case 'start':
    case 'stop':
    case 'alive':
    case 'pulse':
    case 'backup':
      return { t, k: r.k };
    case 'state':
      return typeof r.s === 'string' && STATES.has(r.s) ? { t, k: 'state', s: r.s as PhoneState } : null;
    case 'drop':
      return r.c === null || (typeof r.c === 'number' && Number.isInteger(r.c)) ? { t, k: 'drop', c: r.c } : null;
    case 'warn':
      return typeof r.e === 'string' ? { t, k: 'warn', e: r.e.slice(0, 80) } : null;
    default:
      return null;
  }
}

export function historyLine(r: HistoryRecord): string {
  return `${JSON.stringify(r)}\n`;
}
