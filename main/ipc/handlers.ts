// What each invoke does, given the running pieces. Payloads arrive already validated by the
// router; results are shaped to the contract (engine-internal fields left out).
import { writeFile } from 'node:fs/promises';
import type { Keeper } from '../engine/keeper.js';
import type { ApiSecretTarget, AppEnvironment, LocalApiState } from './contract.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { SecretStore } from '../settings/secret-store.js';
import { parseAppSettings, type AppSettings, type SecretName, type SettingsSection } from '../settings/schema.js';
import { ProblemsError, type IpcHandlers } from './router.js';
import { KeeperError } from '../engine/errors.js';
import { presentUptime } from '../presenters/uptime-presenter.js';
import { RECOVERY_KEY_SAVE_CONFIRM, RECOVERY_KEY_SHOW_CONFIRM, recoveryKeySheet } from '../presenters/recovery-key-sheet.js';

export type KeeperPort = Pick<
  Keeper,
  | 'statuses'
  | 'logTail'
  | 'reconnect'
  | 'requestQr'
  | 'requestPairingCode'
  | 'logout'
  | 'backupNow'
  | 'listBackups'
  | 'checkBackupTarget'
  | 'restore'
  | 'keepAliveNow'
  | 'pauseKeepAlive'
  | 'resumeKeepAlive'
  | 'resumeOutbound'
  | 'importSession'
  | 'recoveryKey'
  | 'uptime'
>;

export interface HandlerDeps {
  /** the running keeper (it is replaced when engine settings change) */
  keeper(): KeeperPort;
  settings: SettingsStore;
  secrets: SecretStore;
  environment(): AppEnvironment;
  /** a native folder picker; null when cancelled */
  pickFolder(title: string): Promise<string | null>;
  /** a native save dialog; null when cancelled */
  pickSaveFile(defaultName: string): Promise<string | null>;
  /**
   * A native confirmation shown by main (not by the page): true only when the person agreed.
   * Without it, actions that need one (confirmationFor, exporting the recovery key) are refused.
   */
  confirm?(message: string, detail?: string): Promise<boolean>;
  /** the local API (absent: the window shows it off and cannot make secrets) */
  localApi?: { state(): LocalApiState; newSecret(target: ApiSecretTarget): Promise<string> };
  onSettingsSaved?(settings: AppSettings): void;
  onSecretChanged?(name: SecretName): void;
}

/**
 * What a call would change that code in the page must not change alone (issue 11: a script in
 * the renderer could set its own passphrase, point backups at its server and upload). Each entry
 * is the sentence main's native dialog shows; null = no confirmation needed. Pure.
 */
export type SensitiveCall =
  | { call: 'setSecret'; name: SecretName; value: string | null }
  | { call: 'setSettings'; before: AppSettings; after: AppSettings }
  | { call: 'logout'; phoneId: string }
  | { call: 'restore'; phoneId: string; generation?: string }
  | { call: 'resumeSending'; phoneId: string }
  | { call: 'newApiSecret'; target: ApiSecretTarget };

