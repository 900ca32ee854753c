// What a phone's status means to a person: one health level, the words for its state, and the
// next step. Pure and runtime-neutral: the tray, the notifications and the window all use it, so
// they never disagree about whether something is wrong.
import { ageText } from './durations.js';
import type { PhoneState, PhoneStatus, StorageError } from '../engine/types.js';

/** ok: nothing to do · attention: working on it, or a warning · broken: needs the user · paused: the user or the policy paused it */
export type Health = 'ok' | 'attention' | 'broken' | 'paused';

export interface StateText {
  /** a few words, e.g. "Connected", "Rescan needed" */
  title: string;
  /** what the user should do, or null when nothing */
  nextStep: string | null;
}

const SCAN_STEPS = 'On the phone: WhatsApp → Settings → Linked devices → Link a device, then scan the QR code.';

/** A phone never linked shows its first QR: nothing to scan "again", nothing failed. */
const FIRST_LINK_TEXT: StateText = { title: 'Not linked yet', nextStep: SCAN_STEPS };

const STATE_TEXT: Record<PhoneState, StateText> = {
  stopped: { title: 'Stopped', nextStep: 'Reconnect, or show a new QR code to link this phone.' },
  connecting: { title: 'Connecting…', nextStep: null },
  'waiting-for-scan': { title: 'Rescan needed', nextStep: SCAN_STEPS },
  open: { title: 'Connected', nextStep: null },
  reconnecting: { title: 'Reconnecting…', nextStep: null },
  paused: { title: 'Paused', nextStep: 'Reconnecting stopped after repeated failures. Check the network, then press Reconnect.' },
  replaced: { title: 'Used elsewhere', nextStep: 'Another WhatsApp Web client is using this session. Close it, then press Reconnect.' },
  // terminal until the user links again; phone-presenter.ts words the reason from `unlinked`
  'logged-out': { title: 'Needs a new link', nextStep: 'Show a new QR code and scan it with the phone.' },
  banned: { title: 'Banned', nextStep: 'WhatsApp banned this account. Nothing will be retried; contact WhatsApp support.' },
  'temp-banned': { title: 'Temporarily banned', nextStep: 'WhatsApp blocked this account for a while. It will reconnect by itself when the ban ends.' },
  outdated: { title: 'Update needed', nextStep: 'WhatsApp says this client version is outdated. Update Session Keeper.' },
};

const STATE_HEALTH: Record<PhoneState, Health> = {
  stopped: 'paused',
  connecting: 'attention',
  'waiting-for-scan': 'broken',
  open: 'ok',
  reconnecting: 'attention',
  paused: 'paused',
  replaced: 'broken',
  'logged-out': 'broken',
  banned: 'broken',
  'temp-banned': 'broken',
  outdated: 'broken',
};

/** What the state words are read from; a snapshot without `everLinked` counts as linked before (the old words). */
export type StateInput = Pick<PhoneStatus, 'state'> & { everLinked?: boolean };

/** The QR on screen is this phone's first link: the user must act, but nothing was lost. */
export function isFirstLink(s: StateInput): boolean {
  return s.state === 'waiting-for-scan' && s.everLinked === false;
}

export function stateText(s: StateInput): StateText {
  // a first pairing that ran out unused lost no link: it is still "not linked yet", not "needs a new link"
  if (s.state === 'logged-out' && s.everLinked === false) return { ...FIRST_LINK_TEXT, nextStep: STATE_TEXT['logged-out'].nextStep };
  return isFirstLink(s) ? FIRST_LINK_TEXT : STATE_TEXT[s.state];
}

/** What health is read from; `storageError` and `everLinked` may be absent in older callers' snapshots. */
export type HealthInput = Pick<PhoneStatus, 'state' | 'phoneInactive' | 'backupFailing'> & { storageError?: StorageError | null; everLinked?: boolean };

/**
 * A phone's health: its state's, made "attention" by warnings that need the user soon, and
 * "broken" while a write it needs fails (the disk needs the user whatever the connection does).
 */
export function phoneHealth(s: HealthInput): Health {
  if (s.storageError) return 'broken';
  const base = isFirstLink(s) ? 'attention' : STATE_HEALTH[s.state];
  if (base === 'ok' && (s.phoneInactive || s.backupFailing)) return 'attention';
  return base;
}

const ORDER: Record<Health, number> = { ok: 0, paused: 1, attention: 2, broken: 3 };

/** The worst health among phones (no phones: ok). */
export function overallHealth(statuses: ReadonlyArray<HealthInput>): Health {
  let worst: Health = 'ok';
  for (const s of statuses) {
    const h = phoneHealth(s);
    if (ORDER[h] > ORDER[worst]) worst = h;
  }
  return worst;
}

/** What the user can do about a refused write, by the OS reason. */
const STORAGE_NEXT_STEP: Record<string, string> = {
  ENOSPC: 'Free some space on this disk; Session Keeper retries by itself.',
  EDQUOT: 'Your disk quota is used up: free some space; Session Keeper retries by itself.',
  EROFS: 'The disk is read-only: make it writable again; Session Keeper retries by itself.',
  EACCES: 'Session Keeper may not write there: give it write permission on that folder; it retries by itself.',
  EPERM: 'Session Keeper may not write there: give it write permission on that folder; it retries by itself.',
};
const STORAGE_NEXT_STEP_OTHER = 'Check the disk; Session Keeper retries by itself.';

/** "Cannot write to <path>: no space left on device (ENOSPC)." and what to do about it. */
export function storageErrorText(e: StorageError): { sentence: string; nextStep: string } {
  return {
    sentence: `Cannot write to ${e.path}: ${e.reason}${e.code ? ` (${e.code})` : ''}.`,
    nextStep: (e.code !== null ? STORAGE_NEXT_STEP[e.code] : undefined) ?? STORAGE_NEXT_STEP_OTHER,
  };
}

/** True when only scanning a QR code brings this phone back. */
export function needsRescan(s: Pick<PhoneStatus, 'state'>): boolean {
  return s.state === 'waiting-for-scan' || s.state === 'logged-out';
}

type AgeInput = Pick<PhoneStatus, 'pairedAt'> & Partial<Pick<PhoneStatus, 'state'>>;

/**
 * now − pairedAt on the presenter's clock, or null when unpaired or needing a new link (a removed
 * device's old pairing is no session to be old): the one place session age is derived.
 */
export function sessionAgeMs(s: AgeInput, now: number): number | null {
  return s.pairedAt === null || s.state === 'logged-out' ? null : Math.max(0, now - s.pairedAt);
}

/** "12d 4h", or "not linked" */
export function sessionAgeText(s: AgeInput, now: number): string {
  const age = sessionAgeMs(s, now);
  return age === null ? 'not linked' : ageText(age);
}
