// One card per phone, built once and then updated in place from its view model, so focus stays
// on the button the user is on while statuses stream in.
import type { KeeperApi } from '../main/ipc/contract.js';
import type { PhoneStatus } from '../main/engine/types.js';
import { chooseBackup, confirmDialog } from './dialogs.js';
import { el, setText } from './dom.js';
import { errorText } from './view-model/error-text.js';
import { drawQr } from './qr-canvas.js';
import { PairingCodePanel, pairingTabs } from './pairing-code-panel.js';
import { phoneCardModel, type PhoneCardModel } from './view-model/phone-card.js';
import { untilText } from '../main/presenters/durations.js';
import { phoneHealth } from '../main/presenters/phone-health.js';
import type { ActionState } from '../main/presenters/phone-presenter.js';
import type { UptimeDayView } from '../main/presenters/uptime-presenter.js';
import { UptimeStrip } from './uptime-strip.js';

/** How often an open window asks main for the strip again (a state change asks at once). */
const UPTIME_REFRESH_MS = 60_000;

interface CardParts {
  root: HTMLElement;
  badge: HTMLElement;
  reason: HTMLElement;
  nextStep: HTMLElement;
  nextStepText: HTMLElement;
  warnings: HTMLUListElement;
  pairing: HTMLElement;
  canvas: HTMLCanvasElement;
  qrFrame: HTMLElement;
  countdown: HTMLElement;
  expired: HTMLElement;
  newQr: HTMLButtonElement;
  codePanel: PairingCodePanel;
  importSession: HTMLButtonElement;
  facts: Map<string, { value: HTMLElement }>;
  uptime: UptimeStrip;
  /** when the strip was last asked for (0: never) */
  uptimeAskedAt: number;
  buttons: Record<'resumeSending' | 'reconnect' | 'backupNow' | 'keepAliveNow' | 'restore' | 'logout', HTMLButtonElement>;
  result: HTMLElement;
  drawnQr: string | null;
  busy: boolean;
  /** the result line is an outcome (kept across the reconnect it causes), not progress */
  outcome: boolean;
}

/** States in which an earlier action's outcome is no longer the news. */
function needsUser(s: PhoneStatus): boolean {
  const h = phoneHealth(s);
  return h === 'broken' || h === 'paused';
}

export class PhoneCards {
  private readonly cards = new Map<string, CardParts>();
  private readonly statuses = new Map<string, PhoneStatus>();
  private readonly announced = new Map<string, string>();
  private readonly shownState = new Map<string, string>();

  constructor(
    private readonly keeper: KeeperApi,
    private readonly container: HTMLElement,
    private readonly announce: (text: string) => void,
    /** a day of the uptime strip was clicked: show the log of that phone and day */
    private readonly onDay: (phoneId: string, day: UptimeDayView) => void = () => {},
  ) {}

  update(status: PhoneStatus): void {
    this.statuses.set(status.phoneId, status);
    this.render(status.phoneId);
  }

  /** Re-renders every card for the passing time (countdown, ages). */
  tick(): void {
    for (const id of this.statuses.keys()) this.render(id);
  }

  all(): PhoneStatus[] {
    return [...this.statuses.values()];
  }

  focus(phoneId: string): void {
    const parts = this.cards.get(phoneId);
    if (!parts) return;
    parts.root.scrollIntoView({ block: 'start' });
    (parts.pairing.hidden ? parts.root : parts.pairing).focus();
  }

  private render(phoneId: string): void {
    const status = this.statuses.get(phoneId);
    if (!status) return;
    const m = phoneCardModel(status, Date.now());
    const parts = this.cards.get(phoneId) ?? this.build(m);
    // A progress line ("Reconnecting…") describes the state it was shown in: a new state supersedes
    // it. An outcome ("Restored …") stays through the reconnect it causes, until a problem state.
    const changed = this.shownState.has(phoneId) && this.shownState.get(phoneId) !== status.state;
    if (changed && !parts.busy && (!parts.outcome || needsUser(status))) this.result(phoneId, '');
    if (changed || Date.now() - parts.uptimeAskedAt >= UPTIME_REFRESH_MS) this.refreshUptime(phoneId, parts);
    this.shownState.set(phoneId, status.state);
    this.apply(parts, m);
    if (this.announced.get(phoneId) !== m.announcement) {
      // the first render is not news; later state changes are
      if (this.announced.has(phoneId)) this.announce(m.announcement);
      this.announced.set(phoneId, m.announcement);
    }
  }

