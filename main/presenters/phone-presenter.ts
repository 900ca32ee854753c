// One phone's status → everything a person is shown about it: health, words, next step, warnings,
// session age and which actions are offered (with why not). Tray, notifications, window and
// headless terminal all read this, so they cannot disagree. Pure and runtime-neutral (the
// renderer bundles it): it may import only pure engine modules, never ones that pull in Baileys.
import type { PhoneState, PhoneStatus, UnlinkCause, UnlinkInfo } from '../engine/types.js';
import { dateText, DAY, durationText } from './durations.js';
import { phoneHealth, sessionAgeMs, sessionAgeText, stateText, storageErrorText, type Health } from './phone-health.js';

/**
 * WhatsApp logs a linked device out after the phone has gone unused this long; the engine warns
 * from PHONE_WARN_DAYS. Mirrors main/engine/phone-activity.ts (which imports Baileys, so the page
 * cannot); a test keeps the two equal.
 */
export const PHONE_LOGOUT_DAYS = 14;
export const PHONE_WARN_DAYS = 12;

export const PHONE_ACTIONS = [
  'reconnect',
  'requestQr',
  'importSession',
  'logout',
  'backupNow',
  'keepAliveNow',
  'pauseKeepAlive',
  'resumeKeepAlive',
  'restore',
  'resumeSending',
] as const;
export type PhoneAction = (typeof PHONE_ACTIONS)[number];

export interface ActionState {
  enabled: boolean;
  /** why it is not offered, in words for a tooltip; absent when enabled */
  reason?: string;
}

export type PhoneActions = Record<PhoneAction, ActionState>;

export interface PhoneWarning {
  kind: 'phone-inactive' | 'backup-failing' | 'backup-warning' | 'storage-error' | 'outbound-stopped';
  /** a few words for a tray line: "phone unused 12+ days" */
  short: string;
  /** the full sentence for a card or a notification */
  text: string;
}

export interface PhonePresentation {
  phoneId: string;
  /** the phone's label, or its id */
  name: string;
  health: Health;
  /** the state in a few words: "Connected", "Needs a new link" */
  title: string;
  /** what the user should do; null when nothing */
  nextStep: string | null;
  /** why this state, for every state that is not plainly fine; null otherwise */
  detail: string | null;
  /** set while the phone needs a new link: the reason in plain words */
  unlinkReason: string | null;
  /** now − pairedAt on the caller's clock; null when not linked */
  sessionAgeMs: number | null;
  /** "12d 4h", or "not linked" */
  sessionAge: string;
  /** the phone has a session that can connect (paired or imported, not logged out) */
  linked: boolean;
  warnings: PhoneWarning[];
  actions: PhoneActions;
}

// ---- Why a phone needs a new link -----------------------------------------------------------

const CODE_NEXT_STEP = 'On the phone: WhatsApp → Settings → Linked devices → Link a device → Link with phone number instead, then type the code.';

/** A pairing code asked for and still live: typing it is the step, not scanning. */
function codeShown(s: Pick<PhoneStatus, 'state' | 'pairingCode'>, now: number): boolean {
  return s.state === 'waiting-for-scan' && s.pairingCode != null && s.pairingCode.expiresAt > now;
}

const UNLINK_WORDS: Record<UnlinkCause, { reason: (u: UnlinkInfo) => string; nextStep: string }> = {
  'user-logout': {
    reason: (u) => `You logged out on ${dateText(u.at)}; WhatsApp removed this device.`,
    nextStep: 'Show a new QR code and scan it with the phone. Backups from before the logout cannot link again.',
  },
  'server-logout': {
    reason: (u) => `WhatsApp logged this device out on ${dateText(u.at)}.`,
    nextStep: 'Show a new QR code and scan it with the phone.',
  },
  'session-unreadable': {
    reason: (u) => `The saved session could not be read on ${dateText(u.at)}; its files were moved aside.`,
    nextStep: 'Restore a backup, or show a new QR code and scan it with the phone.',
  },
  'pairing-expired': {
    reason: () => 'The QR code expired before it was scanned.',
    nextStep: 'Show a new QR code and scan it with the phone.',
  },
};

/** A pairing code, not a QR code, ran out: the words say code, and to ask for a new one. */
const CODE_EXPIRED_WORDS = {
  reason: 'The pairing code expired before it was typed on the phone.',
  nextStep: 'Request a new pairing code (or show a QR code) and type it on the phone.',
};

/** The reason a phone needs a new link, in plain words. */
export function unlinkReason(u: UnlinkInfo): string {
  return u.cause === 'pairing-expired' && u.byCode ? CODE_EXPIRED_WORDS.reason : UNLINK_WORDS[u.cause].reason(u);
}

