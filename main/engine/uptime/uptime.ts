// The uptime timeline of one phone, computed from its history records: intervals of open /
// reconnecting / down (by reason) / not linked, the share of time open over 24 h, 7 d and 30 d,
// and one cell per local day (and per hour for the last 24) with what happened in it. Pure: the
// records, `now` and the time zone in, a plain serialisable report out.
import type { PhoneState } from '../types.js';
import { HISTORY_STALE_MS, UPTIME_MAX_DAYS, type HistoryRecord } from './history-record.js';
import { luxon } from '../zone-clock.js';

export type UptimeCondition = 'open' | 'reconnecting' | 'down' | 'not-linked';
/** Why a phone was down; 'not-running' is a gap in the record (app closed, crashed, machine asleep, clock jumped). */
export type DownReason = 'not-running' | 'stopped' | 'paused' | 'replaced' | 'banned' | 'temp-banned' | 'outdated';

export interface UptimeInterval {
  from: number;
  to: number;
  condition: UptimeCondition;
  /** set when condition is 'down' */
  reason: DownReason | null;
}

export interface DropCount {
  /** WhatsApp's close code; null when it gave none */
  code: number | null;
  count: number;
}

export interface UptimeCell {
  /** ms since epoch: the local day's (or hour's) start */
  start: number;
  /** its end: 23 or 25 h after start on a DST day; may lie after `now` for today */
  end: number;
  /** the local date 'yyyy-MM-dd' (hours: 'yyyy-MM-ddTHH:mm') in the report's time zone */
  date: string;
  /** ms in each condition; the cell's time before the first record or after `now` is in none */
  open: number;
  reconnecting: number;
  notLinked: number;
  down: number;
  downBy: Partial<Record<DownReason, number>>;
  /** open / (open + reconnecting + notLinked + down); null when nothing was recorded */
  uptime: number | null;
  /** connections that closed, by code (the reconnects) */
  drops: number;
  dropCodes: DropCount[];
  pulses: number;
  backups: number;
  /** times a new link was asked for (a QR shown) */
  rescans: number;
  warnings: number;
}

export interface UptimeReport {
  phoneId: string;
  timeZone: string;
  now: number;
  /** cells in `days` */
  windowDays: number;
  /** start of the oldest day cell */
  from: number;
  /** share of time open (0…1) over the rolling windows; null when nothing was recorded in one */
  percent: { h24: number | null; d7: number | null; d30: number | null };
  /** from `from` to `now`, oldest first, neighbours of one kind merged */
  intervals: UptimeInterval[];
  /** oldest first; the last one is today */
  days: UptimeCell[];
  /** the last 24 local hours, oldest first; the last one is the current hour */
  hours: UptimeCell[];
}

export interface UptimeOptions {
  now: number;
  /** day cells (default 30, at most UPTIME_MAX_DAYS) */
  days?: number;
  /** IANA zone the days are cut in (the keep-alive time zone); an unknown one falls back to UTC */
  timeZone: string;
}

export { UPTIME_MAX_DAYS };
export const UPTIME_DEFAULT_DAYS = 30;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Condition = Pick<UptimeInterval, 'condition' | 'reason'>;
const NOT_RUNNING: Condition = { condition: 'down', reason: 'not-running' };

const CONDITION_OF: Record<PhoneState, Condition> = {
  open: { condition: 'open', reason: null },
  connecting: { condition: 'reconnecting', reason: null },
  reconnecting: { condition: 'reconnecting', reason: null },
  'waiting-for-scan': { condition: 'not-linked', reason: null },
  'logged-out': { condition: 'not-linked', reason: null },
  stopped: { condition: 'down', reason: 'stopped' },
  paused: { condition: 'down', reason: 'paused' },
  replaced: { condition: 'down', reason: 'replaced' },
  banned: { condition: 'down', reason: 'banned' },
  'temp-banned': { condition: 'down', reason: 'temp-banned' },
  outdated: { condition: 'down', reason: 'outdated' },
};

type Marker = { t: number; kind: 'drop'; code: number | null } | { t: number; kind: 'pulse' | 'backup' | 'rescan' | 'warning' };

/**
 * Walks the records once. Time never runs backwards here: a record stamped before the one above
 * it (the clock was set back) counts at the later time, and one stamped after `now` counts at
 * `now`, so no hour is counted twice. A stretch between two records is "not running" when the
 * keeper stopped or restarted in between, or when it is longer than HISTORY_STALE_MS (a running
 * keeper writes at least every HISTORY_HEARTBEAT_MS): the history cannot tell a crash from a
 * machine asleep or a clock set forward, and none of them kept the session. Nothing before the
 * phone's first `open` in the history counts either (no data): until a first link there was no
 * session to keep, so pairing a new phone does not start it at 0 %.
 */
