// Status → what a phone's card shows: one pure function, so the words, colours and enabled
// buttons are unit-tested in Node and the DOM code only copies them onto elements.
import { needsRescan, type Health } from '../../main/presenters/phone-health.js';
import { presentPhone, type PhoneActions } from '../../main/presenters/phone-presenter.js';
import { countdownText, isoText, relativeText, untilText } from '../../main/presenters/durations.js';
import type { KeepAliveMode, PhoneStatus } from '../../main/engine/types.js';
import { pairingCodeModel, type PairingCodeModel } from './pairing-code.js';

export type Tone = 'ok' | 'warn' | 'bad' | 'muted';

export interface CardFact {
  /** stable key, also used as the element's data-fact */
  key: 'session-age' | 'connected-since' | 'next-keep-alive' | 'last-keep-alive' | 'last-backup' | 'phone-last-seen';
  label: string;
  value: string;
  tone: Tone;
  /** absolute time for a tooltip, when the value is relative */
  title: string | null;
}

export interface PairingModel {
  qr: string | null;
  /** "1:05" left, null when there is no QR or no expiry */
  countdown: string | null;
  expired: boolean;
  /** "Show new QR" is offered once the code expired, or when there is none to show (the presenter's requestQr) */
  canRequestNew: boolean;
}

export interface PhoneCardModel {
  phoneId: string;
  title: string;
  health: Health;
  stateTitle: string;
  /** why this state (the engine's sentence); shown for every state that is not plainly fine */
  reason: string | null;
  /** what the user should do; null when nothing */
  nextStep: string | null;
  /** warnings that make an open phone need attention (14-day rule, failing backups) */
  warnings: string[];
  facts: CardFact[];
  /** set while only scanning a QR brings the phone back */
  pairing: PairingModel | null;
  /** the "Link with phone number" tab of the pairing box */
  pairingCode: PairingCodeModel;
  /** the shared presenter's action table: the tray offers exactly the same */
  actions: PhoneActions;
  /** one sentence for the screen-reader live region, changing only when the state does */
  announcement: string;
}

const MODE_TEXT: Record<KeepAliveMode, string> = {
  active: 'active',
  reduced: 'reduced (quiet hours)',
  sleep: 'sleep (no pulses)',
};

function since(at: number | null, now: number): Pick<CardFact, 'value' | 'title'> {
  return { value: relativeText(at, now), title: at === null ? null : isoText(at) };
}

/** "2 h ago", plus how often a deaf connection (pings answered, nothing else) was replaced since start. */
function connectedFact(s: PhoneStatus, now: number): CardFact {
  const open = s.state === 'open';
  const base = open && s.connectedSince !== null ? since(s.connectedSince, now) : { value: 'not connected', title: null };
  const deaf = s.deafRecycles > 0 ? ` · ${s.deafRecycles} deaf connection${s.deafRecycles === 1 ? '' : 's'} replaced` : '';
  return { key: 'connected-since', label: 'Connected since', ...base, value: `${base.value}${deaf}`, tone: open ? 'ok' : 'muted' };
}

export function phoneCardModel(s: PhoneStatus, now: number): PhoneCardModel {
  // the session age is derived on this clock from pairedAt, so the card ticks between events and never ages a snapshot twice
  const p = presentPhone(s, now);
  const warnings = p.warnings.map((w) => w.text);

  const facts: CardFact[] = [
    { key: 'session-age', label: 'Session age', value: p.sessionAge, tone: p.sessionAgeMs === null ? 'muted' : 'ok', title: p.sessionAgeMs === null || s.pairedAt === null ? null : `Linked ${isoText(s.pairedAt)}` },
    connectedFact(s, now),
    {
      key: 'next-keep-alive',
      label: 'Next keep-alive',
      value: s.keepAlivePaused
        ? `paused · mode ${MODE_TEXT[s.mode]}`
        : `${untilText(s.nextKeepAliveAt, now)} · mode ${MODE_TEXT[s.mode]}`,
      tone: s.keepAlivePaused ? 'warn' : s.nextKeepAliveAt !== null && s.mode === 'active' ? 'ok' : 'muted',
      title: s.nextKeepAliveAt === null ? null : isoText(s.nextKeepAliveAt),
    },
    { key: 'last-keep-alive', label: 'Last keep-alive', ...since(s.lastKeepAliveAt, now), tone: 'muted' },
    {
      key: 'last-backup',
      label: 'Last backup',
      value:
        s.lastBackupError !== null
          ? `failed: ${s.lastBackupError}${s.lastBackupAt === null ? '' : ` (last good ${relativeText(s.lastBackupAt, now)})`}`
          : s.lastBackupAt === null
            ? 'none yet'
            : `${relativeText(s.lastBackupAt, now)} · ok`,
      tone: s.backupFailing ? 'bad' : s.lastBackupError !== null ? 'warn' : s.lastBackupAt === null ? 'muted' : 'ok',
      title: s.lastBackupGeneration,
    },
    { key: 'phone-last-seen', label: 'Phone last seen', ...since(s.phoneLastSeenAt, now), tone: s.phoneInactive ? 'bad' : 'muted' },
  ];

  let pairing: PairingModel | null = null;
  if (needsRescan(s)) {
    const left = s.qrExpiresAt === null ? null : s.qrExpiresAt - now;
    const expired = s.qr === null || (left !== null && left <= 0);
    pairing = {
      qr: expired ? null : s.qr,
      countdown: left === null || expired ? null : countdownText(left),
      expired,
      canRequestNew: p.actions.requestQr.enabled,
    };
  }

  return {
    phoneId: s.phoneId,
    title: p.name,
    health: p.health,
    stateTitle: p.title,
    reason: p.detail,
    nextStep: p.nextStep,
    warnings,
    facts,
    pairing,
    pairingCode: pairingCodeModel(s, now),
    actions: p.actions,
    announcement: `${p.name}: ${p.title}${warnings.length > 0 ? `, ${warnings.length === 1 ? 'one warning' : `${warnings.length} warnings`}` : ''}`,
  };
}
