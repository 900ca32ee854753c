// Text for the headless runner's terminal: one line per status change and per log entry.
import { utcText } from './presenters/durations.js';
import { presentPhone } from './presenters/phone-presenter.js';
import type { LogEntry, PhoneStatus } from './engine/types.js';

/** "[default] open · session age 3d 5h · Connected." — the words and age the tray and window show. */
export function formatStatusLine(s: PhoneStatus, now: number): string {
  const p = presentPhone(s, now);
  const parts = [`[${s.phoneId}] ${s.state}`];
  if (p.sessionAgeMs !== null) parts.push(`session age ${p.sessionAge}`);
  if (s.reconnect.nextAt !== null) parts.push(`next attempt ${utcText(s.reconnect.nextAt)}`);
  // the engine's sentence, unless the phone needs a new link: then why, and what to do
  if (p.unlinkReason === null) parts.push(s.detail);
  else parts.push(p.unlinkReason, p.nextStep ?? '');
  parts.push(...p.warnings.map((w) => w.short));
  return parts.join(' · ');
}

export function formatLogLine(e: LogEntry): string {
  return `${utcText(e.at)} ${e.level.toUpperCase().padEnd(5)} ${e.phoneId ? `[${e.phoneId}] ` : ''}${e.message}`;
}
