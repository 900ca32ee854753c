// The settings form. Every input re-validates the whole form with parseAppSettings (the schema
// main saves with), shows each problem next to its field, and keeps Save disabled until valid.
import type { AppEnvironment, BackupCheckResult, KeeperApi, SecretsInfo } from '../main/ipc/contract.js';
import type { AppSettings, SecretName } from '../main/settings/schema.js';
import { el, setText } from './dom.js';
import { errorText } from './view-model/error-text.js';
import { formFromSettings, sameSettings, settingsFormSections, validateSettingsForm, type SettingsField, type SettingsFormValues } from './view-model/settings-form.js';

type TextField = Exclude<SettingsField, 'startAtLogin' | 'backupTarget'>;

interface FieldSpec {
  name: TextField;
  label: string;
  hint?: string;
  type?: 'text' | 'time' | 'url';
  numeric?: boolean;
  list?: string;
}

const KEEP_ALIVE: FieldSpec[] = [
  { name: 'intervalHours', label: 'Keep-alive interval (hours)', hint: '6 to 24', numeric: true },
  { name: 'jitterPercent', label: 'Jitter (%)', hint: '0 to 20: each pulse moves by up to this much', numeric: true },
  { name: 'holdSeconds', label: 'Pulse hold (seconds)', hint: '0 to 300: time shown online per pulse', numeric: true },
  { name: 'timeZone', label: 'Time zone', hint: "IANA name, e.g. Asia/Jerusalem; the windows below are read in it", list: 'time-zones' },
  { name: 'sleepStart', label: 'Sleep window starts', type: 'time' },
  { name: 'sleepEnd', label: 'Sleep window ends', type: 'time', hint: 'No pulses while asleep' },
  { name: 'reducedWindows', label: 'Reduced windows', hint: 'Quieter hours, e.g. 23:00–01:00, 06:00–08:00' },
];
const RECONNECT: FieldSpec[] = [{ name: 'unauthorizedRetries', label: '401 retries', hint: '1 to 3 retries of a 401 with valid session files before asking for a rescan', numeric: true }];
const SUPABASE: FieldSpec[] = [
  { name: 'supabaseUrl', label: 'Supabase project URL', type: 'url' },
  { name: 'supabaseBucket', label: 'Bucket' },
  { name: 'supabasePrefix', label: 'Folder prefix' },
];
const UPDATE_URL: FieldSpec = { name: 'updateUrl', label: 'Update URL', type: 'url', hint: 'Where new versions are published (the folder holding latest.yml). Empty: no automatic updates' };
const BACKUP_KEEP: FieldSpec = { name: 'backupKeep', label: 'Backups kept per phone', hint: '1 to 100', numeric: true };

const SECRETS: Array<{ name: SecretName; label: string }> = [
  { name: 'supabaseKey', label: 'Supabase key (anon or user, never service-role)' },
  { name: 'backupPassphrase', label: 'Backup passphrase' },
];

