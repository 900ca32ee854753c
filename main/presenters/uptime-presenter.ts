// An uptime report → what a person reads: each day's tone (colour AND pattern in the window, a
// character in the terminal), its sentence ("Tue 24 Nov: open 23 h 40 min, reconnected twice
// (428)"), and the three percentages. Pure and DOM-free: the window, the tray and the headless
// runner all word uptime here, from the engine's plain report.
import type { DownReason, UptimeCell, UptimeReport } from '../engine/uptime/uptime.js';
import { durationText } from './durations.js';

/** ok: open 99.5 % of the day or more; degraded: 90 % or more; outage: less; not-linked: mostly waiting for a link. */
export type UptimeTone = 'ok' | 'degraded' | 'outage' | 'not-linked' | 'none';

export interface UptimeDayView {
  /** the local date, yyyy-MM-dd */
  date: string;
  /** "Tue 24 Nov" */
  title: string;
  tone: UptimeTone;
  /** the accessible name and the hover text: the day in one sentence */
  label: string;
  /** ms since epoch: the local day's bounds (for filtering the log to it) */
  start: number;
  end: number;
  /** something to look at happened: a reconnect, a warning or a new link */
  flagged: boolean;
}

export interface UptimePercent {
  key: 'h24' | 'd7' | 'd30';
  label: string;
  /** "99.7 %", or "no data" */
  text: string;
}

export interface UptimeView {
  phoneId: string;
  timeZone: string;
  days: UptimeDayView[];
  percents: UptimePercent[];
  /** "Uptime 24 h: 100 % · 7 d: 99.9 % · 30 d: 99.1 %" */
  summary: string;
}

export const TONE_CHAR: Record<UptimeTone, string> = { ok: '#', degraded: '+', outage: 'x', 'not-linked': '?', none: '.' };
export const TONE_WORDS: Record<UptimeTone, string> = {
  ok: 'open all day (99.5 % or more)',
  degraded: 'mostly open (90 % or more)',
  outage: 'outage (open less than 90 %)',
  'not-linked': 'not linked (waiting for a scan)',
  none: 'no record',
};
export const STRIP_LEGEND = (Object.keys(TONE_CHAR) as UptimeTone[]).map((t) => `${TONE_CHAR[t]} ${TONE_WORDS[t]}`).join('   ');

const REASON_WORDS: Record<DownReason, string> = {
  'not-running': 'app not running',
  stopped: 'stopped',
  paused: 'paused by the reconnect limit',
  replaced: 'replaced by another session',
  banned: 'banned',
  'temp-banned': 'temporarily banned',
  outdated: 'version outdated',
};

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-11-24" → "Tue 24 Nov" (the date is already local to the report's zone). */
export function dayTitle(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return date;
  const at = new Date(Date.UTC(y, m - 1, d));
  return `${WEEKDAYS[at.getUTCDay()] ?? ''} ${d} ${MONTHS[m - 1] ?? ''}`;
}

/** "99.7 %": rounded down, so a day with any outage never reads 100 %; null → "no data". */
export function percentText(share: number | null): string {
  if (share === null) return 'no data';
  if (share >= 1) return '100 %';
  return `${(Math.floor(share * 1000 + 1e-9) / 10).toFixed(1)} %`;
}

export function toneOf(c: UptimeCell): UptimeTone {
  if (c.uptime === null) return 'none';
  if (c.notLinked > c.open && c.notLinked >= c.reconnecting + c.down) return 'not-linked';
  if (c.uptime >= 0.995) return 'ok';
  return c.uptime >= 0.9 ? 'degraded' : 'outage';
}

function times(n: number): string {
  return n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "Tue 24 Nov: open 23 h 40 min, reconnected twice (428)" — and what else happened that day. */
export function dayLabel(c: UptimeCell, now: number): string {
  const parts: string[] = [];
  if (c.open > 0) parts.push(`open ${durationText(c.open)}`);
  if (c.reconnecting > 0) parts.push(`reconnecting ${durationText(c.reconnecting)}`);
  for (const [reason, ms] of Object.entries(c.downBy) as Array<[DownReason, number]>) if (ms > 0) parts.push(`down ${durationText(ms)} (${REASON_WORDS[reason]})`);
  if (c.notLinked > 0) parts.push(`not linked ${durationText(c.notLinked)}`);
  if (parts.length === 0) parts.push('no record');
  if (c.drops > 0) {
    const codes = c.dropCodes.map((d) => `${d.code ?? 'no code'}${c.dropCodes.length > 1 && d.count > 1 ? ` ×${d.count}` : ''}`);
    parts.push(`reconnected ${times(c.drops)} (${codes.join(', ')})`);
  }
  const marks: string[] = [];
  if (c.rescans > 0) marks.push(count(c.rescans, 'new link asked for', 'new links asked for'));
  if (c.warnings > 0) marks.push(count(c.warnings, 'warning', 'warnings'));
  if (c.pulses > 0) marks.push(count(c.pulses, 'keep-alive', 'keep-alives'));
  if (c.backups > 0) marks.push(count(c.backups, 'backup', 'backups'));
  const today = c.end > now ? ' (today so far)' : '';
  return `${dayTitle(c.date)}${today}: ${parts.join(', ')}${marks.length ? `; ${marks.join(', ')}` : ''}`;
}

const PERCENT_LABELS = { h24: '24 h', d7: '7 d', d30: '30 d' } as const;

export function presentUptime(r: UptimeReport): UptimeView {
  const percents = (['h24', 'd7', 'd30'] as const).map((key) => ({ key, label: PERCENT_LABELS[key], text: percentText(r.percent[key]) }));
  return {
    phoneId: r.phoneId,
    timeZone: r.timeZone,
    days: r.days.map((c) => ({
      date: c.date,
      title: dayTitle(c.date),
      tone: toneOf(c),
      label: dayLabel(c, r.now),
      start: c.start,
      end: c.end,
      flagged: c.drops + c.warnings + c.rescans > 0,
    })),
    percents,
    summary: `Uptime ${percents.map((p) => `${p.label}: ${p.text}`).join(' · ')}`,
  };
}

/** "Uptime 30 d: 99.7 %" — the tray's words. */
export function uptime30Text(share: number | null): string {
  return `Uptime 30 d: ${percentText(share)}`;
}

/** One character per day, oldest first (TONE_CHAR). */
export function uptimeStrip(view: UptimeView): string {
  return view.days.map((d) => TONE_CHAR[d.tone]).join('');
}

/** What `npm run headless -- uptime` prints for one phone. */
export function uptimeReportText(view: UptimeView, label: string): string {
  const first = view.days[0];
  const last = view.days[view.days.length - 1];
  const strip = uptimeStrip(view);
  const ends = first && last ? `${first.title}${' '.repeat(Math.max(1, strip.length - first.title.length - last.title.length))}${last.title}` : '';
  const trouble = view.days.filter((d) => d.tone === 'degraded' || d.tone === 'outage' || d.tone === 'not-linked' || d.flagged);
  return [
    `${label} — uptime over the last ${view.days.length} days (${view.timeZone}), oldest first`,
    strip,
    ends,
    `Legend: ${STRIP_LEGEND}`,
    view.summary,
    ...(trouble.length ? ['Days to look at:', ...trouble.map((d) => `  ${d.label}`)] : ['No outage, reconnect or warning in these days.']),
  ].join('\n');
}
