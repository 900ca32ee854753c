// The decisions of the backup manager as pure functions, so each rule is testable alone.
import type { PhoneState, PhoneStatus, RemovedDevice } from '../types.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** creds.json is rewritten on nearly every message; one backup per burst is plenty. */
export const CREDS_DEBOUNCE_MS = 10 * MINUTE;
export const RETRY_FIRST_MS = MINUTE;
export const RETRY_CAP_MS = HOUR;
/** Access denied or a bad key needs a person; asking again every minute would only spam. */
export const NON_RETRYABLE_DELAY_MS = 12 * HOUR;
/** After this long without a successful upload the shell tells the user. */
export const FAILING_AFTER_MS = 24 * HOUR;

/** 1 min, 2, 4, … capped at 1 h; `attempt` counts failures so far (1 = first failure). */
export function retryDelay(attempt: number): number {
  const n = Math.max(1, Math.floor(attempt));
  return Math.min(RETRY_CAP_MS, RETRY_FIRST_MS * 2 ** Math.min(n - 1, 30));
}

export function isFailing(failingSince: number | null, now: number): boolean {
  return failingSince !== null && now - failingSince >= FAILING_AFTER_MS;
}

const NOT_BACKED_UP: Partial<Record<PhoneState, string>> = {
  'logged-out': 'the phone is logged out, so its session is no longer valid',
  banned: 'the account is banned',
  'waiting-for-scan': 'the phone is not linked yet (waiting for a QR scan)',
};

/** Why this phone's session must not be uploaded now, or null when it may be. */
export function backupBlockReason(status: Pick<PhoneStatus, 'state' | 'quarantinedTo'>): string | null {
  if (status.quarantinedTo !== null) return `the session was quarantined (moved to ${status.quarantinedTo})`;
  return NOT_BACKED_UP[status.state] ?? null;
}

/** What the live session folder holds, as far as restore-at-start cares. */
export type LiveCreds = 'usable' | 'unpaired' | 'missing' | 'unusable';

/**
 * Restore at start only when a paired session was lost (missing or unreadable creds), never
 * when the user is pairing afresh (`unpaired`) or the phone was logged out on purpose
 * (`retired`): reviving a dead session would just be logged out again on every start.
 */
export function shouldRestoreAtStart(live: LiveCreds, retired: boolean): boolean {
  return (live === 'missing' || live === 'unusable') && !retired;
}

/**
 * No session files and never paired here: a fresh install (or a new phone id), not a lost
 * session. With nothing to restore, that is the normal first run, not a warning.
 */
export function neverLinked(live: LiveCreds, pairedAt: number | null): boolean {
  return live === 'missing' && pairedAt === null;
}

/**
 * Why a generation of a device WhatsApp has removed is refused: it can never link again, and
 * swapping it in would only trade "needs a new link" for a failed login.
 */
export function restoreRefusal(removed: RemovedDevice): string {
  const day = new Date(removed.at).toISOString().slice(0, 10);
  const when = removed.cause === 'user-logout' ? `when you logged out on ${day}` : `when it logged this device out on ${day}`;
  return `WhatsApp removed this device ${when}; scan a new QR code to link again.`;
}