export function historyTimeline(records: readonly HistoryRecord[], now: number): { intervals: UptimeInterval[]; markers: Marker[] } {
  const intervals: UptimeInterval[] = [];
  const markers: Marker[] = [];
  const push = (from: number, to: number, c: Condition) => {
    if (to <= from) return;
    const last = intervals[intervals.length - 1];
    if (last && last.to === from && last.condition === c.condition && last.reason === c.reason) last.to = to;
    else intervals.push({ from, to, condition: c.condition, reason: c.reason });
  };
  let current: Condition | null = null;
  let state: PhoneState | null = null;
  let linked = false;
  let prevT: number | null = null;
  let prevKind: HistoryRecord['k'] | null = null;
  for (const r of records) {
    const t = Math.min(now, prevT === null ? r.t : Math.max(prevT, r.t));
    if (prevT !== null && current !== null && linked) {
      const gap = prevKind === 'stop' || r.k === 'start' || t - prevT > HISTORY_STALE_MS;
      push(prevT, t, gap ? NOT_RUNNING : current);
    }
    switch (r.k) {
      case 'start':
      case 'stop':
        current = NOT_RUNNING;
        state = null;
        break;
      case 'state':
        if (r.s === 'waiting-for-scan' && state !== 'waiting-for-scan') markers.push({ t, kind: 'rescan' });
        current = CONDITION_OF[r.s];
        state = r.s;
        if (r.s === 'open') linked = true;
        break;
      case 'drop':
        markers.push({ t, kind: 'drop', code: r.c });
        break;
      case 'pulse':
      case 'backup':
        markers.push({ t, kind: r.k });
        break;
      case 'warn':
        markers.push({ t, kind: 'warning' });
        break;
      case 'alive':
        break;
    }
    prevT = t;
    prevKind = r.k;
  }
  if (prevT !== null && current !== null && linked) {
    const gap = prevKind === 'stop' || now - prevT > HISTORY_STALE_MS;
    push(prevT, now, gap ? NOT_RUNNING : current);
  }
  return { intervals, markers };
}

function emptyCell(start: number, end: number, date: string): UptimeCell {
  return { start, end, date, open: 0, reconnecting: 0, notLinked: 0, down: 0, downBy: {}, uptime: null, drops: 0, dropCodes: [], pulses: 0, backups: 0, rescans: 0, warnings: 0 };
}

function fillCell(cell: UptimeCell, intervals: readonly UptimeInterval[], markers: readonly Marker[]): UptimeCell {
  for (const i of intervals) {
    const ms = Math.min(i.to, cell.end) - Math.max(i.from, cell.start);
    if (ms <= 0) continue;
    if (i.condition === 'open') cell.open += ms;
    else if (i.condition === 'reconnecting') cell.reconnecting += ms;
    else if (i.condition === 'not-linked') cell.notLinked += ms;
    else {
      cell.down += ms;
      const reason = i.reason ?? 'stopped';
      cell.downBy[reason] = (cell.downBy[reason] ?? 0) + ms;
    }
  }
  const observed = cell.open + cell.reconnecting + cell.notLinked + cell.down;
  cell.uptime = observed > 0 ? cell.open / observed : null;
  for (const m of markers) {
    if (m.t < cell.start || m.t >= cell.end) continue;
    if (m.kind === 'drop') {
      cell.drops++;
      const same = cell.dropCodes.find((d) => d.code === m.code);
      if (same) same.count++;
      else cell.dropCodes.push({ code: m.code, count: 1 });
    } else if (m.kind === 'pulse') cell.pulses++;
    else if (m.kind === 'backup') cell.backups++;
    else if (m.kind === 'rescan') cell.rescans++;
    else cell.warnings++;
  }
  cell.dropCodes.sort((a, b) => b.count - a.count || (a.code ?? -1) - (b.code ?? -1));
  return cell;
}

/** Share of [from, to) spent open, of the time anything was recorded; null when nothing was. */
export function openShare(intervals: readonly UptimeInterval[], from: number, to: number): number | null {
  let open = 0;
  let observed = 0;
  for (const i of intervals) {
    const ms = Math.min(i.to, to) - Math.max(i.from, from);
    if (ms <= 0) continue;
    observed += ms;
    if (i.condition === 'open') open += ms;
  }
  return observed > 0 ? open / observed : null;
}

function clip(intervals: readonly UptimeInterval[], from: number, to: number): UptimeInterval[] {
  return intervals.filter((i) => i.to > from && i.from < to).map((i) => ({ ...i, from: Math.max(i.from, from), to: Math.min(i.to, to) }));
}

export function computeUptime(phoneId: string, records: readonly HistoryRecord[], opts: UptimeOptions): UptimeReport {
  const now = opts.now;
  const windowDays = Math.min(UPTIME_MAX_DAYS, Math.max(1, Math.floor(opts.days ?? UPTIME_DEFAULT_DAYS)));
  // luxon only when a report is asked for: a keeper at rest never computes one
  const { DateTime } = luxon();
  let local = DateTime.fromMillis(now, { zone: opts.timeZone });
  if (!local.isValid) local = DateTime.fromMillis(now, { zone: 'UTC' });
  const timeZone = local.zoneName ?? 'UTC';
  const { intervals, markers } = historyTimeline(records, now);

  const days: UptimeCell[] = [];
  // calendar arithmetic in the zone: a DST day is 23 or 25 h long, and still one cell
  for (let d = local.startOf('day').minus({ days: windowDays - 1 }); d.toMillis() <= now; d = d.plus({ days: 1 })) {
    days.push(fillCell(emptyCell(d.toMillis(), d.plus({ days: 1 }).toMillis(), d.toISODate() ?? ''), intervals, markers));
  }
  const hours: UptimeCell[] = [];
  for (let h = local.startOf('hour').minus({ hours: 23 }); h.toMillis() <= now; h = h.plus({ hours: 1 })) {
    hours.push(fillCell(emptyCell(h.toMillis(), h.plus({ hours: 1 }).toMillis(), h.toFormat("yyyy-MM-dd'T'HH:mm")), intervals, markers));
  }
  const from = days[0]?.start ?? now;
  return {
    phoneId,
    timeZone,
    now,
    windowDays,
    from,
    percent: { h24: openShare(intervals, now - DAY, now), d7: openShare(intervals, now - 7 * DAY, now), d30: openShare(intervals, now - 30 * DAY, now) },
    intervals: clip(intervals, from, now),
    days,
    hours,
  };
}