export function confirmationFor(c: SensitiveCall): string | null {
  switch (c.call) {
    case 'setSecret':
      if (c.name === 'backupPassphrase') return c.value ? 'Change the backup passphrase? New backups will be encrypted with it.' : 'Remove the backup passphrase? New backups will use the installation key.';
      return c.value ? 'Store a new Supabase key? Backups will be sent with it.' : 'Remove the stored Supabase key? Supabase backups stop until a key is set.';
    case 'setSettings': {
      const b = c.before.backup;
      const a = c.after.backup;
      const changed: string[] = [];
      if (a.target !== b.target) changed.push(`the backup target from ${b.target} to ${a.target}`);
      if (a.supabase.url !== b.supabase.url) changed.push(`the Supabase URL to ${hostOf(a.supabase.url)}`);
      if (a.supabase.bucket !== b.supabase.bucket) changed.push(`the Supabase bucket to ${quoted(a.supabase.bucket)}`);
      const asks: string[] = [];
      if (changed.length) asks.push(`Change ${changed.join(', ')}? Your session backups will be sent there.`);
      // the app downloads and installs whatever this address serves
      if (c.after.updateUrl !== c.before.updateUrl) {
        asks.push(c.after.updateUrl ? `Install updates from ${hostOf(c.after.updateUrl)}? Session Keeper will download and run what that address serves.` : 'Turn off automatic updates?');
      }
      const api = apiChangeConfirmation(c.before.api, c.after.api);
      if (api) asks.push(api);
      return asks.length ? asks.join(' ') : null;
    }
    case 'logout':
      return `Log out "${c.phoneId}"? WhatsApp removes this linked device; linking again needs the phone.`;
    case 'restore':
      return `Restore "${c.phoneId}" from ${c.generation ?? 'the newest backup'}? The current session files are set aside.`;
    case 'resumeSending':
      return `Resume sending on "${c.phoneId}"? Sending stopped because WhatsApp refused messages; more refusals can get the number banned.`;
    case 'newApiSecret':
      return c.target.kind === 'token'
        ? 'Make a new local API token? Programs using the old token stop working until they get the new one.'
        : 'Make a new signing secret for this webhook? The receiver must switch to it to trust deliveries.';
  }
}

/**
 * The dialog's smaller text under the question: the full addresses a settings change sends
 * backups or events to, or takes updates from (the question names only their host). Pure.
 */
export function confirmationDetailFor(c: SensitiveCall): string | null {
  if (c.call !== 'setSettings') return null;
  const lines: string[] = [];
  if (c.after.backup.supabase.url && c.after.backup.supabase.url !== c.before.backup.supabase.url) lines.push(`Supabase URL: ${hrefOf(c.after.backup.supabase.url)}`);
  if (c.after.updateUrl && c.after.updateUrl !== c.before.updateUrl) lines.push(`Update URL: ${hrefOf(c.after.updateUrl)}`);
  for (const url of addedWebhooks(c.before.api, c.after.api)) lines.push(`Webhook: ${hrefOf(url)}`);
  return lines.length ? lines.join('\n') : null;
}

// The schema refuses URLs with control characters or that are not written as their href, and
// buckets with control characters; these still never put raw page text into a dialog.
function hostOf(url: string): string {
  if (!url) return '(none)';
  try {
    return new URL(url).host;
  } catch {
    return '(an invalid address)';
  }
}

function hrefOf(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return '(an invalid address)';
  }
}

const BUCKET_SHOWN = 40;

function quoted(bucket: string): string {
  if (!bucket) return '(none)';
  const clean = bucket.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  return JSON.stringify(clean.length > BUCKET_SHOWN ? `${clean.slice(0, BUCKET_SHOWN)}…` : clean);
}

/** Webhook URLs in `after` that `before` did not send to. */
function addedWebhooks(before: AppSettings['api'], after: AppSettings['api']): string[] {
  const known = new Set((before?.webhooks ?? []).map((w) => w.url));
  return (after?.webhooks ?? []).filter((w) => !known.has(w.url)).map((w) => w.url);
}

/**
 * Turning the local API on, or sending its events to a new URL, lets a program act as this account;
 * a shorter inbox keep period deletes received messages a bot may not have read yet. Pure.
 */
function apiChangeConfirmation(before: AppSettings['api'], after: AppSettings['api']): string | null {
  const added = addedWebhooks(before, after);
  const enabling = Boolean(after?.enabled) && !before?.enabled;
  const asks: string[] = [];
  if (added.length > 0) asks.push(`Send every event, incoming messages included, to ${added.map(hostOf).join(', ')}?`);
  else if (enabling) asks.push('Turn on the local API? Programs on this computer with its token can send and read messages as this account.');
  if (before && after && after.inboxKeepDays < before.inboxKeepDays) {
    asks.push(`Keep received messages in the API inbox for ${after.inboxKeepDays} day(s) instead of ${before.inboxKeepDays}? Older ones are deleted, read by a bot or not.`);
  }
  return asks.length ? asks.join(' ') : null;
}

