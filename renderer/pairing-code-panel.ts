// The "Link with phone number" tab of a card's pairing box, and the two tabs themselves (WAI-ARIA
// tabs: arrow keys move between them, the chosen panel alone is shown). The person types the
// account's number, the code WhatsApp gives comes back in large type with its countdown, and
// they type it on the phone. Refusals (a number without country code…) show beside the input.
import { el, setText } from './dom.js';
import { errorText } from './view-model/error-text.js';
import type { PairingCodeModel } from './view-model/pairing-code.js';

export class PairingCodePanel {
  readonly root: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly submit: HTMLButtonElement;
  private readonly problem: HTMLElement;
  private readonly codeBox: HTMLElement;
  private readonly code: HTMLElement;
  private readonly countdown: HTMLElement;
  private readonly expired: HTMLElement;
  /** a code was on screen: when it goes without a link, say it expired */
  private shown = false;

  constructor(id: string, request: (phoneNumber: string) => Promise<void>) {
    const inputId = `pair-number-${id}`;
    const problemId = `pair-number-problem-${id}`;
    this.input = el('input', {
      attrs: { id: inputId, type: 'tel', inputmode: 'tel', autocomplete: 'tel', placeholder: '+44 7700 900123', 'aria-describedby': problemId, required: true },
    });
    this.submit = el('button', { class: 'primary', text: 'Get code', attrs: { type: 'submit' } });
    this.problem = el('p', { class: 'pair-problem tone-bad', attrs: { id: problemId, role: 'alert' } });
    this.code = el('output', { class: 'pairing-code', attrs: { 'data-pairing-code': true, for: inputId, tabindex: '-1' } });
    this.countdown = el('p', { class: 'pairing-code-countdown' });
    this.codeBox = el('div', { class: 'pairing-code-box', attrs: { hidden: true } }, el('p', { class: 'muted', text: 'Type this code on the phone:' }), this.code, this.countdown);
    this.expired = el('p', { class: 'qr-expired', text: 'This code expired. Get a new code to try again.', attrs: { hidden: true } });
    const form = el(
      'form',
      { class: 'pair-number-form', attrs: { novalidate: true } },
      el('label', { text: 'Phone number, with country code', attrs: { for: inputId } }),
      el('div', { class: 'pair-number-row' }, this.input, this.submit),
      this.problem,
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.ask(request);
    });
    this.root = el(
      'div',
      { class: 'pairing-panel' },
      el('div', { class: 'pairing-steps' },
        el('ol', { class: 'steps' },
          el('li', { text: 'Type the number of the WhatsApp account to link, starting with + and the country code.' }),
          el('li', { text: 'On that phone open WhatsApp → Settings → Linked devices → Link a device.' }),
          el('li', { text: 'Tap "Link with phone number instead" and type the code shown here.' }),
        ),
        form,
        this.expired,
      ),
      this.codeBox,
    );
  }

  update(m: PairingCodeModel): void {
    this.codeBox.hidden = m.code === null;
    this.expired.hidden = !(this.shown && m.code === null);
    if (m.code !== null) {
      this.shown = true;
      setText(this.code, m.code);
      this.code.setAttribute('aria-label', `Pairing code ${m.spoken ?? m.code}`);
      setText(this.countdown, `Expires in ${m.countdown ?? ''}`);
    }
  }

  private async ask(request: (phoneNumber: string) => Promise<void>): Promise<void> {
    if (this.submit.getAttribute('aria-busy') === 'true') return;
    this.submit.setAttribute('aria-busy', 'true');
    setText(this.submit, 'Asking WhatsApp…');
    setText(this.problem, '');
    this.input.removeAttribute('aria-invalid');
    try {
      await request(this.input.value);
      this.code.focus();
    } catch (err) {
      setText(this.problem, errorText(err));
      this.input.setAttribute('aria-invalid', 'true');
      this.input.focus();
    } finally {
      this.submit.removeAttribute('aria-busy');
      setText(this.submit, 'Get code');
    }
  }
}

/**
 * Two tabs over the pairing panels: "Scan QR code" and "Link with phone number". Returns the
 * tab list to place above them; the panels get their roles and labels here.
 */
export function pairingTabs(id: string, panels: { qr: HTMLElement; code: HTMLElement }): HTMLElement {
  const entries = [
    { key: 'qr', label: 'Scan QR code', panel: panels.qr },
    { key: 'code', label: 'Link with phone number', panel: panels.code },
  ] as const;
  const tabs = entries.map(({ key, label, panel }) => {
    const tabId = `pair-tab-${key}-${id}`;
    const panelId = `pair-panel-${key}-${id}`;
    panel.id = panelId;
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', tabId);
    return el('button', { text: label, class: 'pairing-tab', attrs: { type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, 'data-tab': key } });
  });
  const select = (index: number, focus: boolean): void => {
    tabs.forEach((tab, i) => {
      const on = i === index;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      const panel = entries[i]?.panel;
      if (panel) panel.hidden = !on;
      if (on && focus) tab.focus();
    });
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => select(i, false));
    tab.addEventListener('keydown', (ev) => {
      const key = (ev as KeyboardEvent).key;
      const next = key === 'ArrowRight' ? i + 1 : key === 'ArrowLeft' ? i - 1 : key === 'Home' ? 0 : key === 'End' ? tabs.length - 1 : null;
      if (next === null) return;
      ev.preventDefault();
      select((next + tabs.length) % tabs.length, true);
    });
  });
  select(0, false);
  return el('div', { class: 'pairing-tabs', attrs: { role: 'tablist', 'aria-label': 'How to link' } }, ...tabs);
}
