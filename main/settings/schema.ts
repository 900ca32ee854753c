// The app's settings: one zod schema used by main (electron-store / conf), the headless runner
// and the renderer's settings form, so every place rejects bad input with the same sentence.
// Secrets (Supabase key, backup passphrase) are NOT here: they live encrypted, apart.
import { z } from 'zod';
import { PHONE_ID_PATTERN, phoneIdProblem } from '../engine/phone-id.js';
import { keepAliveSettingsSchema, outboundSettingsSchema, problemsFromZod, type SettingsProblem } from '../engine/settings-schema.js';

export const SETTINGS_VERSION = 1;

const phoneSchema = z.object({
  id: z
    .string({ error: 'Phone id must be text' })
    .regex(PHONE_ID_PATTERN, { error: (iss) => phoneIdProblem(iss.input) }),
  label: z.string().max(80, { error: 'Phone name must be at most 80 characters' }).optional(),
});

const reconnectSchema = z.object({
  /** 401 with valid session files: retries before giving up (the original bot's rule) */
  unauthorizedRetries: z
    .number()
    .int()
    .min(1, { error: (iss) => `401 retries must be between 1 and 3 (got ${String(iss.input)})` })
    .max(3, { error: (iss) => `401 retries must be between 1 and 3 (got ${String(iss.input)})` })
    .default(1),
  /** failures in a row before pausing */
  maxConsecutiveFailures: z
    .number()
    .int()
    .min(3, { error: (iss) => `Failures before pausing must be between 3 and 100 (got ${String(iss.input)})` })
    .max(100, { error: (iss) => `Failures before pausing must be between 3 and 100 (got ${String(iss.input)})` })
    .default(12),
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

const supabaseSchema = z.object({
  url: z
    .string({ error: 'Supabase URL must be text' })
    .max(2048)
    .superRefine((url, ctx) => {
      const problem = url === '' ? null : supabaseUrlProblem(url);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  /** shown in main's confirmation dialog: no control characters, and short */
  bucket: z
    .string()
    .max(100, { error: 'Supabase bucket must be at most 100 characters' })
    .refine((b) => !CONTROL_CHARACTERS.test(b), { error: 'Supabase bucket must not contain control characters' })
    .default(''),
  prefix: z.string().max(200).default('session-keeper'),
});

const backupSchema = z
  .object({
    target: z.enum(['local', 'supabase', 'none'], { error: 'Backup target must be local, supabase or none' }).default('local'),
    keep: z
      .number()
      .int()
      .min(1, { error: (iss) => `Backups kept must be between 1 and 100 (got ${String(iss.input)})` })
      .max(100, { error: (iss) => `Backups kept must be between 1 and 100 (got ${String(iss.input)})` })
      .default(14),
    supabase: supabaseSchema.default({ url: '', bucket: '', prefix: 'session-keeper' }),
  })
  .refine((b) => b.target !== 'supabase' || (b.supabase.url !== '' && b.supabase.bucket !== ''), {
    error: 'Supabase backups need the project URL and a bucket name',
    path: ['supabase'],
  });

/** Webhooks carry incoming messages: https, plain http only to this machine (a bot next to the app). */
export function webhookUrlProblem(url: string): string | null {
  return secureUrlProblem('Webhook URL', 'https://bot.example/hook', url);
}

const apiWebhookSchema = z
  .object({
    /** names the webhook's secret and its outbox entries; stays when the URL is edited */
    id: z.string().regex(/^[a-z0-9-]{1,40}$/, { error: 'Webhook id must be 1–40 lowercase letters, digits or dashes' }),
    url: z
      .string({ error: 'Webhook URL must be text' })
      .max(2048)
      .superRefine((url, ctx) => {
        const problem = webhookUrlProblem(url);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
  })
  .strict();

/** Days the API inbox keeps a received message for a bot to read (as the outbound journal's keepRecordsDays). */
export const INBOX_KEEP_DAYS = { min: 1, max: 365, default: 30 } as const;

/** The local API (issue 13): off unless turned on; it binds to 127.0.0.1, so only the port is chosen. */
const apiSchema = z
  .object({
    enabled: z.boolean().default(false),
    port: z
      .number()
      .int()
      .min(1024, { error: (iss) => `API port must be between 1024 and 65535 (got ${String(iss.input)})` })
      .max(65535, { error: (iss) => `API port must be between 1024 and 65535 (got ${String(iss.input)})` })
      .default(8787),
    webhooks: z.array(apiWebhookSchema).max(10, { error: 'At most 10 webhooks' }).default([]),
    /** received messages older than this leave the inbox (GET /v1/phones/{id}/inbox) */
    inboxKeepDays: z
      .number()
      .int()
      .min(INBOX_KEEP_DAYS.min, { error: (iss) => `Inbox keep days must be between ${INBOX_KEEP_DAYS.min} and ${INBOX_KEEP_DAYS.max} (got ${String(iss.input)})` })
      .max(INBOX_KEEP_DAYS.max, { error: (iss) => `Inbox keep days must be between ${INBOX_KEEP_DAYS.min} and ${INBOX_KEEP_DAYS.max} (got ${String(iss.input)})` })
      .default(INBOX_KEEP_DAYS.default),
  })
  .refine((a) => new Set(a.webhooks.map((w) => w.id)).size === a.webhooks.length && new Set(a.webhooks.map((w) => w.url)).size === a.webhooks.length, {
    error: 'Two webhooks have the same URL',
    path: ['webhooks'],
  });
export type ApiSettings = z.output<typeof apiSchema>;

export const appSettingsSchema = z
  .object({
    version: z.literal(SETTINGS_VERSION).default(SETTINGS_VERSION),
    phones: z.array(phoneSchema).min(1, { error: 'At least one phone must be configured' }).default([{ id: 'default', label: 'WhatsApp' }]),
    keepAlive: keepAliveSettingsSchema.prefault({}),
    /** the outbound anti-ban gate; absent in files written before it, so defaults */
    outbound: outboundSettingsSchema,
    reconnect: reconnectSchema.default({ unauthorizedRetries: 1, maxConsecutiveFailures: 12 }),
    backup: backupSchema.default({ target: 'local', keep: 14, supabase: { url: '', bucket: '', prefix: 'session-keeper' } }),
    startAtLogin: z.boolean().default(false),
    api: apiSchema.optional(),
    /** where latest.yml and the installers are published (electron-updater's generic provider); '' = no updates */
    updateUrl: z
      .string({ error: 'Update URL must be text' })
      .max(2048)
      .superRefine((url, ctx) => {
        const problem = url === '' ? null : updateUrlProblem(url);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .default(''),
  })
  .refine((s) => new Set(s.phones.map((p) => p.id)).size === s.phones.length, {
    error: 'Two phones have the same id',
    path: ['phones'],
  });

export type AppSettings = z.output<typeof appSettingsSchema>;

/** The top-level sections a save may name alone (each form of the window owns some of them). */
export const SETTINGS_SECTIONS = ['phones', 'keepAlive', 'outbound', 'reconnect', 'backup', 'startAtLogin', 'api', 'updateUrl'] as const satisfies readonly (keyof AppSettings)[];
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];
export type AppSettingsInput = z.input<typeof appSettingsSchema>;

export type AppSettingsResult = { ok: true; settings: AppSettings } | { ok: false; problems: SettingsProblem[] };

export function parseAppSettings(input: unknown): AppSettingsResult {
  const r = appSettingsSchema.safeParse(input);
  if (r.success) return { ok: true, settings: r.data };
  return { ok: false, problems: problemsFromZod(r.error) };
}

export function defaultAppSettings(): AppSettings {
  const r = parseAppSettings({});
  if (!r.ok) throw new Error(`default settings do not validate: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.settings;
}

/** Names of the secrets kept encrypted with the OS keychain (Electron safeStorage), never in the plain store. */
export const SECRET_NAMES = ['supabaseKey', 'backupPassphrase'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];