/** What to do about it. */
export function unlinkNextStep(u: UnlinkInfo): string {
  return u.cause === 'pairing-expired' && u.byCode ? CODE_EXPIRED_WORDS.nextStep : UNLINK_WORDS[u.cause].nextStep;
}

// ---- Which actions each state offers --------------------------------------------------------

/** Conditions a cell can require beyond the state; each has the words for when it fails. */
type Condition = 'linked' | 'unlinked' | 'qr-gone' | 'keep-alive-running' | 'keep-alive-paused' | 'sending-stopped';
/** true: offered · a condition: offered when it holds · { no }: refused in this state, with why */
type Cell = true | Condition | { no: string };

const CONDITION_FAILS: Record<Condition, string> = {
  linked: 'This phone is not linked.',
  unlinked: 'This phone is already linked: press Reconnect, or log out first to link another phone.',
  'qr-gone': 'The QR code on screen is still valid: scan it.',
  'keep-alive-running': 'Keep-alive is already paused.',
  'keep-alive-paused': 'Keep-alive is not paused.',
  'sending-stopped': 'Sending is not stopped.',
};

const NOT_CONNECTED = { no: 'Only a connected phone can send a keep-alive.' };
const NEEDS_LINK = { no: 'This phone needs a new link: show a new QR code instead.' };
const SCAN_FIRST = { no: 'Scan the QR code to link this phone first.' };
const BANNED = { no: 'WhatsApp banned this account: nothing will connect.' };
const TEMP_BANNED = { no: 'WhatsApp blocked this account for a while: it reconnects by itself when the ban ends.' };
const CONNECTED = { no: 'This phone is linked and connected: log out first to link another phone.' };

/** Cells that are the same in every state. */
const ANY_STATE = {
  logout: 'linked',
  backupNow: 'linked',
  pauseKeepAlive: 'keep-alive-running',
  resumeKeepAlive: 'keep-alive-paused',
  restore: true,
  // lifting a stop is the person's call in any state: WhatsApp's refusals are about the account
  resumeSending: 'sending-stopped',
} as const satisfies Partial<Record<PhoneAction, Cell>>;

type StateCells = Omit<Record<PhoneAction, Cell>, keyof typeof ANY_STATE>;

const ACTION_TABLE: Record<PhoneState, StateCells> = {
  stopped: { reconnect: true, requestQr: 'unlinked', importSession: 'unlinked', keepAliveNow: NOT_CONNECTED },
  connecting: { reconnect: true, requestQr: 'unlinked', importSession: 'unlinked', keepAliveNow: NOT_CONNECTED },
  'waiting-for-scan': { reconnect: SCAN_FIRST, requestQr: 'qr-gone', importSession: 'unlinked', keepAliveNow: NOT_CONNECTED },
  open: { reconnect: true, requestQr: CONNECTED, importSession: CONNECTED, keepAliveNow: true },
  reconnecting: { reconnect: true, requestQr: 'unlinked', importSession: 'unlinked', keepAliveNow: NOT_CONNECTED },
  paused: { reconnect: true, requestQr: 'unlinked', importSession: 'unlinked', keepAliveNow: NOT_CONNECTED },
  replaced: { reconnect: true, requestQr: 'unlinked', importSession: 'unlinked', keepAliveNow: NOT_CONNECTED },
  'logged-out': { reconnect: NEEDS_LINK, requestQr: true, importSession: true, keepAliveNow: NOT_CONNECTED },
  banned: { reconnect: BANNED, requestQr: BANNED, importSession: BANNED, keepAliveNow: NOT_CONNECTED },
  'temp-banned': { reconnect: TEMP_BANNED, requestQr: TEMP_BANNED, importSession: TEMP_BANNED, keepAliveNow: NOT_CONNECTED },
  outdated: { reconnect: true, requestQr: 'unlinked', importSession: 'unlinked', keepAliveNow: NOT_CONNECTED },
};

/** True when the phone has a session that can connect: paired or imported (`me` before its first open), and not needing a new link. */
export function isLinked(s: Pick<PhoneStatus, 'state' | 'pairedAt' | 'me'>): boolean {
  return s.state !== 'logged-out' && (s.pairedAt !== null || s.me !== null);
}

/** The QR on screen is missing or expired, so a new one is worth asking for. */
function qrGone(s: Pick<PhoneStatus, 'qr' | 'qrExpiresAt'>, now: number): boolean {
  return s.qr === null || (s.qrExpiresAt !== null && s.qrExpiresAt <= now);
}