export class SettingsView {
  private base: AppSettings | null = null;
  private readonly inputs = new Map<SettingsField, HTMLInputElement | HTMLSelectElement>();
  private readonly errors = new Map<SettingsField, HTMLElement>();
  private readonly general = el('ul', { class: 'form-errors', attrs: { 'aria-live': 'polite' } });
  private readonly save = el('button', { text: 'Save settings', class: 'primary', attrs: { type: 'submit', disabled: true } });
  private readonly status = el('p', { class: 'muted', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly secretWarning = el('p', { class: 'banner banner-warn', attrs: { role: 'note', hidden: true } });
  private readonly secretState = new Map<SecretName, HTMLElement>();
  private shownSecrets: SecretsInfo | null = null;
  /** what the last save has to say beyond "Saved.", kept until the form changes: a push from main re-validates */
  private savedNotice: string | null = null;
  private readonly supabaseFields = el('div', { class: 'grid' });
  private readonly checkButton = el('button', { text: 'Test connection', class: 'secondary', attrs: { type: 'button', id: 'backup-check' } });
  private readonly checkResult = el('div', { class: 'result', attrs: { id: 'backup-check-result', role: 'status', 'aria-live': 'polite' } });
  private valid: AppSettings | null = null;

  constructor(private readonly keeper: KeeperApi, root: HTMLElement) {
    const form = el('form', { class: 'settings-form', attrs: { novalidate: true, 'aria-describedby': 'settings-status' } });
    this.status.id = 'settings-status';
    const zones = el('datalist', { attrs: { id: 'time-zones' } }, ...Intl.supportedValuesOf('timeZone').map((z) => el('option', { attrs: { value: z } })));
    const target = el('select', { attrs: { id: 'field-backupTarget', name: 'backupTarget', 'aria-describedby': 'error-backupTarget' } },
      el('option', { text: 'This computer (encrypted folder)', attrs: { value: 'local' } }),
      el('option', { text: 'Supabase Storage', attrs: { value: 'supabase' } }),
      el('option', { text: 'No backups', attrs: { value: 'none' } }),
    );
    this.inputs.set('backupTarget', target);
    const startAtLogin = el('input', { attrs: { type: 'checkbox', id: 'field-startAtLogin', name: 'startAtLogin' } });
    this.inputs.set('startAtLogin', startAtLogin);
    this.supabaseFields.append(...SUPABASE.map((f) => this.field(f)));

    form.append(
      el('fieldset', {}, el('legend', { text: 'Keep-alive' }), el('div', { class: 'grid' }, ...KEEP_ALIVE.map((f) => this.field(f))), zones),
      el('fieldset', {}, el('legend', { text: 'Reconnecting' }), el('div', { class: 'grid' }, ...RECONNECT.map((f) => this.field(f)))),
      el('fieldset', {}, el('legend', { text: 'Backups' }),
        el('div', { class: 'grid' }, this.wrap('backupTarget', 'Back up to', target), this.field(BACKUP_KEEP)),
        this.supabaseFields,
        el('div', { class: 'form-actions' }, this.checkButton),
        el('p', { class: 'hint', text: 'Tests the saved settings and key: stores, lists, reads and removes a small test file.' }),
        this.checkResult,
      ),
      el('fieldset', {}, el('legend', { text: 'Start-up' }),
        el('div', { class: 'check' }, startAtLogin, el('label', { text: 'Start Session Keeper when I log in', attrs: { for: 'field-startAtLogin' } })),
      ),
      el('fieldset', {}, el('legend', { text: 'Updates' }), el('div', { class: 'grid' }, this.field(UPDATE_URL))),
      this.general,
      el('div', { class: 'form-actions' }, this.save, this.status),
    );
    this.checkButton.addEventListener('click', () => void this.checkTarget());
    form.addEventListener('input', () => this.validate());
    form.addEventListener('change', () => this.validate());
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.submit();
    });
    root.append(form, this.secretsSection());
  }

  /** Shows settings from main; an edited form is left alone unless `force`. */
  load(settings: AppSettings, force = false): void {
    if (!force && this.base && this.valid && !sameSettings(this.valid, this.base)) return;
    this.base = settings;
    const values = formFromSettings(settings);
    for (const [name, input] of this.inputs) {
      const v = values[name];
      if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = v === true;
      else input.value = String(v);
    }
    this.validate();
  }

  showSecrets(env: AppEnvironment): void {
    this.secrets(env.secrets);
  }

  private secrets(info: SecretsInfo): void {
    this.shownSecrets = info;
    for (const [name, node] of this.secretState) setText(node, info.set[name] ? 'Set' : 'Not set');
    const warn = info.backend === 'basic_text'
      ? 'No system keyring was found: secrets are stored only obfuscated on this computer, not encrypted. Anyone with access to your user account can read them.'
      : info.backend === 'unavailable'
        ? 'Secrets cannot be stored on this system: set them again after every start.'
        : '';
    setText(this.secretWarning, warn);
    this.secretWarning.hidden = warn === '';
  }

  private wrap(name: SettingsField, label: string, input: HTMLElement, hint?: string): HTMLElement {
    const error = el('p', { class: 'field-error', attrs: { id: `error-${name}`, 'aria-live': 'polite' } });
    this.errors.set(name, error);
    const hintEl = hint ? el('p', { class: 'hint', text: hint, attrs: { id: `hint-${name}` } }) : null;
    if (hint) input.setAttribute('aria-describedby', `hint-${name} error-${name}`);
    return el('div', { class: 'field', attrs: { 'data-field': name } }, el('label', { text: label, attrs: { for: `field-${name}` } }), input, hintEl, error);
  }

  private field(f: FieldSpec): HTMLElement {
    const input = el('input', {
      attrs: {
        id: `field-${f.name}`,
        name: f.name,
        type: f.type ?? 'text',
        autocomplete: 'off',
        spellcheck: 'false',
        'aria-describedby': `error-${f.name}`,
        ...(f.numeric ? { inputmode: 'decimal' } : {}),
        ...(f.list ? { list: f.list } : {}),
      },
    });
    this.inputs.set(f.name, input);
    return this.wrap(f.name, f.label, input, f.hint);
  }

