// Settings → Local API: turn it on, choose the port, see where it listens, make a new token
// (shown here once, with Copy), and manage webhooks with each one's last delivery. Its own Save:
// it saves only the settings' `api` section, which main puts over the settings it has now.
import type { KeeperApi, LocalApiState } from '../main/ipc/contract.js';
import type { AppSettings } from '../main/settings/schema.js';
import { el, setText } from './dom.js';
import { errorText } from './view-model/error-text.js';
import { apiFormFromSettings, apiStatusText, deliveryText, newWebhookId, validateApiForm, type LocalApiFormValues } from './view-model/local-api.js';

/** How often the window asks main for the API state (deliveries move on their own). */
const REFRESH_MS = 5000;

export class LocalApiView {
  private base: AppSettings | null = null;
  private webhooks: LocalApiFormValues['webhooks'] = [];
  private state: LocalApiState | null = null;
  private readonly enabled = el('input', { attrs: { type: 'checkbox', id: 'api-enabled' } });
  private readonly port = el('input', { attrs: { type: 'text', id: 'api-port', inputmode: 'numeric', autocomplete: 'off', 'aria-describedby': 'api-port-hint' } });
  private readonly status = el('p', { class: 'muted', attrs: { id: 'api-status', role: 'status', 'aria-live': 'polite' } });
  private readonly tokenState = el('span', { class: 'secret-state', attrs: { id: 'api-token-state' } });
  private readonly tokenText = el('code', { class: 'recovery-key', attrs: { id: 'api-token', tabindex: '0' } });
  private readonly tokenBox = el('div', { class: 'recovery-key-box', attrs: { hidden: true, role: 'group', 'aria-label': 'New API token' } });
  private readonly newToken = el('button', { text: 'New token…', attrs: { type: 'button', id: 'api-new-token' } });
  private readonly tokenNote = el('p', { class: 'muted', attrs: { id: 'api-token-note', role: 'status', 'aria-live': 'polite' } });
  private readonly hookList = el('ul', { class: 'webhook-list', attrs: { id: 'api-webhooks' } });
  private readonly problems = el('ul', { class: 'form-errors', attrs: { id: 'api-problems', 'aria-live': 'polite' } });
  private readonly save = el('button', { text: 'Save Local API', class: 'primary', attrs: { type: 'button', id: 'api-save' } });
  private readonly saveStatus = el('p', { class: 'muted', attrs: { role: 'status', 'aria-live': 'polite' } });

  constructor(private readonly keeper: KeeperApi, root: HTMLElement) {
    this.newToken.addEventListener('click', () => void this.showSecret({ kind: 'token' }, 'Token'));
    const copy = el('button', { text: 'Copy', attrs: { type: 'button' } });
    copy.addEventListener('click', () => {
      navigator.clipboard.writeText(this.tokenText.textContent ?? '').then(
        () => setText(this.tokenNote, 'Copied. Paste it into your bot; it is not shown again.'),
        (err: unknown) => setText(this.tokenNote, `Not copied: ${errorText(err)}`),
      );
    });
    const hide = el('button', { text: 'Hide', class: 'secondary', attrs: { type: 'button' } });
    hide.addEventListener('click', () => {
      setText(this.tokenText, '');
      this.tokenBox.hidden = true;
      setText(this.tokenNote, '');
    });
    this.tokenBox.append(this.tokenText, copy, hide);
    const add = el('button', { text: 'Add webhook', class: 'secondary', attrs: { type: 'button', id: 'api-add-webhook' } });
    add.addEventListener('click', () => {
      this.webhooks.push({ id: newWebhookId(this.webhooks), url: '' });
      this.renderHooks();
      this.hookList.querySelector<HTMLInputElement>('li:last-child input')?.focus();
    });
    this.save.addEventListener('click', () => void this.submit());
    root.append(
      el('fieldset', { class: 'local-api' }, el('legend', { text: 'Local API' }),
        el('p', { class: 'hint', text: 'Lets a bot on this computer send and receive through this session over HTTP, every send through the anti-ban gate. Listens on 127.0.0.1 only; every request needs the token.' }),
        el('div', { class: 'check' }, this.enabled, el('label', { text: 'Turn on the local API', attrs: { for: 'api-enabled' } })),
        el('div', { class: 'field' }, el('label', { text: 'Port', attrs: { for: 'api-port' } }), this.port, el('p', { class: 'hint', text: '1024 to 65535', attrs: { id: 'api-port-hint' } })),
        this.status,
        el('div', { class: 'secret-row' }, el('span', { text: 'Token' }), this.tokenState, this.newToken),
        this.tokenBox, this.tokenNote,
        el('h3', { text: 'Webhooks' }),
        el('p', { class: 'hint', text: 'Each event is POSTed to these URLs (https, or http to this computer), signed with X-Session-Keeper-Signature.' }),
        this.hookList, add,
        this.problems,
        el('div', { class: 'form-actions' }, this.save, this.saveStatus),
      ),
    );
    setInterval(() => void this.refresh(), REFRESH_MS);
  }