/** A Supabase key belongs to the server it was given for: a new URL drops it. Pure. */
export function supabaseKeyOutlived(before: AppSettings, after: AppSettings): boolean {
  return before.backup.supabase.url !== after.backup.supabase.url;
}

export function createHandlers(deps: HandlerDeps): IpcHandlers {
  /** Main's own dialog, not the page's: refused unless the person agreed. */
  const confirmed = async (c: SensitiveCall): Promise<void> => {
    const message = confirmationFor(c);
    if (message === null) return;
    if (!deps.confirm) throw new KeeperError('refused-by-gate', 'This change needs a native confirmation, and main has none wired.');
    const detail = confirmationDetailFor(c);
    if (!(await (detail === null ? deps.confirm(message) : deps.confirm(message, detail)))) throw new KeeperError('refused-by-gate', 'Cancelled: nothing was changed.');
  };
  /** Whole settings, as a save gives them: confirmed, stored, announced. */
  const saveSettings = async (settings: AppSettings): Promise<AppSettings> => {
    const before = deps.settings.get();
    await confirmed({ call: 'setSettings', before, after: settings });
    return storeSettings(before, settings);
  };
  /**
   * Some sections over the stored settings. Main's dialog can stay open a long time, and other
   * saves (the tray's "Start at login") go on meanwhile: the sections are merged again onto what is
   * stored once the person answered, and asked again only if that changes the question.
   */
  const updateSettings = async (sections: Partial<Record<SettingsSection, unknown>>): Promise<AppSettings> => {
    const mergeOnto = (current: AppSettings): AppSettings => {
      const merged = parseAppSettings({ ...current, ...sections });
      if (!merged.ok) throw new ProblemsError(merged.problems);
      return merged.settings;
    };
    let asked: string | null = null;
    for (let round = 0; round < 3; round++) {
      const before = deps.settings.get();
      const after = mergeOnto(before);
      const c: SensitiveCall = { call: 'setSettings', before, after };
      const question = JSON.stringify([confirmationFor(c), confirmationDetailFor(c)]);
      if (question !== asked) {
        await confirmed(c);
        asked = question;
        // other saves may have landed while the dialog was open: merge again and check the question still holds
        if (deps.settings.get() !== before) continue;
      }
      return storeSettings(before, after);
    }
    throw new KeeperError('restarting', 'The settings kept changing while this change waited for confirmation; nothing was changed. Try again.');
  };
  const storeSettings = async (before: AppSettings, settings: AppSettings): Promise<AppSettings> => {
    const r = deps.settings.set(settings);
    if (!r.ok) throw new ProblemsError(r.problems);
    if (supabaseKeyOutlived(before, r.settings) && deps.secrets.has('supabaseKey')) {
      await deps.secrets.set('supabaseKey', null);
      deps.onSecretChanged?.('supabaseKey');
    }
    deps.onSettingsSaved?.(r.settings);
    return r.settings;
  };
  return {
    getStatuses: () => deps.keeper().statuses(),
    getLog: (q) => deps.keeper().logTail(q ?? {}),
    reconnect: ({ phoneId }) => deps.keeper().reconnect(phoneId),
    requestQr: ({ phoneId }) => deps.keeper().requestQr(phoneId),
    requestPairingCode: async ({ phoneId, phoneNumber }) => {
      const { code, expiresAt } = await deps.keeper().requestPairingCode(phoneId, phoneNumber);
      return { code, expiresAt };
    },
    logout: async ({ phoneId }) => {
      await confirmed({ call: 'logout', phoneId });
      return deps.keeper().logout(phoneId);
    },
    backupNow: async ({ phoneId }) => {
      const r = await deps.keeper().backupNow(phoneId, { force: true });
      switch (r.outcome) {
        case 'uploaded':
          return { outcome: 'uploaded', generation: r.generation };
        case 'unchanged':
          return { outcome: 'unchanged', generation: r.generation };
        case 'skipped':
          return { outcome: 'skipped', reason: r.reason };
        case 'failed':
          return { outcome: 'failed', error: r.error };
      }
    },
    listBackups: async ({ phoneId }) => (await deps.keeper().listBackups(phoneId)).map((b) => ({ name: b.name, size: b.size, createdAt: b.createdAt })),
    checkBackupTarget: async () => {
      const r = await deps.keeper().checkBackupTarget();
      return { ok: r.ok, target: r.target, steps: r.steps.map((s) => ({ step: s.step, ok: s.ok, detail: s.detail })), problem: r.problem, summary: r.summary, warning: r.warning };
    },
    restore: async ({ phoneId, generation }) => {
      await confirmed({ call: 'restore', phoneId, ...(generation !== undefined ? { generation } : {}) });
      const r = await deps.keeper().restore(phoneId, generation !== undefined ? { generation } : {});
      return { generation: r.generation, quarantinedTo: r.quarantinedTo };
    },
    keepAliveNow: async ({ phoneId, force }) => {
      const r = await deps.keeper().keepAliveNow(phoneId, { force: force ?? false });
      return { sentAt: r.sentAt, nextKeepAliveAt: r.nextKeepAliveAt };
    },
    pauseKeepAlive: ({ phoneId }) => deps.keeper().pauseKeepAlive(phoneId),
    resumeKeepAlive: ({ phoneId }) => deps.keeper().resumeKeepAlive(phoneId),
    resumeSending: async ({ phoneId }) => {
      // lifts the anti-ban stop: a page script must not restart sending into a ban alone
      await confirmed({ call: 'resumeSending', phoneId });
      await deps.keeper().resumeOutbound(phoneId);
    },
    importSession: async ({ phoneId, replace }) => {
      const from = await deps.pickFolder('Choose a Baileys session folder (with creds.json)');
      if (from === null) return null;
      return deps.keeper().importSession(phoneId, from, { replace: replace ?? false });
    },
    getSettings: () => deps.settings.get(),
    setSettings: (settings) => saveSettings(settings),
    updateSettings: (sections) => updateSettings(sections),
    setSecret: async ({ name, value }) => {
      await confirmed({ call: 'setSecret', name, value });
      await deps.secrets.set(name, value);
      deps.onSecretChanged?.(name);
      return deps.secrets.info();
    },
    getEnvironment: () => deps.environment(),
    getApiState: () => deps.localApi?.state() ?? { enabled: false, url: null, error: null, tokenSet: false, webhooks: [] },
    newApiSecret: async (target) => {
      if (!deps.localApi) throw new KeeperError('restarting', 'The local API is not set up in this process.');
      await confirmed({ call: 'newApiSecret', target });
      return deps.localApi.newSecret(target);
    },
    getUptime: async ({ phoneId, days }) => presentUptime(await deps.keeper().uptime(phoneId, days !== undefined ? { days } : {})),
    exportRecoveryKey: async ({ toFile }) => {
      // the key first: "your backups use your passphrase" needs no confirmation to be said
      const key = await deps.keeper().recoveryKey();
      if (!deps.confirm) throw new Error('The recovery key can only be shown after a native confirmation, and main has none wired.');
      if (!(await deps.confirm(toFile ? RECOVERY_KEY_SAVE_CONFIRM : RECOVERY_KEY_SHOW_CONFIRM))) return null;
      if (!toFile) return { key, savedTo: null };
      const file = await deps.pickSaveFile('session-keeper-recovery-key.txt');
      if (file === null) return null;
      await writeFile(file, recoveryKeySheet(key, Date.now()), { mode: 0o600 });
      return { key, savedTo: file };
    },
    exportLog: async (q) => {
      const phoneId = q?.phoneId;
      const file = await deps.pickSaveFile(`session-keeper-log${phoneId ? `-${phoneId}` : ''}.jsonl`);
      if (file === null) return null;
      const entries = deps.keeper().logTail(phoneId !== undefined ? { phoneId, limit: 10_000 } : { limit: 10_000 });
      await writeFile(file, entries.map((e) => JSON.stringify(e)).join('\n') + '\n', { mode: 0o600 });
      return file;
    },
  };
}