  private build(m: PhoneCardModel): CardParts {
    const id = m.phoneId;
    const titleId = `card-title-${id}`;
    const button = (label: string, action: () => Promise<void>, cls = '') => {
      const b = el('button', { text: label, class: cls, attrs: { type: 'button' } });
      b.addEventListener('click', () => void this.run(id, action));
      return b;
    };
    const buttons = {
      reconnect: button('Reconnect', async () => {
        await this.keeper.reconnect(id);
        this.result(id, 'Reconnecting…');
      }),
      backupNow: button('Back up now', async () => {
        this.result(id, 'Backing up…');
        const r = await this.keeper.backupNow(id);
        this.result(
          id,
          r.outcome === 'uploaded'
            ? `Backup stored: ${r.generation}`
            : r.outcome === 'unchanged'
              ? `Nothing changed since backup ${r.generation ?? ''}`.trim()
              : r.outcome === 'skipped'
                ? `Backup skipped: ${r.reason}`
                : `Backup failed: ${r.error}`,
          r.outcome === 'failed',
        );
      }),
      resumeSending: button('Resume sending', async () => {
        await this.keeper.resumeSending(id);
        this.result(id, 'Sending resumed.');
      }),
      keepAliveNow: button('Keep-alive now', async () => {
        const r = await this.keeper.keepAliveNow(id);
        this.result(id, `Keep-alive sent. Next one ${untilText(r.nextKeepAliveAt, Date.now())}.`);
      }),
      restore: button('Restore…', async () => {
        const items = await this.keeper.listBackups(id);
        const pick = await chooseBackup(`Restore a backup of ${m.title}`, items);
        if (pick === null) return;
        this.result(id, 'Restoring…');
        const r = await this.keeper.restore(id, pick);
        this.outcome(id, `Restored ${r.generation}.${r.quarantinedTo ? ' The previous session files were moved aside.' : ''}`);
      }),
      logout: button(
        'Log out',
        async () => {
          const ok = await confirmDialog({
            title: `Log out ${m.title}?`,
            text: 'WhatsApp will unlink this computer. To use it again you must scan a new QR code with the phone.',
            ok: 'Log out',
          });
          if (!ok) return;
          await this.keeper.logout(id);
          this.result(id, 'Logged out.');
        },
        'danger',
      ),
    };
    const newQr = button('Show new QR', async () => {
      await this.keeper.requestQr(id);
      this.result(id, 'Asked for a new QR code…');
    });
    const importBtn = button('Import an existing session folder…', async () => {
      const r = await this.keeper.importSession(id);
      this.result(id, r === null ? 'Import cancelled.' : `Imported the session of ${r.me}.`);
    }, 'secondary');
    const canvas = el('canvas', { class: 'qr', attrs: { role: 'img', 'aria-label': `QR code to link ${m.title}` } });
    const countdown = el('figcaption', { class: 'countdown' });
    const qrFrame = el('figure', { class: 'qr-frame' }, canvas, countdown);
    const expired = el('p', { class: 'qr-expired', text: 'This QR code expired.', attrs: { hidden: true } });
    const codePanel = new PairingCodePanel(id, async (phoneNumber) => {
      await this.keeper.requestPairingCode(id, phoneNumber);
    });
    const qrPanel = el(
      'div',
      { class: 'pairing-panel' },
      el('div', { class: 'pairing-steps' },
        el('ol', { class: 'steps' },
          el('li', { text: 'Open WhatsApp on the phone.' }),
          el('li', { text: 'Go to Settings → Linked devices.' }),
          el('li', { text: 'Tap Link a device.' }),
          el('li', { text: 'Point the phone at this QR code.' }),
        ),
        expired,
        el('div', { class: 'actions' }, newQr, importBtn),
      ),
      qrFrame,
    );
    const pairing = el(
      'div',
      { class: 'pairing', attrs: { role: 'group', tabindex: '-1', 'aria-labelledby': `pairing-title-${id} ${titleId}` } },
      el('h4', { text: 'Link this computer', attrs: { id: `pairing-title-${id}` } }),
      pairingTabs(id, { qr: qrPanel, code: codePanel.root }),
      qrPanel,
      codePanel.root,
    );
    const reason = el('p', { class: 'reason' });
    const nextStepText = el('span');
    const nextStep = el('p', { class: 'next-step' }, el('strong', { text: 'Next step: ' }), nextStepText);
    const warnings = el('ul', { class: 'warnings' });
    const facts = new Map<string, { value: HTMLElement }>();
    const dl = el('dl', { class: 'facts' });
    for (const f of m.facts) {
      const value = el('dd', { attrs: { 'data-fact': f.key } });
      dl.append(el('div', { class: 'fact' }, el('dt', { text: f.label }), value));
      facts.set(f.key, { value });
    }
    const uptime = new UptimeStrip(id, m.title, (day) => this.onDay(id, day));
    const badge = el('span', { class: 'badge' });
    const result = el('p', { class: 'result', attrs: { role: 'status', 'aria-live': 'polite' } });
    const root = el(
      'article',
      { class: 'card', attrs: { 'aria-labelledby': titleId, 'data-phone': id, tabindex: '-1' } },
      el('header', { class: 'card-header' }, el('h3', { text: m.title, attrs: { id: titleId } }), badge),
      reason,
      nextStep,
      warnings,
      pairing,
      dl,
      uptime.root,
      el('div', { class: 'actions' }, buttons.resumeSending, buttons.reconnect, buttons.backupNow, buttons.keepAliveNow, buttons.restore, buttons.logout),
      result,
    );
    const parts: CardParts = { root, badge, reason, nextStep, nextStepText, warnings, pairing, canvas, qrFrame, countdown, expired, newQr, codePanel, importSession: importBtn, facts, uptime, uptimeAskedAt: 0, buttons, result, drawnQr: null, busy: false, outcome: false };
    this.cards.set(id, parts);
    this.container.append(root);
    return parts;
  }

