// Text for the headless runner's terminal: one line per status change and per log entry.
import { sessionAgeMs, sessionAgeText } from './presenters/phone-health.js';
import type { LogEntry, PhoneStatus } from './engine/types.js';

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export function formatStatusLine(s: PhoneStatus, now: number): string {
  const parts = [`[${s.phoneId}] ${s.state}`];
  if (sessionAgeMs(s, now) !== null) parts.push(`session age ${sessionAgeText(s, now)}`);
  if (s.reconnect.nextAt !== null) parts.push(`next attempt ${time(s.reconnect.nextAt)}`);
  parts.push(s.detail);
  return parts.join(' · ');
}

export function formatLogLine(e: LogEntry): string {
  return `${time(e.at)} ${e.level.toUpperCase().padEnd(5)} ${e.phoneId ? `[${e.phoneId}] ` : ''}${e.message}`;
}