  /** Shows the saved settings (an unsaved edit is replaced only when `force`). */
  load(settings: AppSettings, force = false): void {
    if (!force && this.base && this.dirty()) {
      this.base = settings;
      return;
    }
    this.base = settings;
    const form = apiFormFromSettings(settings);
    this.enabled.checked = form.enabled;
    this.port.value = form.port;
    this.webhooks = form.webhooks;
    this.renderHooks();
    setText(this.problems, '');
    void this.refresh();
  }

  private values(): LocalApiFormValues {
    return { enabled: this.enabled.checked, port: this.port.value, webhooks: this.webhooks };
  }

  private dirty(): boolean {
    if (!this.base) return false;
    return JSON.stringify(this.values()) !== JSON.stringify(apiFormFromSettings(this.base));
  }

  async refresh(): Promise<void> {
    try {
      this.state = await this.keeper.getApiState();
    } catch (err) {
      setText(this.status, `Could not read the API state: ${errorText(err)}`);
      return;
    }
    setText(this.status, apiStatusText(this.state));
    setText(this.tokenState, this.state.tokenSet ? 'Set (never shown again)' : 'Not made yet');
    setText(this.newToken, this.state.tokenSet ? 'Rotate token…' : 'New token…');
    for (const w of this.state.webhooks) {
      const node = this.hookList.querySelector(`[data-webhook="${w.id}"] .webhook-delivery`);
      if (node) setText(node, deliveryText(w, Date.now()));
    }
  }

  private renderHooks(): void {
    const saved = new Set((this.base?.api?.webhooks ?? []).map((w) => w.id));
    this.hookList.replaceChildren(
      ...this.webhooks.map((w, i) => {
        const id = `api-webhook-${w.id}`;
        const input = el('input', { attrs: { type: 'url', id, value: w.url, autocomplete: 'off', spellcheck: 'false', placeholder: 'https://bot.example/hook' } });
        input.value = w.url;
        input.addEventListener('input', () => {
          w.url = input.value;
        });
        const remove = el('button', { text: 'Remove', class: 'secondary', attrs: { type: 'button', 'aria-label': `Remove webhook ${i + 1}` } });
        remove.addEventListener('click', () => {
          this.webhooks = this.webhooks.filter((x) => x !== w);
          this.renderHooks();
        });
        const secret = el('button', { text: 'New secret…', attrs: { type: 'button', 'aria-label': `New signing secret for webhook ${i + 1}`, disabled: !saved.has(w.id) } });
        secret.addEventListener('click', () => void this.showSecret({ kind: 'webhook', webhookId: w.id }, 'Signing secret'));
        const view = this.state?.webhooks.find((s) => s.id === w.id);
        return el('li', { attrs: { 'data-webhook': w.id } },
          el('label', { text: `Webhook ${i + 1}`, attrs: { for: id } }), input, secret, remove,
          el('p', { class: 'hint webhook-delivery', text: view ? deliveryText(view, Date.now()) : saved.has(w.id) ? 'No delivery yet' : 'Not saved yet' }),
        );
      }),
    );
  }

  /** main confirms natively, then the new secret is shown here once. */
  private async showSecret(target: Parameters<KeeperApi['newApiSecret']>[0], what: string): Promise<void> {
    try {
      const secret = await this.keeper.newApiSecret(target);
      setText(this.tokenText, secret);
      this.tokenBox.setAttribute('aria-label', `New ${what.toLowerCase()}`);
      this.tokenBox.hidden = false;
      setText(this.tokenNote, `${what} made: copy it now, it is shown only this once.`);
      await this.refresh();
    } catch (err) {
      setText(this.tokenNote, `Not made: ${errorText(err)}`);
    }
  }

  private async submit(): Promise<void> {
    let current: AppSettings;
    try {
      current = await this.keeper.getSettings();
    } catch (err) {
      setText(this.saveStatus, `Not saved: ${errorText(err)}`);
      return;
    }
    const v = validateApiForm(this.values(), current);
    this.problems.replaceChildren(...(v.ok ? [] : v.problems).map((m) => el('li', { text: m })));
    if (!v.ok) {
      setText(this.saveStatus, 'Fix the problems above to save.');
      return;
    }
    this.save.disabled = true;
    try {
      const saved = await this.keeper.updateSettings({ api: v.settings.api });
      this.load(saved, true);
      setText(this.saveStatus, 'Saved.');
    } catch (err) {
      setText(this.saveStatus, `Not saved: ${errorText(err)}`);
    } finally {
      this.save.disabled = false;
    }
  }
}