  private apply(p: CardParts, m: PhoneCardModel): void {
    p.root.className = `card health-${m.health}`;
    setText(p.badge, m.stateTitle);
    p.badge.className = `badge badge-${m.health}`;
    setText(p.reason, m.reason ?? '');
    p.reason.hidden = m.reason === null;
    setText(p.nextStepText, m.nextStep ?? '');
    p.nextStep.hidden = m.nextStep === null;
    const warningsKey = m.warnings.join('\n');
    if (p.warnings.dataset.key !== warningsKey) {
      p.warnings.replaceChildren(...m.warnings.map((w) => el('li', { text: w })));
      p.warnings.dataset.key = warningsKey;
    }
    p.warnings.hidden = m.warnings.length === 0;
    for (const f of m.facts) {
      const part = p.facts.get(f.key);
      if (!part) continue;
      setText(part.value, f.value);
      part.value.className = `tone-${f.tone}`;
      if (f.title) part.value.title = f.title;
      else part.value.removeAttribute('title');
    }
    const pairing = m.pairing;
    p.pairing.hidden = pairing === null;
    if (pairing) {
      p.qrFrame.hidden = pairing.qr === null;
      p.expired.hidden = !pairing.expired;
      p.newQr.hidden = !pairing.canRequestNew;
      setText(p.countdown, pairing.countdown === null ? '' : `Expires in ${pairing.countdown}`);
      p.codePanel.update(m.pairingCode);
      if (pairing.qr !== null && pairing.qr !== p.drawnQr) {
        drawQr(p.canvas, pairing.qr, 360);
        p.drawnQr = pairing.qr;
        // lets the benchmark measure engine event → pixels on screen
        const detail = { phoneId: m.phoneId, qrLength: pairing.qr.length };
        requestAnimationFrame(() => setTimeout(() => performance.mark('qr-painted', { detail }), 0));
      }
    } else {
      p.drawnQr = null;
    }
    // enabled exactly as the shared presenter decides (the tray reads the same table); the reason is the tooltip
    const offer = (b: HTMLButtonElement, a: ActionState) => {
      b.disabled = !a.enabled;
      if (a.reason) b.title = a.reason;
      else b.removeAttribute('title');
    };
    for (const [name, b] of Object.entries(p.buttons) as Array<[keyof CardParts['buttons'], HTMLButtonElement]>) offer(b, m.actions[name]);
    offer(p.importSession, m.actions.importSession);
    // only a stopped phone shows it: a disabled "Resume sending" on every card would only puzzle
    p.buttons.resumeSending.hidden = !m.actions.resumeSending.enabled;
    // busy is shown, not enforced by disabling: a disabled button would drop the keyboard focus
    p.root.setAttribute('aria-busy', String(p.busy));
  }

  /** The strip is computed in main from the phone's history; a failure leaves the last one shown. */
  private refreshUptime(phoneId: string, parts: CardParts): void {
    parts.uptimeAskedAt = Date.now();
    this.keeper.getUptime(phoneId).then(
      (view) => parts.uptime.show(view),
      () => undefined,
    );
  }

  private result(phoneId: string, text: string, bad = false): void {
    const p = this.cards.get(phoneId);
    if (!p) return;
    p.result.textContent = text;
    p.result.classList.toggle('tone-bad', bad);
    p.outcome = false;
  }

  /** An action's final word, kept while the phone reconnects because of it. */
  private outcome(phoneId: string, text: string): void {
    this.result(phoneId, text);
    const p = this.cards.get(phoneId);
    if (p) p.outcome = true;
  }

  private async run(phoneId: string, action: () => Promise<void>): Promise<void> {
    const p = this.cards.get(phoneId);
    if (!p || p.busy) return;
    p.busy = true;
    this.render(phoneId);
    try {
      await action();
    } catch (err) {
      this.result(phoneId, errorText(err), true);
    } finally {
      p.busy = false;
      this.render(phoneId);
    }
  }
}