  private values(): SettingsFormValues {
    const get = (name: SettingsField) => this.inputs.get(name)?.value ?? '';
    const check = this.inputs.get('startAtLogin');
    return {
      intervalHours: get('intervalHours'),
      jitterPercent: get('jitterPercent'),
      holdSeconds: get('holdSeconds'),
      timeZone: get('timeZone'),
      sleepStart: get('sleepStart'),
      sleepEnd: get('sleepEnd'),
      reducedWindows: get('reducedWindows'),
      unauthorizedRetries: get('unauthorizedRetries'),
      backupTarget: get('backupTarget'),
      supabaseUrl: get('supabaseUrl'),
      supabaseBucket: get('supabaseBucket'),
      supabasePrefix: get('supabasePrefix'),
      backupKeep: get('backupKeep'),
      startAtLogin: check instanceof HTMLInputElement && check.checked,
      updateUrl: get('updateUrl'),
    };
  }

  private validate(): void {
    if (!this.base) return;
    const values = this.values();
    this.supabaseFields.hidden = values.backupTarget !== 'supabase';
    const v = validateSettingsForm(values, this.base);
    for (const [name, node] of this.errors) {
      const msgs = v.ok ? [] : (v.byField[name] ?? []);
      setText(node, msgs.join(' '));
      this.inputs.get(name)?.setAttribute('aria-invalid', String(msgs.length > 0));
    }
    this.general.replaceChildren(...(v.ok ? [] : v.general).map((m) => el('li', { text: m })));
    this.valid = v.ok ? v.settings : null;
    const changed = v.ok && !sameSettings(v.settings, this.base);
    this.save.disabled = !changed;
    if (changed) this.savedNotice = null;
    setText(this.status, !v.ok ? 'Fix the marked fields to save.' : changed ? 'Unsaved changes.' : (this.savedNotice ?? 'Saved.'));
  }

  private async submit(): Promise<void> {
    if (!this.valid || this.save.disabled) return;
    this.save.disabled = true;
    // read before saving: a push from main may redraw the secrets while the save is in flight
    const hadKey = this.shownSecrets?.set.supabaseKey === true;
    this.savedNotice = null;
    try {
      const saved = await this.keeper.updateSettings(settingsFormSections(this.valid));
      this.valid = null;
      this.load(saved, true);
      setText(this.status, 'Saved.');
    } catch (err) {
      // validate first: it enables Save again, and its "Unsaved changes." must not hide why not
      this.validate();
      setText(this.status, `Not saved: ${errorText(err)}`);
      return;
    }
    await this.rereadSecrets(hadKey);
  }

  /** Main drops the Supabase key when the URL changes (it belongs to the old server): show what is stored now. */
  private async rereadSecrets(hadKey: boolean): Promise<void> {
    try {
      this.secrets((await this.keeper.getEnvironment()).secrets);
    } catch {
      return; // the settings are saved; the secrets line stays as it was until the next read
    }
    if (hadKey && this.shownSecrets?.set.supabaseKey !== true) {
      this.savedNotice = 'Saved. The Supabase key was for the old URL and was removed: set the key for the new project.';
      setText(this.status, this.savedNotice);
    }
  }

  private async checkTarget(): Promise<void> {
    this.checkButton.disabled = true;
    this.checkResult.className = 'result';
    this.checkResult.replaceChildren(el('p', { text: 'Testing the connection…' }));
    const unsaved = this.base !== null && this.valid !== null && !sameSettings(this.valid, this.base);
    try {
      this.showCheck(await this.keeper.checkBackupTarget(), unsaved);
    } catch (err) {
      this.checkResult.className = 'result tone-bad';
      this.checkResult.replaceChildren(el('p', { text: `Could not test: ${errorText(err)}` }));
    } finally {
      this.checkButton.disabled = false;
    }
  }

