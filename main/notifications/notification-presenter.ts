// (what we last told the user about a phone, its next status) → the notifications to show.
// One notification per change of state, never one per retry: the memory keeps the problem we
// already announced until the phone is open again, so reconnect loops and QR refreshes stay
// quiet, and only a problem we announced earns a "recovered".
import type { PhoneStatus } from '../engine/types.js';
import { needsRescan } from '../presenters/phone-health.js';
import { presentPhone, type PhonePresentation, type PhoneWarning } from '../presenters/phone-presenter.js';

export type ProblemKind = 'rescan' | 'replaced' | 'banned' | 'temp-banned' | 'outdated';

export interface NotifyMemory {
  /** the state problem we announced and that is not over yet */
  problem: ProblemKind | null;
  phoneInactive: boolean;
  backupFailing: boolean;
  /** the refused write we announced ("path|code"), until writing works again */
  storageError: string | null;
}

export const EMPTY_MEMORY: NotifyMemory = { problem: null, phoneInactive: false, backupFailing: false, storageError: null };

export type NotificationKind = ProblemKind | 'phone-inactive' | 'backup-failing' | 'storage-error' | 'storage-recovered' | 'recovered';

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

function problemNotification(kind: ProblemKind, s: PhoneStatus, p: PhonePresentation): AppNotification {
  // a phone that needs a new link says so, and why; one merely waiting for a scan asks for it
  const title = kind === 'rescan' && p.unlinkReason === null ? `${s.label}: scan the QR code again` : `${s.label}: ${p.title}`;
  const body = [p.unlinkReason, p.nextStep ?? s.detail].filter((t): t is string => t !== null).join(' ');
  return { kind, phoneId: s.phoneId, title, body, focusPhone: true };
}

function warningBody(p: PhonePresentation, kind: PhoneWarning['kind']): string {
  return p.warnings.find((w) => w.kind === kind)?.text ?? '';
}

/** `now` is the shell's clock when the status arrives: it words the warnings (days left). */
export function presentNotifications(memory: NotifyMemory, next: PhoneStatus, now: number): { memory: NotifyMemory; notifications: AppNotification[] } {
  const out: AppNotification[] = [];
  const p = presentPhone(next, now);
  let problem = memory.problem;
  const kind = problemOf(next);
  if (kind !== null && kind !== problem) {
    out.push(problemNotification(kind, next, p));
    problem = kind;
  } else if (next.state === 'open' && problem !== null) {
    out.push({ kind: 'recovered', phoneId: next.phoneId, title: `${next.label}: connected again`, body: 'The session is back and keep-alives continue.', focusPhone: false });
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
  return {
    memory: { problem, phoneInactive: next.phoneInactive, backupFailing: next.backupFailing, storageError: storageKey },
    notifications: out,
  };
}
