// The app's settings: one valibot schema used by main (electron-store / conf), the headless runner
// and the renderer's settings form, so every place rejects bad input with the same sentence.
// Secrets (Supabase key, backup passphrase) are NOT here: they live encrypted, apart.
import * as v from 'valibot';
import { PHONE_ID_PATTERN, phoneIdProblem } from '../engine/phone-id.js';
import { keepAliveSettingsSchema, outboundSettingsSchema, problemsFromIssues, type SettingsProblem } from '../engine/settings-schema.js';
import { object, objectRule, oneOf, strictObject, text, wholeNumber, wrongType } from '../engine/validation-parts.js';

export const SETTINGS_VERSION = 1;

const phoneSchema = object({
  id: v.pipe(
    v.string('Phone id must be text'),
    v.regex(PHONE_ID_PATTERN, (iss) => phoneIdProblem(iss.input)),
  ),
  label: v.optional(text({ max: 80, maxMessage: 'Phone name must be at most 80 characters' })),
});

const reconnectSchema = object({
  /** 401 with valid session files: retries before giving up (the original bot's rule) */
  unauthorizedRetries: v.optional(
    wholeNumber(1, 3, { min: (n) => `401 retries must be between 1 and 3 (got ${String(n)})`, max: (n) => `401 retries must be between 1 and 3 (got ${String(n)})` }),
    1,
  ),
  /** failures in a row before pausing */
  maxConsecutiveFailures: v.optional(
    wholeNumber(3, 100, {
      min: (n) => `Failures before pausing must be between 3 and 100 (got ${String(n)})`,
      max: (n) => `Failures before pausing must be between 3 and 100 (got ${String(n)})`,
    }),
    12,
  ),
});

/** C0 and C1 controls, DEL and the bidi overrides: invisible in a dialog, able to reorder or add lines. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** The URL as it may be echoed in a message: a user name and password in it become "***". */
function withoutUserInfo(u: URL): string {
  if (!u.username && !u.password) return u.href;
  const shown = new URL(u.href);
  shown.username = '***';
  shown.password = '';
  return shown.href;
}

/**
 * https only, plain http just to this machine (tests, a local server). The text must be the URL
 * as WHATWG writes it (a trailing slash aside): `new URL` silently drops tabs and newlines, so a
 * string that merely parses could carry sentences of its own into main's confirmation dialog.
 */
function secureUrlProblem(label: string, example: string, url: string): string | null {
  // the input is not echoed: it may hold a password
  if (CONTROL_CHARACTERS.test(url)) return `${label} must not contain control characters (tabs, line breaks, direction marks)`;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${label} must be a URL like ${example} (got ${JSON.stringify(url)})`;
  }
  if (u.href !== url && u.href !== `${url}/`) return `${label} must be written as ${JSON.stringify(withoutUserInfo(u))}`;
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return null;
  return `${label} must start with https:// (plain http only for 127.0.0.1 or localhost; got ${JSON.stringify(withoutUserInfo(u))})`;
}

/** Backups and the Supabase key travel to this URL. */
export function supabaseUrlProblem(url: string): string | null {
  return secureUrlProblem('Supabase URL', 'https://abcd.supabase.co', url);
}

/**
 * The app installs what this URL serves: the same rule as the Supabase URL. No user:password in
 * it either: electron-updater logs the addresses it fetches. (Plain http to this machine is
 * syntax here; whether a build may use it is the update plan's decision: installed builds may not.)
 */
export function updateUrlProblem(url: string): string | null {
  const problem = secureUrlProblem('Update URL', 'https://example.com/session-keeper/updates', url);
  if (problem) return problem;
  const u = new URL(url);
  return u.username || u.password ? 'Update URL must not contain a user name or password (they would be written to the log)' : null;
}

/** A URL setting: text, checked by `problem` unless it may be empty and is. (Too long reads "must be text", as it always did.) */
function urlText(typeMessage: string, problem: (url: string) => string | null, emptyAllowed: boolean) {
  return v.pipe(
    text({ type: typeMessage, max: 2048, maxMessage: typeMessage }),
    v.rawCheck<string>(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const url = dataset.value;
      const why = emptyAllowed && url === '' ? null : problem(url);
      if (why) addIssue({ message: why });
    }),
  );
}

const supabaseSchema = object({
  url: urlText('Supabase URL must be text', supabaseUrlProblem, true),
  /** shown in main's confirmation dialog: no control characters, and short */
  bucket: v.optional(
    v.pipe(
      text({ max: 100, maxMessage: 'Supabase bucket must be at most 100 characters' }),
      v.check((b) => !CONTROL_CHARACTERS.test(b), 'Supabase bucket must not contain control characters'),
    ),
    '',
  ),
  prefix: v.optional(text({ max: 200 }), 'session-keeper'),
});

const backupFields = object({
  target: v.optional(oneOf(['local', 'supabase', 'none'], 'Backup target must be local, supabase or none'), 'local'),
  keep: v.optional(
    wholeNumber(1, 100, { min: (n) => `Backups kept must be between 1 and 100 (got ${String(n)})`, max: (n) => `Backups kept must be between 1 and 100 (got ${String(n)})` }),
    14,
  ),
  supabase: v.optional(supabaseSchema, () => ({ url: '', bucket: '', prefix: 'session-keeper' })),
});