  private showCheck(r: BackupCheckResult, unsaved: boolean): void {
    this.checkResult.className = `result ${r.ok ? 'tone-ok' : 'tone-bad'}`;
    const steps = el('ul', { class: 'check-steps' }, ...r.steps.map((s) => el('li', { text: `${s.ok ? '✓' : '✗'} ${s.step}: ${s.detail}`, attrs: { 'data-step': s.step, 'data-ok': String(s.ok) } })));
    this.checkResult.replaceChildren(
      el('p', { class: 'check-verdict', text: r.ok ? r.summary : (r.problem ?? r.summary) }),
      steps,
      ...(r.warning !== null ? [el('p', { class: 'banner banner-warn check-warning', text: r.warning, attrs: { role: 'note' } })] : []),
      ...(unsaved ? [el('p', { class: 'hint', text: 'This tested the saved settings: save your changes to test them.' })] : []),
    );
  }

  private secretsSection(): HTMLElement {
    const section = el('fieldset', { class: 'secrets' }, el('legend', { text: 'Secrets' }),
      el('p', { class: 'hint', text: 'Write-only: a saved secret is never shown again. Leave a field empty and press Set to keep it as it is.' }),
      this.secretWarning,
    );
    for (const s of SECRETS) {
      const id = `secret-${s.name}`;
      const input = el('input', { attrs: { type: 'password', id, autocomplete: 'new-password', 'aria-describedby': `${id}-state` } });
      const state = el('span', { class: 'secret-state', attrs: { id: `${id}-state`, 'aria-live': 'polite' } });
      this.secretState.set(s.name, state);
      const send = async (value: string | null) => {
        try {
          this.secrets(await this.keeper.setSecret(s.name, value));
          input.value = '';
        } catch (err) {
          setText(state, `Not saved: ${errorText(err)}`);
        }
      };
      const setBtn = el('button', { text: 'Set', attrs: { type: 'button' } });
      setBtn.addEventListener('click', () => {
        if (input.value !== '') void send(input.value);
      });
      const clearBtn = el('button', { text: 'Clear', class: 'secondary', attrs: { type: 'button' } });
      clearBtn.addEventListener('click', () => void send(null));
      section.append(el('div', { class: 'secret-row' }, el('label', { text: s.label, attrs: { for: id } }), input, setBtn, clearBtn, state));
    }
    section.append(this.recoveryKeyRow());
    return section;
  }

  /** "Export recovery key…": main confirms natively, then the key is shown here once, copyable. */
  private recoveryKeyRow(): HTMLElement {
    const status = el('p', { class: 'muted', attrs: { id: 'recovery-key-status', role: 'status', 'aria-live': 'polite' } });
    const keyText = el('code', { class: 'recovery-key', attrs: { id: 'recovery-key-text', tabindex: '0' } });
    const copy = el('button', { text: 'Copy', attrs: { type: 'button' } });
    const saveFile = el('button', { text: 'Save as text file…', attrs: { type: 'button' } });
    const hide = el('button', { text: 'Hide', class: 'secondary', attrs: { type: 'button' } });
    const shown = el('div', { class: 'recovery-key-box', attrs: { hidden: true, role: 'group', 'aria-label': 'Backup recovery key' } }, keyText, copy, saveFile, hide);
    const exportBtn = el('button', { text: 'Export recovery key…', attrs: { type: 'button', 'aria-describedby': 'recovery-key-status' } });
    const clear = () => {
      setText(keyText, '');
      shown.hidden = true;
    };
    const ask = async (toFile: boolean) => {
      try {
        const r = await this.keeper.exportRecoveryKey({ toFile });
        if (!r) {
          setText(status, toFile ? 'Not saved.' : 'Not shown.');
          return;
        }
        setText(keyText, r.key);
        shown.hidden = false;
        setText(status, r.savedTo ? `Saved to ${r.savedTo}. Print it or store it offline, then delete the file.` : 'Write this key down and keep it offline: it opens your backups on another computer.');
      } catch (err) {
        clear();
        setText(status, `No recovery key: ${errorText(err)}`);
      }
    };
    exportBtn.addEventListener('click', () => void ask(false));
    saveFile.addEventListener('click', () => void ask(true));
    hide.addEventListener('click', () => {
      clear();
      setText(status, '');
    });
    copy.addEventListener('click', () => {
      navigator.clipboard.writeText(keyText.textContent ?? '').then(
        () => setText(status, 'Copied. Paste it somewhere offline, then clear your clipboard.'),
        (err: unknown) => setText(status, `Not copied: ${errorText(err)}`),
      );
    });
    return el('div', { class: 'recovery-key-row' },
      el('p', { class: 'hint', text: 'The recovery key opens backups made with this computer\'s key on another computer. It is shown only after you confirm.' }),
      exportBtn, shown, status,
    );
  }
}
