// The one IPC contract: channel names, payload schemas and the typed API the preload exposes as
// `window.keeper`. Imported by main (validation), preload (forwarding) and renderer (types).
// Runtime-neutral on purpose: no electron, no node built-ins.
import * as v from 'valibot';
import type { LogEntry, LogLevel, PairingCode, PhoneStatus } from '../engine/types.js';
import { appSettingsSchema, SECRET_NAMES, SETTINGS_SECTIONS, type AppSettings, type SecretName, type SettingsSection } from '../settings/schema.js';
import type { SettingsProblem } from '../engine/settings-schema.js';
import { objectRules, oneOf, patternMessage, strictObject, text, union, wholeNumber, wrongType } from '../engine/validation-parts.js';
import type { KeeperErrorCode } from '../engine/errors.js';
import { PHONE_ID_PATTERN } from '../engine/phone-id.js';
import { passphraseProblem } from '../engine/backup/passphrase-policy.js';
import { INVOKE_CHANNEL, PUSH, type InvokeName } from './channels.js';
import { UPTIME_MAX_DAYS } from '../engine/uptime/history-record.js';
import type { UptimeView } from '../presenters/uptime-presenter.js';

export const phoneIdSchema = v.pipe(v.string(wrongType('string')), v.regex(PHONE_ID_PATTERN, 'Unknown or malformed phone id'));
const phoneOnly = strictObject({ phoneId: phoneIdSchema });
/** no payload at all */
const nothing = v.undefined(wrongType('undefined'));
const WEBHOOK_ID = /^[a-z0-9-]{1,40}$/;
const PHONE_NUMBER = /^[+\d\s\-.()]+$/;

const secretFields = strictObject({ name: oneOf(SECRET_NAMES), value: v.nullable(text({ max: 4096 })) });

