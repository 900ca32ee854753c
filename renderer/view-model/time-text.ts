// Durations and relative times in the few words a status card has room for. Pure: `now` is
// always passed in, so the tests and the ticking window agree on what "5 min ago" means.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h" — two units at most, rounded down. */
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

/** "in 3 h 5 min", "5 min ago", "just now", or `never` when there is no time. */
export function relativeText(at: number | null, now: number, never = 'never'): string {
  if (at === null) return never;
  const delta = at - now;
  if (Math.abs(delta) < 5 * SECOND) return 'just now';
  return delta > 0 ? `in ${durationText(delta)}` : `${durationText(-delta)} ago`;
}

/** "1:05" — minutes and seconds left, never negative. */
export function countdownText(msLeft: number): string {
  const s = Math.max(0, Math.ceil(msLeft / SECOND));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A fixed, locale-free absolute time for tooltips and copied log lines: "2026-11-27 12:00:05". */
export function isoText(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
