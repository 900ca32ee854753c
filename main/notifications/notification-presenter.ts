// (what we last told the user about a phone, its next status) → the notifications to show.
// One notification per change of state, never one per retry: the memory keeps the problem we
// already announced until the phone is open again, so reconnect loops and QR refreshes stay
// quiet, and only a problem we announced earns a "recovered".
import type { PhoneStatus } from '../engine/types.js';
import { needsRescan, stateText } from '../presenters/phone-health.js';

export type ProblemKind = 'rescan' | 'replaced' | 'banned' | 'temp-banned' | 'outdated';

export interface NotifyMemory {
  /** the state problem we announced and that is not over yet */
  problem: ProblemKind | null;
  phoneInactive: boolean;
  backupFailing: boolean;
}

export const EMPTY_MEMORY: NotifyMemory = { problem: null, phoneInactive: false, backupFailing: false };

export type NotificationKind = ProblemKind | 'phone-inactive' | 'backup-failing' | 'recovered';

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

function problemNotification(kind: ProblemKind, s: PhoneStatus): AppNotification {
  const text = stateText(s.state);
  const title = kind === 'rescan' ? `${s.label}: scan the QR code again` : `${s.label}: ${text.title}`;
  return { kind, phoneId: s.phoneId, title, body: text.nextStep ?? s.detail, focusPhone: true };
}

export function presentNotifications(memory: NotifyMemory, next: PhoneStatus): { memory: NotifyMemory; notifications: AppNotification[] } {
  const out: AppNotification[] = [];
  let problem = memory.problem;
  const now = problemOf(next);
  if (now !== null && now !== problem) {
    out.push(problemNotification(now, next));
    problem = now;
  } else if (next.state === 'open' && problem !== null) {
    out.push({ kind: 'recovered', phoneId: next.phoneId, title: `${next.label}: connected again`, body: 'The session is back and keep-alives continue.', focusPhone: false });
    problem = null;
  }
  if (next.phoneInactive && !memory.phoneInactive) {
    out.push({
      kind: 'phone-inactive',
      phoneId: next.phoneId,
      title: `${next.label}: open WhatsApp on the phone`,
      body: 'The phone has not been online for 12 days. WhatsApp logs linked devices out after 14: open WhatsApp on the phone soon.',
      focusPhone: true,
    });
  }
  if (next.backupFailing && !memory.backupFailing) {
    out.push({
      kind: 'backup-failing',
      phoneId: next.phoneId,
      title: `${next.label}: backups failing`,
      body: `Backups have failed for 24 hours${next.lastBackupError ? `: ${next.lastBackupError}` : '.'}`,
      focusPhone: true,
    });
  }
  return { memory: { problem, phoneInactive: next.phoneInactive, backupFailing: next.backupFailing }, notifications: out };
}
