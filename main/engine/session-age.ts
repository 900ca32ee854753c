// Formats the two log lines users already grep for in the original bot's logs, so the
// wording must stay byte-for-byte stable (always plural, no localisation).

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** Whole days and whole hours in `ms`; negative or non-finite input counts as 0. */
function splitDaysHours(ms: number): { days: number; hours: number } {
  const safe = Number.isFinite(ms) && ms > 0 ? ms : 0;
  const days = Math.floor(safe / DAY_MS);
  const hours = Math.floor((safe - days * DAY_MS) / HOUR_MS);
  return { days, hours };
}

/** "X days, X hours" — the duration of one connection. */
export function formatSessionDuration(ms: number): string {
  const { days, hours } = splitDaysHours(ms);
  return `${days} days, ${hours} hours`;
}

/** "Xd Xh" — the age of the pairing. */
export function formatSessionAge(ms: number): string {
  const { days, hours } = splitDaysHours(ms);
  return `${days}d ${hours}h`;
}

/** Logged on every disconnect: how long the connection that just closed was open. */
export function sessionDurationLine(connectionMs: number): string {
  return `⏱️ Session duration: ${formatSessionDuration(connectionMs)}`;
}

/** Logged on every keep-alive the engine sends. */
export function keepAliveLine(sessionAgeMs: number): string {
  return `💚 Session keep-alive sent (Session age: ${formatSessionAge(sessionAgeMs)})`;
}
