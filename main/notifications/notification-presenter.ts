// (what we last told the user about a phone, its next status) → the notifications to show.
// One notification per change of state, never one per retry: the memory keeps the problem we
// already announced until the phone is open again, so reconnect loops and QR refreshes stay
// quiet, and only a problem we announced earns a "recovered". A phone never linked is asked for
// its first link, not told to scan "again"; one that had a link and lost it keeps the rescan words.
import type { PhoneStatus } from '../engine/types.js';
import { isFirstLink, needsRescan } from '../presenters/phone-health.js';
import { presentPhone, type PhonePresentation, type PhoneWarning } from '../presenters/phone-presenter.js';

export type ProblemKind = 'rescan' | 'replaced' | 'banned' | 'temp-banned' | 'outdated';

/** A QR for a phone that never had a link: asked for, not a problem that recurs. */
export type AnnouncedKind = ProblemKind | 'first-link';

export interface NotifyMemory {
  /** the state problem we announced and that is not over yet */
  problem: AnnouncedKind | null;
  /** a status of this phone said it had a link (`everLinked`): its next QR is a re-link */
  hadLink: boolean;
  phoneInactive: boolean;
  backupFailing: boolean;
  /** the refused write we announced ("path|code"), until writing works again */
  storageError: string | null;
  /** we announced that sending stopped, until it is resumed */
  outboundStopped: boolean;
}

export const EMPTY_MEMORY: NotifyMemory = { problem: null, hadLink: false, phoneInactive: false, backupFailing: false, storageError: null, outboundStopped: false };

export type NotificationKind = AnnouncedKind | 'phone-inactive' | 'backup-failing' | 'storage-error' | 'storage-recovered' | 'outbound-stopped' | 'recovered';

export interface AppNotification {
  kind: NotificationKind;
  phoneId: string;
  title: string;
  body: string;
  /** a click shows the window on this phone (its QR code when a rescan is needed) */
  focusPhone: boolean;
}

export function problemOf(s: Pick<PhoneStatus, 'state'>): ProblemKind | null {
  if (needsRescan(s)) return 'rescan';
  switch (s.state) {
    case 'replaced':
    case 'banned':
    case 'temp-banned':
    case 'outdated':
      return s.state;
    default:
      return null;
  }
}

/**
 * A QR for a phone never linked is a first link (the window says "Not linked yet" by the same
 * test), unless it continues a rescan we announced or this stream saw the phone linked.
 */
function announcedKind(memory: NotifyMemory, s: PhoneStatus): AnnouncedKind | null {
  const kind = problemOf(s);
  if (kind === 'rescan' && isFirstLink(s) && !memory.hadLink && memory.problem !== 'rescan') return 'first-link';
  return kind;
}

function problemNotification(kind: AnnouncedKind, s: PhoneStatus, p: PhonePresentation): AppNotification {
  // a first link is asked for; a phone that needs a new link says so, and why; one that lost its
  // link without a stated reason is asked to scan again
  const title =
    kind === 'first-link'
      ? `${s.label}: scan the QR code to link WhatsApp`
      : kind === 'rescan' && p.unlinkReason === null
        ? `${s.label}: scan the QR code again`
        : `${s.label}: ${p.title}`;
  const body = [p.unlinkReason, p.nextStep ?? s.detail].filter((t): t is string => t !== null).join(' ');
  return { kind, phoneId: s.phoneId, title, body, focusPhone: true };
}

/** Back to open after an announced problem: a link (first or new) starts the session age anew. */
function recoveredNotification(problem: AnnouncedKind, hadLink: boolean, s: PhoneStatus): AppNotification {
  const words =
    problem === 'first-link' || (problem === 'rescan' && !hadLink)
      ? { title: `${s.label}: linked — session age starts now`, body: 'WhatsApp linked this computer; keep-alives keep the session alive from here.' }
      : problem === 'rescan'
        ? { title: `${s.label}: linked again — session age starts now`, body: 'The new link is in place and keep-alives continue.' }
        : { title: `${s.label}: connected again`, body: 'The session is back and keep-alives continue.' };
  return { kind: 'recovered', phoneId: s.phoneId, ...words, focusPhone: false };
}

function warningBody(p: PhonePresentation, kind: PhoneWarning['kind']): string {
  return p.warnings.find((w) => w.kind === kind)?.text ?? '';
}

/** `now` is the shell's clock when the status arrives: it words the warnings (days left). */
export function presentNotifications(memory: NotifyMemory, next: PhoneStatus, now: number): { memory: NotifyMemory; notifications: AppNotification[] } {
  const out: AppNotification[] = [];
  const p = presentPhone(next, now);
  let problem = memory.problem;
  const kind = announcedKind(memory, next);
  if (kind !== null && kind !== problem) {
    out.push(problemNotification(kind, next, p));
    problem = kind;
  } else if (next.state === 'open' && problem !== null) {
    out.push(recoveredNotification(problem, memory.hadLink, next));
    problem = null;
  }
  if (next.phoneInactive && !memory.phoneInactive) {
    out.push({
      kind: 'phone-inactive',
      phoneId: next.phoneId,
      title: `${next.label}: open WhatsApp on the phone`,
      body: warningBody(p, 'phone-inactive'),
      focusPhone: true,
    });
  }
  if (next.backupFailing && !memory.backupFailing) {
    out.push({
      kind: 'backup-failing',
      phoneId: next.phoneId,
      title: `${next.label}: backups failing`,
      body: warningBody(p, 'backup-failing'),
      focusPhone: true,
    });
  }
  // one notification per new refused write (another file or reason), none per retry
  const storageKey = next.storageError ? `${next.storageError.path}|${next.storageError.code ?? next.storageError.reason}` : null;
  if (storageKey !== null && storageKey !== memory.storageError) {
    out.push({
      kind: 'storage-error',
      phoneId: next.phoneId,
      title: `${next.label}: cannot write to disk`,
      body: warningBody(p, 'storage-error'),
      focusPhone: true,
    });
  } else if (storageKey === null && memory.storageError !== null) {
    out.push({
      kind: 'storage-recovered',
      phoneId: next.phoneId,
      title: `${next.label}: writing to disk works again`,
      body: 'Session Keeper can save this phone\'s files again.',
      focusPhone: false,
    });
  }
  // one notification per stop; resuming needs the person anyway, so no "resumed" notice
  const outboundStopped = (next.outboundStop ?? null) !== null;
  if (next.outboundStop && !memory.outboundStopped) {
    out.push({
      kind: 'outbound-stopped',
      phoneId: next.phoneId,
      title: `${next.label}: sending stopped`,
      body: `${next.outboundStop.reason}. No message goes out from this phone until you resume sending.`,
      focusPhone: true,
    });
  }
  return {
    memory: {
      problem,
      hadLink: memory.hadLink || next.everLinked,
      phoneInactive: next.phoneInactive,
      backupFailing: next.backupFailing,
      storageError: storageKey,
      outboundStopped,
    },
    notifications: out,
  };
}
