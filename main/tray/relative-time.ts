// Short relative times for menus and tooltips ("in 3h 20m", "2d 4h ago"). The tray re-renders
// every minute, so minutes are the finest unit worth showing.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "45m", "3h 20m", "2d 4h"; under a minute is "<1m". */
export function shortDuration(ms: number): string {
  const safe = Number.isFinite(ms) && ms > 0 ? ms : 0;
  if (safe < MINUTE) return '<1m';
  const days = Math.floor(safe / DAY);
  const hours = Math.floor((safe % DAY) / HOUR);
  const minutes = Math.floor((safe % HOUR) / MINUTE);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  return `${minutes}m`;
}

/** "in 3h 20m", or "now" when due or overdue. */
export function untilText(at: number, now: number): string {
  return at <= now ? 'now' : `in ${shortDuration(at - now)}`;
}

/** "2d 4h ago", or "just now". */
export function agoText(at: number, now: number): string {
  return now - at < MINUTE ? 'just now' : `${shortDuration(now - at)} ago`;
}
