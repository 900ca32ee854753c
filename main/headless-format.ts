// Text for the headless runner's terminal: one line per status change and per log entry.
import { utcText } from './presenters/durations.js';
import { presentPhone } from './presenters/phone-presenter.js';
import { countdownText } from './presenters/durations.js';
import { groupedCode } from './presenters/pairing-code-text.js';
import type { LogEntry, PairingCode, PhoneStatus } from './engine/types.js';

/** "[default] open · session age 3d 5h · Connected." — the words and age the tray and window show. */
export function formatStatusLine(s: PhoneStatus, now: number): string {
  const p = presentPhone(s, now);
  const parts = [`[${s.phoneId}] ${s.state}`];
  if (p.sessionAgeMs !== null) parts.push(`session age ${p.sessionAge}`);
  if (s.reconnect.nextAt !== null) parts.push(`next attempt ${utcText(s.reconnect.nextAt)}`);
  // the engine's sentence, unless the phone needs a new link: then why, and what to do
  if (p.unlinkReason === null) parts.push(s.detail);
  // the runner's way to a new code is a typed command, not a button
  else parts.push(p.unlinkReason, s.unlinked?.byCode ? 'Type c and Enter for a new code.' : (p.nextStep ?? ''));
  parts.push(...p.warnings.map((w) => w.short));
  return parts.join(' · ');
}

/** The code to type on the phone, printed instead of a QR code, with where to type it and its time. */
export function formatPairingCode(phoneId: string, code: PairingCode, now: number): string {
  return [
    '',
    `    ${groupedCode(code.code)}`,
    '',
    `[${phoneId}] Type this code on the phone: WhatsApp → Settings → Linked devices → Link a device → Link with phone number instead.`,
    formatCodeCountdown(phoneId, code, now),
  ].join('\n');
}

/** "[default] Code ABCD-EFGH expires in 1:30." */
export function formatCodeCountdown(phoneId: string, code: PairingCode, now: number): string {
  return `[${phoneId}] Code ${groupedCode(code.code)} expires in ${countdownText(code.expiresAt - now)}.`;
}

export function formatLogLine(e: LogEntry): string {
  return `${utcText(e.at)} ${e.level.toUpperCase().padEnd(5)} ${e.phoneId ? `[${e.phoneId}] ` : ''}${e.message}`;
}