/** Which actions this phone offers now, each with why not when refused. */
export function phoneActions(s: PhoneStatus, now: number): PhoneActions {
  const linked = isLinked(s);
  const holds: Record<Condition, boolean> = {
    linked,
    unlinked: !linked,
    'qr-gone': qrGone(s, now),
    'keep-alive-running': !s.keepAlivePaused,
    'keep-alive-paused': s.keepAlivePaused,
    'sending-stopped': (s.outboundStop ?? null) !== null,
  };
  const row: Record<PhoneAction, Cell> = { ...ANY_STATE, ...ACTION_TABLE[s.state] };
  const out = {} as PhoneActions;
  for (const action of PHONE_ACTIONS) {
    const cell = row[action];
    if (cell === true) out[action] = { enabled: true };
    else if (typeof cell === 'object') out[action] = { enabled: false, reason: cell.no };
    else out[action] = holds[cell] ? { enabled: true } : { enabled: false, reason: CONDITION_FAILS[cell] };
  }
  return out;
}

// ---- Warnings -------------------------------------------------------------------------------

/** The 14-day warning, worded once: WhatsApp logs the device out when the phone stays unused. */
export function inactivityWarning(lastSeenAt: number | null, now: number): PhoneWarning {
  const unseen = lastSeenAt === null ? 'a long time' : durationText(now - lastSeenAt);
  const left = lastSeenAt === null ? null : Math.max(0, Math.ceil((lastSeenAt + PHONE_LOGOUT_DAYS * DAY - now) / DAY));
  return {
    kind: 'phone-inactive',
    short: `phone unused ${PHONE_WARN_DAYS}+ days`,
    text:
      `The phone has not been online for ${unseen}. ` +
      `WhatsApp logs linked devices out after ${PHONE_LOGOUT_DAYS} days${left === null ? '' : ` (${left} d left)`}: open WhatsApp on the phone.`,
  };
}

function backupWarning(error: string | null): PhoneWarning {
  return {
    kind: 'backup-failing',
    short: 'backups failing',
    text: `Backups have failed for over 24 hours: ${error ?? 'unknown error'}. Check the backup settings.`,
  };
}

function storageWarning(s: PhoneStatus): PhoneWarning[] {
  if (!s.storageError) return [];
  const t = storageErrorText(s.storageError);
  return [{ kind: 'storage-error', short: 'cannot write to disk', text: `${t.sentence} ${t.nextStep}` }];
}

function outboundWarning(s: PhoneStatus): PhoneWarning[] {
  if (!s.outboundStop) return [];
  return [{ kind: 'outbound-stopped', short: 'sending stopped', text: `Sending stopped on ${dateText(s.outboundStop.at)}: ${s.outboundStop.reason}. No message goes out until you resume sending.` }];
}

function warnings(s: PhoneStatus, now: number): PhoneWarning[] {
  const stored = s.backupWarning ?? null;
  return [
    ...outboundWarning(s),
    ...storageWarning(s),
    ...(s.phoneInactive ? [inactivityWarning(s.phoneLastSeenAt, now)] : []),
    ...(s.backupFailing ? [backupWarning(s.lastBackupError)] : []),
    ...(stored !== null ? [{ kind: 'backup-warning' as const, short: 'old backups piling up', text: `Backups are stored, but: ${stored}` }] : []),
  ];
}

// ---- The whole presentation -----------------------------------------------------------------

export function presentPhone(s: PhoneStatus, now: number): PhonePresentation {
  const health = phoneHealth(s);
  const text = stateText(s);
  // `unlinked` belongs to the needs-a-new-link state only; elsewhere it is stale by definition
  const unlinked = s.state === 'logged-out' ? s.unlinked : null;
  const why = unlinked === null ? null : unlinkReason(unlinked);
  // whether the connection alone is fine: a refused write is worded on its own below
  const connectionHealth = phoneHealth({ ...s, storageError: null });
  const plainlyFine = connectionHealth === 'ok' || s.state === 'connecting';
  // a refused write needs the user first: its words lead, the state's follow
  const storage = s.storageError ? storageErrorText(s.storageError) : null;
  const stateDetail = why ?? (plainlyFine || s.detail === '' ? null : s.detail);
  return {
    phoneId: s.phoneId,
    name: s.label || s.phoneId,
    health,
    title: text.title,
    nextStep: storage?.nextStep ?? (unlinked === null ? (codeShown(s, now) ? CODE_NEXT_STEP : text.nextStep) : unlinkNextStep(unlinked)),
    detail: storage ? [storage.sentence, stateDetail].filter((t) => t !== null).join(' ') : stateDetail,
    unlinkReason: why,
    sessionAgeMs: sessionAgeMs(s, now),
    sessionAge: sessionAgeText(s, now),
    linked: isLinked(s),
    warnings: warnings(s, now),
    actions: phoneActions(s, now),
  };
}
