// statuses → what the tray shows: icon, tooltip and the whole menu as plain data. Pure, so every
// mix of states is tested in Node; the Electron adapter only translates this data.
import type { PhoneStatus } from '../engine/types.js';
import { overallHealth, phoneHealth, sessionAgeText, stateText, type Health } from '../presenters/phone-health.js';
import { agoText, untilText } from './relative-time.js';

export const APP_TITLE = 'Session Keeper';
/** Windows cuts tray tooltips at 127 characters (NOTIFYICONDATA.szTip). */
export const TOOLTIP_MAX = 127;

export type TrayAction =
  | { kind: 'open-window' }
  | { kind: 'reconnect'; phoneId: string }
  | { kind: 'backup-now'; phoneId: string }
  | { kind: 'keep-alive-now'; phoneId: string }
  | { kind: 'pause-keep-alive'; phoneId: string }
  | { kind: 'resume-keep-alive'; phoneId: string }
  | { kind: 'toggle-start-at-login'; enabled: boolean }
  | { kind: 'open-logs' }
  | { kind: 'quit' };

export type TrayMenuItem =
  | { type: 'separator' }
  | { type: 'label'; label: string; enabled: boolean; action?: TrayAction }
  | { type: 'checkbox'; label: string; checked: boolean; enabled: boolean; action: TrayAction }
  | { type: 'submenu'; label: string; enabled: boolean; submenu: TrayMenuItem[] };

export interface TrayModel {
  icon: Health;
  tooltip: string;
  menu: TrayMenuItem[];
}

export interface TrayContext {
  now: number;
  startAtLogin: boolean;
}

type Counted = Exclude<Health, 'ok'>;
const COUNT_WORDS: Record<Counted, [one: string, many: string]> = {
  broken: ['needs you', 'need you'],
  attention: ['needs attention', 'need attention'],
  paused: ['paused', 'paused'],
};

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "2 phones · all healthy · oldest session 12d 4h" (also the first menu line). */
export function traySummary(statuses: readonly PhoneStatus[], now: number): string {
  if (statuses.length === 0) return 'no phones configured';
  const parts = [plural(statuses.length, 'phone', 'phones')];
  if (overallHealth(statuses) === 'ok') parts.push('all healthy');
  else {
    const counts = new Map<Counted, number>();
    for (const s of statuses) {
      const h = phoneHealth(s);
      if (h !== 'ok') counts.set(h, (counts.get(h) ?? 0) + 1);
    }
    // worst first, so a cut tooltip still shows what matters
    for (const h of ['broken', 'attention', 'paused'] as const) {
      const n = counts.get(h);
      if (n) parts.push(`${n} ${n === 1 ? COUNT_WORDS[h][0] : COUNT_WORDS[h][1]}`);
    }
  }
  const paired = statuses.map((s) => s.pairedAt).filter((a): a is number => a !== null);
  if (paired.length === 0) parts.push('no linked session');
  else parts.push(`${statuses.length === 1 ? 'session' : 'oldest session'} ${sessionAgeText({ pairedAt: Math.min(...paired) }, now)}`);
  return parts.join(' · ');
}

export function trayTooltip(statuses: readonly PhoneStatus[], now: number): string {
  const text = `${APP_TITLE} — ${traySummary(statuses, now)}`;
  return text.length <= TOOLTIP_MAX ? text : `${text.slice(0, TOOLTIP_MAX - 1)}…`;
}

function nextKeepAliveText(s: PhoneStatus, now: number): string {
  if (s.keepAlivePaused) return 'keep-alive paused';
  if (s.nextKeepAliveAt === null) return 'no keep-alive planned';
  return `next keep-alive ${untilText(s.nextKeepAliveAt, now)}`;
}

function lastBackupText(s: PhoneStatus, now: number): string {
  if (s.backupFailing) return 'backups failing';
  if (s.lastBackupAt === null) return 'no backup yet';
  return `last backup ${agoText(s.lastBackupAt, now)}`;
}

/** "Work: Connected · session 12d 4h · next keep-alive in 3h 20m · last backup 2h ago" */
export function phoneLine(s: PhoneStatus, now: number): string {
  const warnings = [s.phoneInactive ? 'phone unused 12+ days' : null].filter((w): w is string => w !== null);
  return [
    `${s.label}: ${stateText(s.state).title}`,
    `session ${sessionAgeText(s, now)}`,
    nextKeepAliveText(s, now),
    lastBackupText(s, now),
    ...warnings,
  ].join(' · ');
}

/** One action for one phone, or a submenu of phones when there are several. */
function perPhone(
  label: string,
  statuses: readonly PhoneStatus[],
  action: (s: PhoneStatus) => TrayAction,
  enabled: (s: PhoneStatus) => boolean,
): TrayMenuItem {
  const [only] = statuses;
  if (statuses.length === 1 && only) return { type: 'label', label, enabled: enabled(only), action: action(only) };
  return {
    type: 'submenu',
    label,
    enabled: statuses.length > 0,
    submenu: statuses.map((s) => ({ type: 'label', label: s.label, enabled: enabled(s), action: action(s) })),
  };
}

function pauseItem(statuses: readonly PhoneStatus[]): TrayMenuItem {
  const toggle = (s: PhoneStatus): TrayAction =>
    s.keepAlivePaused ? { kind: 'resume-keep-alive', phoneId: s.phoneId } : { kind: 'pause-keep-alive', phoneId: s.phoneId };
  const [only] = statuses;
  if (statuses.length === 1 && only) return { type: 'checkbox', label: 'Pause keep-alive', checked: only.keepAlivePaused, enabled: true, action: toggle(only) };
  return {
    type: 'submenu',
    label: 'Pause keep-alive',
    enabled: statuses.length > 0,
    submenu: statuses.map((s) => ({ type: 'checkbox', label: s.label, checked: s.keepAlivePaused, enabled: true, action: toggle(s) })),
  };
}

export function presentTray(statuses: readonly PhoneStatus[], ctx: TrayContext): TrayModel {
  const menu: TrayMenuItem[] = [
    // Linux desktops often hide tooltips: the summary is also the first (inert) line.
    { type: 'label', label: traySummary(statuses, ctx.now), enabled: false },
    { type: 'separator' },
    ...statuses.map((s): TrayMenuItem => ({ type: 'label', label: phoneLine(s, ctx.now), enabled: false })),
    ...(statuses.length > 0 ? [{ type: 'separator' } as const] : []),
    { type: 'label', label: 'Open window', enabled: true, action: { kind: 'open-window' } },
    perPhone('Reconnect', statuses, (s) => ({ kind: 'reconnect', phoneId: s.phoneId }), (s) => s.state !== 'banned'),
    perPhone('Back up now', statuses, (s) => ({ kind: 'backup-now', phoneId: s.phoneId }), (s) => s.pairedAt !== null),
    // the engine refuses a pulse on a closed connection anyway; greying it out says so up front
    perPhone('Keep-alive now', statuses, (s) => ({ kind: 'keep-alive-now', phoneId: s.phoneId }), (s) => s.state === 'open'),
    pauseItem(statuses),
    { type: 'separator' },
    { type: 'checkbox', label: 'Start at login', checked: ctx.startAtLogin, enabled: true, action: { kind: 'toggle-start-at-login', enabled: !ctx.startAtLogin } },
    { type: 'label', label: 'Open logs folder', enabled: true, action: { kind: 'open-logs' } },
    { type: 'separator' },
    { type: 'label', label: 'Quit', enabled: true, action: { kind: 'quit' } },
  ];
  return { icon: overallHealth(statuses), tooltip: trayTooltip(statuses, ctx.now), menu };
}
