// statuses → what the tray shows: icon, tooltip and the whole menu as plain data. Pure, so every
// mix of states is tested in Node; the Electron adapter only translates this data.
import type { PhoneStatus } from '../engine/types.js';
import type { UpdateLine } from '../ipc/contract.js';
import { ageText, relativeText, untilText } from '../presenters/durations.js';
import { overallHealth, phoneHealth, type Health } from '../presenters/phone-health.js';
import { presentPhone, type PhoneAction, type PhonePresentation } from '../presenters/phone-presenter.js';
import { uptime30Text } from '../presenters/uptime-presenter.js';

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
  /** the update line (update-policy.ts), shown under the summary; absent/null = none */
  update?: UpdateLine | null;
  /** each phone's share of time open over 30 days (keeper.uptime), when known */
  uptime30?: ReadonlyMap<string, number | null>;
}

/** "Uptime 30 d: 99.7 %" for the phones given (the lowest of them), or null when none is known. */
export function uptimeSummary(statuses: readonly PhoneStatus[], uptime30: ReadonlyMap<string, number | null> | undefined): string | null {
  if (!uptime30) return null;
  const known = statuses.map((s) => uptime30.get(s.phoneId)).filter((u): u is number => typeof u === 'number');
  return known.length === 0 ? null : uptime30Text(Math.min(...known));
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
export function traySummary(statuses: readonly PhoneStatus[], now: number, uptime30?: ReadonlyMap<string, number | null>): string {
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
  const ages = statuses.map((s) => presentPhone(s, now).sessionAgeMs).filter((a): a is number => a !== null);
  if (ages.length === 0) parts.push('no linked session');
  else parts.push(`${statuses.length === 1 ? 'session' : 'oldest session'} ${ageText(Math.max(...ages))}`);
  // beside the age: how well the session has been held, the lowest phone's
  const uptime = uptimeSummary(statuses, uptime30);
  if (uptime) parts.push(uptime);
  return parts.join(' · ');
}

export function trayTooltip(statuses: readonly PhoneStatus[], now: number, uptime30?: ReadonlyMap<string, number | null>): string {
  const text = `${APP_TITLE} — ${traySummary(statuses, now, uptime30)}`;
  return text.length <= TOOLTIP_MAX ? text : `${text.slice(0, TOOLTIP_MAX - 1)}…`;
}

function nextKeepAliveText(s: PhoneStatus, now: number): string {
  if (s.keepAlivePaused) return 'keep-alive paused';
  if (s.nextKeepAliveAt === null) return 'no keep-alive planned';
  return `next keep-alive ${untilText(s.nextKeepAliveAt, now)}`;
}

function lastBackupText(s: PhoneStatus, now: number): string {
  return s.lastBackupAt === null ? 'no backup yet' : `last backup ${relativeText(s.lastBackupAt, now)}`;
}

/** "Work: Connected · session 12d 4h · next keep-alive in 3 h 20 min · last backup 2 h ago" */
export function phoneLine(s: PhoneStatus, now: number, p: PhonePresentation = presentPhone(s, now), uptime30?: ReadonlyMap<string, number | null>): string {
  const uptime = uptimeSummary([s], uptime30);
  return [
    `${s.label}: ${p.title}`,
    `session ${p.sessionAge}`,
    ...(uptime ? [uptime] : []),
    nextKeepAliveText(s, now),
    lastBackupText(s, now),
    ...p.warnings.map((w) => w.short),
  ].join(' · ');
}

interface Shown {
  s: PhoneStatus;
  p: PhonePresentation;
}

/** One action for one phone, or a submenu of phones when there are several; enabled as the presenter decides. */
function perPhone(label: string, phones: readonly Shown[], name: PhoneAction, action: (s: PhoneStatus) => TrayAction): TrayMenuItem {
  const [only] = phones;
  if (phones.length === 1 && only) return { type: 'label', label, enabled: only.p.actions[name].enabled, action: action(only.s) };
  return {
    type: 'submenu',
    label,
    enabled: phones.length > 0,
    submenu: phones.map(({ s, p }) => ({ type: 'label', label: s.label, enabled: p.actions[name].enabled, action: action(s) })),
  };
}

/** A checked item resumes, an unchecked one pauses: enabled as the presenter decides for that direction. */
function pauseItem(phones: readonly Shown[]): TrayMenuItem {
  const item = ({ s, p }: Shown, label: string): TrayMenuItem => ({
    type: 'checkbox',
    label,
    checked: s.keepAlivePaused,
    enabled: p.actions[s.keepAlivePaused ? 'resumeKeepAlive' : 'pauseKeepAlive'].enabled,
    action: s.keepAlivePaused ? { kind: 'resume-keep-alive', phoneId: s.phoneId } : { kind: 'pause-keep-alive', phoneId: s.phoneId },
  });
  const [only] = phones;
  if (phones.length === 1 && only) return item(only, 'Pause keep-alive');
  return { type: 'submenu', label: 'Pause keep-alive', enabled: phones.length > 0, submenu: phones.map((x) => item(x, x.s.label)) };
}

export function presentTray(statuses: readonly PhoneStatus[], ctx: TrayContext): TrayModel {
  const phones = statuses.map((s): Shown => ({ s, p: presentPhone(s, ctx.now) }));
  const menu: TrayMenuItem[] = [
    // Linux desktops often hide tooltips: the summary is also the first (inert) line.
    { type: 'label', label: traySummary(statuses, ctx.now, ctx.uptime30), enabled: false },
    ...(ctx.update ? [{ type: 'label', label: ctx.update.text, enabled: false } as const] : []),
    { type: 'separator' },
    ...phones.map(({ s, p }): TrayMenuItem => ({ type: 'label', label: phoneLine(s, ctx.now, p, ctx.uptime30), enabled: false })),
    ...(statuses.length > 0 ? [{ type: 'separator' } as const] : []),
    { type: 'label', label: 'Open window', enabled: true, action: { kind: 'open-window' } },
    perPhone('Reconnect', phones, 'reconnect', (s) => ({ kind: 'reconnect', phoneId: s.phoneId })),
    perPhone('Back up now', phones, 'backupNow', (s) => ({ kind: 'backup-now', phoneId: s.phoneId })),
    perPhone('Keep-alive now', phones, 'keepAliveNow', (s) => ({ kind: 'keep-alive-now', phoneId: s.phoneId })),
    pauseItem(phones),
    { type: 'separator' },
    { type: 'checkbox', label: 'Start at login', checked: ctx.startAtLogin, enabled: true, action: { kind: 'toggle-start-at-login', enabled: !ctx.startAtLogin } },
    { type: 'label', label: 'Open logs folder', enabled: true, action: { kind: 'open-logs' } },
    { type: 'separator' },
    { type: 'label', label: 'Quit', enabled: true, action: { kind: 'quit' } },
  ];
  return { icon: overallHealth(statuses), tooltip: trayTooltip(statuses, ctx.now, ctx.uptime30), menu };
}