const backupSchema = v.pipe(
  backupFields,
  objectRule<v.InferOutput<typeof backupFields>>(
    (b) => b.target !== 'supabase' || (b.supabase.url !== '' && b.supabase.bucket !== ''),
    'Supabase backups need the project URL and a bucket name',
    ['supabase'],
  ),
);

/** Webhooks carry incoming messages: https, plain http only to this machine (a bot next to the app). */
export function webhookUrlProblem(url: string): string | null {
  return secureUrlProblem('Webhook URL', 'https://bot.example/hook', url);
}

const WEBHOOK_ID = /^[a-z0-9-]{1,40}$/;

const apiWebhookSchema = strictObject({
  /** names the webhook's secret and its outbox entries; stays when the URL is edited */
  id: v.pipe(v.string(wrongType('string')), v.regex(WEBHOOK_ID, 'Webhook id must be 1–40 lowercase letters, digits or dashes')),
  url: urlText('Webhook URL must be text', webhookUrlProblem, false),
});

/** Days the API inbox keeps a received message for a bot to read (as the outbound journal's keepRecordsDays). */
export const INBOX_KEEP_DAYS = { min: 1, max: 365, default: 30 } as const;

/** The local API (issue 13): off unless turned on; it binds to 127.0.0.1, so only the port is chosen. */
const apiFields = object({
  enabled: v.optional(v.boolean(wrongType('boolean')), false),
  port: v.optional(
    wholeNumber(1024, 65535, {
      min: (n) => `API port must be between 1024 and 65535 (got ${String(n)})`,
      max: (n) => `API port must be between 1024 and 65535 (got ${String(n)})`,
    }),
    8787,
  ),
  webhooks: v.optional(v.pipe(v.array(apiWebhookSchema, wrongType('array')), v.maxLength(10, 'At most 10 webhooks')), () => []),
  /** received messages older than this leave the inbox (GET /v1/phones/{id}/inbox) */
  inboxKeepDays: v.optional(
    wholeNumber(INBOX_KEEP_DAYS.min, INBOX_KEEP_DAYS.max, {
      min: (n) => `Inbox keep days must be between ${INBOX_KEEP_DAYS.min} and ${INBOX_KEEP_DAYS.max} (got ${String(n)})`,
      max: (n) => `Inbox keep days must be between ${INBOX_KEEP_DAYS.min} and ${INBOX_KEEP_DAYS.max} (got ${String(n)})`,
    }),
    INBOX_KEEP_DAYS.default,
  ),
});

const apiSchema = v.pipe(
  apiFields,
  objectRule<v.InferOutput<typeof apiFields>>(
    (a) => new Set(a.webhooks.map((w) => w.id)).size === a.webhooks.length && new Set(a.webhooks.map((w) => w.url)).size === a.webhooks.length,
    'Two webhooks have the same URL',
    ['webhooks'],
  ),
);
export type ApiSettings = v.InferOutput<typeof apiSchema>;

const appSettingsFields = object({
  version: v.optional(v.literal(SETTINGS_VERSION, `Invalid input: expected ${SETTINGS_VERSION}`), SETTINGS_VERSION),
  phones: v.optional(v.pipe(v.array(phoneSchema, wrongType('array')), v.minLength(1, 'At least one phone must be configured')), () => [
    { id: 'default', label: 'WhatsApp' },
  ]),
  keepAlive: keepAliveSettingsSchema,
  /** the outbound anti-ban gate; absent in files written before it, so defaults */
  outbound: outboundSettingsSchema,
  reconnect: v.optional(reconnectSchema, () => ({ unauthorizedRetries: 1, maxConsecutiveFailures: 12 })),
  backup: v.optional(backupSchema, () => ({ target: 'local' as const, keep: 14, supabase: { url: '', bucket: '', prefix: 'session-keeper' } })),
  startAtLogin: v.optional(v.boolean(wrongType('boolean')), false),
  api: v.optional(apiSchema),
  /** where latest.yml and the installers are published (electron-updater's generic provider); '' = no updates */
  updateUrl: v.optional(urlText('Update URL must be text', updateUrlProblem, true), ''),
});

export const appSettingsSchema = v.pipe(
  appSettingsFields,
  objectRule<v.InferOutput<typeof appSettingsFields>>((s) => new Set(s.phones.map((p) => p.id)).size === s.phones.length, 'Two phones have the same id', ['phones']),
);

export type AppSettings = v.InferOutput<typeof appSettingsSchema>;

/** The top-level sections a save may name alone (each form of the window owns some of them). */
export const SETTINGS_SECTIONS = ['phones', 'keepAlive', 'outbound', 'reconnect', 'backup', 'startAtLogin', 'api', 'updateUrl'] as const satisfies readonly (keyof AppSettings)[];
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];
export type AppSettingsInput = v.InferInput<typeof appSettingsSchema>;

export type AppSettingsResult = { ok: true; settings: AppSettings } | { ok: false; problems: SettingsProblem[] };

export function parseAppSettings(input: unknown): AppSettingsResult {
  const r = v.safeParse(appSettingsSchema, input);
  if (r.success) return { ok: true, settings: r.output };
  return { ok: false, problems: problemsFromIssues(r.issues) };
}

export function defaultAppSettings(): AppSettings {
  const r = parseAppSettings({});
  if (!r.ok) throw new Error(`default settings do not validate: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.settings;
}

/** Names of the secrets kept encrypted with the OS keychain (Electron safeStorage), never in the plain store. */
export const SECRET_NAMES = ['supabaseKey', 'backupPassphrase'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];