/** renderer → main, answered (ipcRenderer.invoke / ipcMain.handle) */
export const INVOKE = {
  getStatuses: { channel: INVOKE_CHANNEL.getStatuses, payload: nothing },
  getLog: {
    channel: INVOKE_CHANNEL.getLog,
    payload: v.optional(
      strictObject({
        phoneId: v.optional(v.nullable(phoneIdSchema)),
        level: v.optional(oneOf(['debug', 'info', 'warn', 'error'])),
        limit: v.optional(wholeNumber(1, 10_000)),
      }),
    ),
  },
  reconnect: { channel: INVOKE_CHANNEL.reconnect, payload: phoneOnly },
  requestQr: { channel: INVOKE_CHANNEL.requestQr, payload: phoneOnly },
  /** link by phone number: the engine checks the number itself (country code, length) and says what is wrong */
  requestPairingCode: {
    channel: INVOKE_CHANNEL.requestPairingCode,
    payload: strictObject({
      phoneId: phoneIdSchema,
      phoneNumber: v.pipe(text({ min: 1, max: 40 }), v.regex(PHONE_NUMBER, 'A phone number has digits, spaces, +, -, dots and brackets only')),
    }),
  },
  logout: { channel: INVOKE_CHANNEL.logout, payload: phoneOnly },
  backupNow: { channel: INVOKE_CHANNEL.backupNow, payload: phoneOnly },
  listBackups: { channel: INVOKE_CHANNEL.listBackups, payload: phoneOnly },
  /** "Test connection": probes the saved backup target with the stored key (never with values from the page) */
  checkBackupTarget: { channel: INVOKE_CHANNEL.checkBackupTarget, payload: nothing },
  restore: {
    channel: INVOKE_CHANNEL.restore,
    payload: strictObject({ phoneId: phoneIdSchema, generation: v.optional(text({ min: 1, max: 200 })) }),
  },
  keepAliveNow: { channel: INVOKE_CHANNEL.keepAliveNow, payload: strictObject({ phoneId: phoneIdSchema, force: v.optional(v.boolean(wrongType('boolean'))) }) },
  pauseKeepAlive: { channel: INVOKE_CHANNEL.pauseKeepAlive, payload: phoneOnly },
  resumeKeepAlive: { channel: INVOKE_CHANNEL.resumeKeepAlive, payload: phoneOnly },
  /** lifts a stop of outgoing messages (WhatsApp refused them): the person's decision */
  resumeSending: { channel: INVOKE_CHANNEL.resumeSending, payload: phoneOnly },
  /** main shows a folder picker, then imports that Baileys session folder */
  importSession: { channel: INVOKE_CHANNEL.importSession, payload: strictObject({ phoneId: phoneIdSchema, replace: v.optional(v.boolean(wrongType('boolean'))) }) },
  getSettings: { channel: INVOKE_CHANNEL.getSettings, payload: nothing },
  setSettings: { channel: INVOKE_CHANNEL.setSettings, payload: appSettingsSchema },
  /**
   * Only the named sections, put over the settings main has now: two forms editing one settings
   * object each save their own part, so neither writes back an older copy of the other's.
   * The merged settings are checked whole in the handler (with the same problems as setSettings).
   */
  updateSettings: {
    channel: INVOKE_CHANNEL.updateSettings,
    payload: strictObject(Object.fromEntries(SETTINGS_SECTIONS.map((k) => [k, v.optional(v.unknown())])) as { [K in SettingsSection]: v.OptionalSchema<v.UnknownSchema, undefined> }, wrongType('record')),
  },
  /** write-only: the renderer can set or clear a secret, never read one back */
  setSecret: {
    channel: INVOKE_CHANNEL.setSecret,
    payload: v.pipe(
      secretFields,
      objectRules<v.InferOutput<typeof secretFields>>((s, add) => {
        // '' and null clear it; a new passphrase must be strong enough to protect a session
        const problem = s.name === 'backupPassphrase' && s.value ? passphraseProblem(s.value) : null;
        if (problem) add(problem, ['value']);
      }),
    ),
  },
  getEnvironment: { channel: INVOKE_CHANNEL.getEnvironment, payload: nothing },
  /**
   * main asks a native confirmation first (the page alone cannot get the key), then answers the
   * recovery key that opens the newest backup; with toFile it also shows a save dialog and writes
   * a printable text file
   */
  exportRecoveryKey: { channel: INVOKE_CHANNEL.exportRecoveryKey, payload: strictObject({ toFile: v.boolean(wrongType('boolean')) }) },
  /** the local API: whether it runs, where, and each webhook's last delivery (never a secret) */
  getApiState: { channel: INVOKE_CHANNEL.getApiState, payload: nothing },
  /**
   * main asks a native confirmation, then makes a new API token (the old one stops working) or a
   * new webhook signing secret, and answers it: the only time the page sees it
   */
  newApiSecret: {
    channel: INVOKE_CHANNEL.newApiSecret,
    payload: union([
      strictObject({ kind: v.literal('token', 'Invalid input: expected "token"') }),
      strictObject({ kind: v.literal('webhook', 'Invalid input: expected "webhook"'), webhookId: v.pipe(v.string(wrongType('string')), v.regex(WEBHOOK_ID, patternMessage(WEBHOOK_ID))) }),
    ]),
  },
  /** the phone's uptime over the last `days` local days, as the uptime presenter words it */
  getUptime: {
    channel: INVOKE_CHANNEL.getUptime,
    payload: strictObject({ phoneId: phoneIdSchema, days: v.optional(wholeNumber(1, UPTIME_MAX_DAYS)) }),
  },
  /** main shows a save dialog and writes the log as JSON lines */
  exportLog: { channel: INVOKE_CHANNEL.exportLog, payload: v.optional(strictObject({ phoneId: v.optional(v.nullable(phoneIdSchema)) })) },
} as const satisfies Record<InvokeName, { channel: string; payload: v.GenericSchema }>;

export { PUSH, type InvokeName };
export const INVOKE_CHANNELS: ReadonlySet<string> = new Set(Object.values(INVOKE).map((d) => d.channel));

/**
 * Why an invoke failed: the router's own refusals, or the engine's KeeperError code ('internal'
 * for anything the engine did not refuse on purpose: a bug or an I/O failure, logged in main).
 */
export type IpcErrorCode = 'invalid-payload' | 'forbidden' | KeeperErrorCode;

/**
 * What a failed invoke rejects with in the page. Plain data on purpose: Electron copies an
 * Error over the contextBridge by its message alone, and the page needs the code.
 */
export interface IpcFailure {
  code: IpcErrorCode;
  message: string;
  /** the fields a settings save was refused for */
  problems?: SettingsProblem[];
}

/** What an invoke answers: a value, or why not. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcFailure };

export interface BackupListItem {
  name: string;
  size: number;
  createdAt: number;
}

export type BackupNowResult =
  | { outcome: 'uploaded'; generation: string }
  | { outcome: 'unchanged'; generation: string | null }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'failed'; error: string };

/** What "Test connection" found: each step tried, and the one thing to fix in plain words. */
export interface BackupCheckResult {
  ok: boolean;
  target: 'local-folder' | 'supabase' | 'none';
  steps: { step: 'write' | 'list' | 'read' | 'remove'; ok: boolean; detail: string }[];
  /** null when everything worked */
  problem: string | null;
  summary: string;
  /** works, but should not stay like this (a service-role key on a desktop) */
  warning: string | null;
}

