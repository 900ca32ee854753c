// Anti-ban windows and the one gate every outgoing action asks before it touches WhatsApp.
// Windows are local wall-clock times in the configured IANA zone; each daily occurrence is turned
// into a span of real instants, so DST days simply have a shorter or longer window.
import { DateTime, IANAZone } from 'luxon';
import type { Clock } from './clock.js';
import { label, parseHhMm, type KeepAliveSettings, type TimeWindow } from './settings-schema.js';

export type Mode = 'active' | 'reduced' | 'sleep';

export interface WindowInfo {
  kind: 'sleep' | 'reduced';
  start: string;
  end: string;
  /** "01:00–06:00" */
  label: string;
}

export interface ModeAt {
  mode: Mode;
  /** the window that sets this mode; absent when active */
  window?: WindowInfo;
  /** when this mode ends: the window's end, or (active) the next window's start */
  startedAt?: number;
  endsAt?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Span {
  start: number;
  end: number;
}

/**
 * The instant a local wall time occurs on a local date.
 * A time that exists twice (autumn fall-back) resolves to its earlier instance for a window's start
 * and to its later one for a window's end, so a window only ever grows; a time that does not exist
 * (spring-forward gap) resolves to the instant the clock jumps over it.
 */
export function wallTimeToInstant(zoneName: string, ymd: Ymd, minuteOfDay: number, pick: 'earliest' | 'latest'): number {
  const zone = IANAZone.create(zoneName);
  const naive = Date.UTC(ymd.year, ymd.month - 1, ymd.day, 0, minuteOfDay);
  // Offsets in force well before and after: at most one transition sits in between in real zones.
  const offsets = [...new Set([zone.offset(naive - 14 * HOUR), zone.offset(naive + 14 * HOUR)])];
  const valid = offsets.map((o) => naive - o * MINUTE).filter((t) => naive - zone.offset(t) * MINUTE === t);
  if (valid.length > 0) return pick === 'earliest' ? Math.min(...valid) : Math.max(...valid);
  // In a gap: binary-search the transition between the two readings.
  const bounds = offsets.map((o) => naive - o * MINUTE);
  let lo = Math.min(...bounds);
  let hi = Math.max(...bounds);
  const before = zone.offset(lo);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offset(mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

export interface Ymd {
  year: number;
  month: number;
  day: number;
}

function localDate(t: number, zone: string): Ymd {
  const d = DateTime.fromMillis(t, { zone });
  return { year: d.year, month: d.month, day: d.day };
}

function addDays(d: Ymd, n: number): Ymd {
  // calendar arithmetic on a UTC date: Date does it exactly, without luxon's zone machinery
  const x = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: x.getUTCFullYear(), month: x.getUTCMonth() + 1, day: x.getUTCDate() };
}

function minutes(w: TimeWindow): { start: number; end: number } {
  const start = parseHhMm(w.start);
  const end = parseHhMm(w.end);
  if (start === null || end === null || start === end) {
    throw new Error(`Invalid window ${label(w)}: validate settings with parseKeepAliveSettings first`);
  }
  return { start, end };
}

/**
 * Occurrences already worked out: each costs dozens of time-zone look-ups (Intl under luxon),
 * and every status, pulse and send asks about the same few days. Pure, so safe to reuse; bounded.
 */
const occurrences = new Map<string, Span>();
const OCCURRENCES_KEPT = 512;

/** The occurrence of a window that starts on local date `d`. */
function occurrence(w: TimeWindow, d: Ymd, zone: string): Span {
  const key = `${zone}|${w.start}|${w.end}|${d.year}-${d.month}-${d.day}`;
  const known = occurrences.get(key);
  if (known) return known;
  const span = Object.freeze(computeOccurrence(w, d, zone));
  if (occurrences.size >= OCCURRENCES_KEPT) occurrences.clear();
  occurrences.set(key, span);
  return span;
}

function computeOccurrence(w: TimeWindow, d: Ymd, zone: string): Span {
  const m = minutes(w);
  const endDay = m.end < m.start ? addDays(d, 1) : d;
  return {
    start: wallTimeToInstant(zone, d, m.start, 'earliest'),
    end: wallTimeToInstant(zone, endDay, m.end, 'latest'),
  };
}

/** Occurrences that may contain `t` or start soon after it, in start order. */
function occurrencesAround(w: TimeWindow, t: number, zone: string): Span[] {
  const today = localDate(t, zone);
  return [-1, 0, 1, 2].map((k) => occurrence(w, addDays(today, k), zone));
}

function containing(w: TimeWindow, t: number, zone: string): Span | null {
  return occurrencesAround(w, t, zone).find((s) => s.start <= t && t < s.end) ?? null;
}

function nextStart(w: TimeWindow, t: number, zone: string): number {
  const s = occurrencesAround(w, t, zone).find((o) => o.start > t);
  // Unreachable for windows shorter than a day; kept so a bad zone table cannot stall callers.
  return s ? s.start : t + 24 * HOUR;
}

function info(kind: 'sleep' | 'reduced', w: TimeWindow): WindowInfo {
  return { kind, start: w.start, end: w.end, label: label(w) };
}

/** Which anti-ban mode is in force at `nowMs`. Sleep wins over a reduced window on any overlap. */
export function modeAt(nowMs: number, settings: KeepAliveSettings): ModeAt {
  const zone = settings.timeZone;
  const sleep = containing(settings.sleepWindow, nowMs, zone);
  if (sleep) return { mode: 'sleep', window: info('sleep', settings.sleepWindow), startedAt: sleep.start, endsAt: sleep.end };
  const sleepStarts = nextStart(settings.sleepWindow, nowMs, zone);
  for (const w of settings.reducedWindows) {
    const r = containing(w, nowMs, zone);
    if (r) return { mode: 'reduced', window: info('reduced', w), startedAt: r.start, endsAt: Math.min(r.end, sleepStarts) };
  }
  const nextWindow = Math.min(sleepStarts, ...settings.reducedWindows.map((w) => nextStart(w, nowMs, zone)));
  return { mode: 'active', endsAt: nextWindow };
}

/** End of the sleep window in force at `nowMs`, or of the next one. */
export function nextSleepEnd(nowMs: number, settings: KeepAliveSettings): number {
  const zone = settings.timeZone;
  const s = occurrencesAround(settings.sleepWindow, nowMs, zone).find((o) => o.end > nowMs);
  return s ? s.end : nowMs + 24 * HOUR;
}

/** The sleep span containing `t`, if any. */
export function sleepSpanAt(t: number, settings: KeepAliveSettings): Span | null {
  return containing(settings.sleepWindow, t, settings.timeZone);
}

export function formatLocal(t: number, zone: string): string {
  return DateTime.fromMillis(t, { zone }).toFormat('yyyy-MM-dd HH:mm');
}

// ---------------------------------------------------------------------------------------------
// The gate

export type GateAction = 'pulse' | 'manual-pulse' | 'reconnect';
export type Verdict = 'allow' | 'allow-reduced' | 'deny';

export interface GateRequest {
  phoneId: string;
  action: GateAction;
  /** only a manual pulse may be forced through the sleep window */
  force?: boolean;
}

export interface GateDecision {
  verdict: Verdict;
  /** machine-readable cause, for logs and for the scheduler's re-plan */
  code: 'active' | 'reduced' | 'sleep' | 'forced' | 'reconnect-budget';
  /** a sentence a person understands */
  reason: string;
  mode: Mode;
  /** when asking again can succeed (deny only) */
  retryAt?: number;
}

export interface AntiBanGate {
  ask(req: GateRequest): GateDecision;
  /** Count a connection attempt against the phone's rolling-hour budget (call for every attempt made). */
  recordAttempt(phoneId: string, action: 'reconnect'): void;
  /** Attempts counted in the current rolling hour. */
  attemptsInWindow(phoneId: string): number;
  updateSettings(settings: KeepAliveSettings): void;
}

export const RECONNECT_WINDOW_MS = HOUR;

/**
 * Decision table:
 *   action        | sleep                         | reduced        | active
 *   pulse         | deny (retry at sleep end)     | allow-reduced  | allow
 *   manual-pulse  | deny, or allow when forced    | allow-reduced  | allow
 *   reconnect     | budget, then allow-reduced    | budget, then allow-reduced | budget, then allow
 * Reconnects are not held back by sleep: staying offline all night is itself unusual for a linked
 * device; what must not happen at night is a presence pulse. The budget applies at any hour.
 */
export function createAntiBanGate(initial: KeepAliveSettings, clock: Pick<Clock, 'now'>): AntiBanGate {
  let settings = initial;
  const attempts = new Map<string, number[]>();

  function live(phoneId: string, now: number): number[] {
    // Entries "from the future" mean the clock went back: they no longer say anything about the last hour.
    const list = (attempts.get(phoneId) ?? []).filter((t) => t > now - RECONNECT_WINDOW_MS && t <= now);
    attempts.set(phoneId, list);
    return list;
  }

  function modeDecision(m: ModeAt): GateDecision {
    if (m.mode === 'reduced') {
      return { verdict: 'allow-reduced', code: 'reduced', mode: m.mode, reason: `Reduced mode: inside the reduced window ${m.window?.label ?? ''}` };
    }
    return { verdict: 'allow', code: 'active', mode: m.mode, reason: 'Active hours' };
  }

  return {
    ask(req) {
      const now = clock.now();
      const m = modeAt(now, settings);
      const zone = settings.timeZone;
      if (req.action === 'reconnect') {
        const list = live(req.phoneId, now);
        const budget = settings.reconnectBudgetPerHour;
        if (list.length >= budget) {
          const retryAt = Math.min(...list) + RECONNECT_WINDOW_MS;
          return {
            verdict: 'deny',
            code: 'reconnect-budget',
            mode: m.mode,
            retryAt,
            reason: `Reconnect budget spent: ${list.length} connection attempts in the last hour (limit ${budget}); next attempt allowed at ${formatLocal(retryAt, zone)} ${zone}`,
          };
        }
        if (m.mode === 'sleep') {
          return { verdict: 'allow-reduced', code: 'sleep', mode: m.mode, reason: `Reconnect during the sleep window ${m.window?.label ?? ''}: connect quietly, no presence` };
        }
        return modeDecision(m);
      }
      if (m.mode === 'sleep') {
        const end = m.endsAt ?? nextSleepEnd(now, settings);
        const windowText = `the sleep window ${m.window?.label ?? ''} (${zone})`;
        if (req.action === 'manual-pulse' && req.force === true) {
          return { verdict: 'allow', code: 'forced', mode: m.mode, reason: `Forced manual pulse inside ${windowText}` };
        }
        return {
          verdict: 'deny',
          code: 'sleep',
          mode: m.mode,
          retryAt: end,
          reason: `No ${req.action === 'manual-pulse' ? 'manual pulse' : 'pulse'} inside ${windowText}; allowed again at ${formatLocal(end, zone)}${req.action === 'manual-pulse' ? ' (force it to send anyway)' : ''}`,
        };
      }
      return modeDecision(m);
    },
    recordAttempt(phoneId, _action) {
      const now = clock.now();
      live(phoneId, now).push(now);
    },
    attemptsInWindow(phoneId) {
      return live(phoneId, clock.now()).length;
    },
    updateSettings(next) {
      settings = next;
    },
  };
}
