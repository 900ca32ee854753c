// Every duration and time a person reads — tray, notifications, window, headless terminal — is
// worded here, so "3 h 5 min" means the same everywhere. Pure: `now` is always passed in.
// The session age keeps the engine's "12d 4h": it is the number users grep for in the keep-alive
// log line (main/engine/session-age.ts, which must stay byte-stable), so the two never differ.
import { formatSessionAge } from '../engine/session-age.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h" — two units at most, rounded down; units a screen reader says right. */
export function durationText(ms: number): string {
  const safe = Number.isFinite(ms) && ms > 0 ? ms : 0;
  if (safe < MINUTE) return `${Math.floor(safe / SECOND)} s`;
  if (safe < HOUR) return `${Math.floor(safe / MINUTE)} min`;
  if (safe < DAY) {
    const h = Math.floor(safe / HOUR);
    const m = Math.floor((safe - h * HOUR) / MINUTE);
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  const d = Math.floor(safe / DAY);
  const h = Math.floor((safe - d * DAY) / HOUR);
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

/** The age of a pairing: "12d 4h", exactly as the engine's keep-alive log line says it. */
export function ageText(ms: number): string {
  return formatSessionAge(ms);
}

/** "in 3 h 5 min", "5 min ago", "just now", or `never` when there is no time. */
export function relativeText(at: number | null, now: number, never = 'never'): string {
  if (at === null) return never;
  const delta = at - now;
  if (Math.abs(delta) < 5 * SECOND) return 'just now';
  return delta > 0 ? `in ${durationText(delta)}` : `${durationText(-delta)} ago`;
}

/** When something planned happens: "in 3 h 5 min", or "now" once it is due or overdue. */
export function untilText(at: number | null, now: number, never = 'not planned'): string {
  if (at === null) return never;
  return at - now < 5 * SECOND ? 'now' : `in ${durationText(at - now)}`;
}

/** "1:05" — minutes and seconds left, never negative. */
export function countdownText(msLeft: number): string {
  const s = Math.max(0, Math.ceil(msLeft / SECOND));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A fixed, locale-free local date: "2026-11-30". */
export function dateText(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A fixed, locale-free local time for tooltips and copied log lines: "2026-11-27 12:00:05". */
export function isoText(at: number): string {
  const d = new Date(at);
  return `${dateText(at)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The headless terminal's UTC time, same width everywhere: "2026-11-27 12:00:05". */
export function utcText(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').slice(0, 19);
}