export interface SecretsInfo {
  /** which secrets are set (never their values) */
  set: Record<SecretName, boolean>;
  /**
   * how they are protected: the OS keychain, Linux without a keyring ('basic_text': obfuscated
   * only — the window must say so), or not at all
   */
  backend: 'keychain' | 'basic_text' | 'unavailable';
}

export interface RecoveryKeyExport {
  /** the recovery key text, XXXX-XXXX-… */
  key: string;
  /** the printable text file written, when asked for */
  savedTo: string | null;
}

/** The local API as the window shows it (Settings → Local API). */
export interface LocalApiState {
  enabled: boolean;
  /** listening now (e.g. http://127.0.0.1:8787); null when off or failed */
  url: string | null;
  /** why it is not listening although enabled (port taken, secrets unavailable…) */
  error: string | null;
  tokenSet: boolean;
  webhooks: {
    id: string;
    url: string;
    secretSet: boolean;
    pending: number;
    deadLetters: number;
    lastDelivery: { at: number; eventId: string; ok: boolean; status: number | null; error: string | null; attempt: number } | null;
  }[];
}

export type ApiSecretTarget = { kind: 'token' } | { kind: 'webhook'; webhookId: string };

/** One line about updates for the tray and the window (main/updates/update-policy.ts decides it). */
export interface UpdateLine {
  text: string;
  tone: 'info' | 'ready' | 'problem';
}

export interface AppEnvironment {
  version: string;
  platform: string;
  dataDir: string;
  logsDir: string;
  secrets: SecretsInfo;
  /** what the window says about updates (main/updates/update-policy.ts updateLine); null = nothing */
  update?: UpdateLine | null;
}

/** The object the preload exposes as `window.keeper`. Every invoke rejects with an IpcFailure. */
export interface KeeperApi {
  getStatuses(): Promise<PhoneStatus[]>;
  onStatus(listener: (status: PhoneStatus) => void): () => void;
  getLog(query?: { phoneId?: string | null; level?: LogLevel; limit?: number }): Promise<LogEntry[]>;
  onLog(listener: (entry: LogEntry) => void): () => void;
  reconnect(phoneId: string): Promise<void>;
  requestQr(phoneId: string): Promise<void>;
  /** asks WhatsApp for the code to type on that phone; it also shows in the phone's status */
  requestPairingCode(phoneId: string, phoneNumber: string): Promise<PairingCode>;
  logout(phoneId: string): Promise<void>;
  backupNow(phoneId: string): Promise<BackupNowResult>;
  listBackups(phoneId: string): Promise<BackupListItem[]>;
  checkBackupTarget(): Promise<BackupCheckResult>;
  restore(phoneId: string, generation?: string): Promise<{ generation: string; quarantinedTo: string | null }>;
  keepAliveNow(phoneId: string, options?: { force?: boolean }): Promise<{ sentAt: number; nextKeepAliveAt: number | null }>;
  pauseKeepAlive(phoneId: string): Promise<void>;
  resumeKeepAlive(phoneId: string): Promise<void>;
  resumeSending(phoneId: string): Promise<void>;
  importSession(phoneId: string, options?: { replace?: boolean }): Promise<{ me: string; quarantinedTo: string | null } | null>;
  getSettings(): Promise<AppSettings>;
  setSettings(settings: AppSettings): Promise<AppSettings>;
  /** saves only these sections over main's current settings; answers the whole saved settings */
  updateSettings(sections: Partial<Pick<AppSettings, SettingsSection>>): Promise<AppSettings>;
  onSettings(listener: (settings: AppSettings) => void): () => void;
  setSecret(name: SecretName, value: string | null): Promise<SecretsInfo>;
  getEnvironment(): Promise<AppEnvironment>;
  exportLog(phoneId?: string | null): Promise<string | null>;
  getApiState(): Promise<LocalApiState>;
  /** the new token or webhook secret, shown once; rejects (refused-by-gate) when the person declines */
  newApiSecret(target: ApiSecretTarget): Promise<string>;
  /** the 30-day strip and the percentages, computed in main by the uptime presenter */
  getUptime(phoneId: string, options?: { days?: number }): Promise<UptimeView>;
  /** null when the person declined the confirmation or cancelled the save dialog */
  exportRecoveryKey(options: { toFile: boolean }): Promise<RecoveryKeyExport | null>;
  onFocusPhone(listener: (phoneId: string) => void): () => void;
  /** the update line as it changes (optional: test bridges may leave it out) */
  onUpdate?(listener: (line: UpdateLine | null) => void): () => void;
}

declare global {
  interface Window {
    keeper: KeeperApi;
  }
}
