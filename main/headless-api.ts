// The local API of the headless runner: what to serve (the settings file's `api` section, the same
// the tray app uses, with --api / --webhook overriding it), the token from SESSION_KEEPER_API_TOKEN
// or a file beside the settings (made once, 0600, printed once), a secret per webhook kept the same
// way, and the server itself over the keeper.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalApi } from './api/local-api.js';
import type { WebhookConfig } from './api/webhooks.js';
import type { Keeper } from './engine/keeper.js';
import type { MessagingPort, OutboundService } from './engine/messaging/types.js';
import type { ApiAddress } from './headless-args.js';
import { INBOX_KEEP_DAYS, type ApiSettings } from './settings/schema.js';

export const API_TOKEN_FILE = 'api-token';
export const WEBHOOK_SECRETS_FILE = 'api-webhook-secrets.json';

const newSecret = (): string => randomBytes(32).toString('base64url');

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The API token: the environment's, else the stored one, else a new one stored now (`created`). */
export function headlessApiToken(env: NodeJS.ProcessEnv, settingsDir: string): { token: string; created: boolean; path: string | null } {
  const fromEnv = env.SESSION_KEEPER_API_TOKEN?.trim();
  if (fromEnv) {
    if (fromEnv.length < 16) throw new Error('SESSION_KEEPER_API_TOKEN is refused: it needs at least 16 characters.');
    return { token: fromEnv, created: false, path: null };
  }
  const path = join(settingsDir, API_TOKEN_FILE);
  const stored = readIfExists(path)?.trim();
  if (stored) return { token: stored, created: false, path };
  const token = newSecret();
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // an empty file left by someone else keeps its mode otherwise
  return { token, created: true, path };
}

/** A webhook to serve: from the settings file (with its id) or from --webhook (id from the URL). */
export interface HeadlessWebhook {
  url: string;
  id?: string;
}

export interface HeadlessApiPlan {
  address: ApiAddress;
  webhooks: HeadlessWebhook[];
  inboxKeepDays: number;
  /** the address is the settings file's (no --api): failing to listen there does not stop the keeper */
  fromFile: boolean;
}

/**
 * The API a run serves, or null for none: the settings file's `api` section when it is turned on,
 * each flag overriding its part (--api the address, and turns it on; --webhook the webhook list).
 * The file names a port only: the tray app's API listens on 127.0.0.1. Pure.
 */
export function headlessApiPlan(flags: { api: ApiAddress | null; webhooks: string[] }, file: ApiSettings | undefined): HeadlessApiPlan | null {
  if (!flags.api && !file?.enabled) return null;
  const address = flags.api ?? { host: '127.0.0.1', port: file?.port ?? 0 };
  // the file's webhooks belong to the file's API: while it is off, the tray sends them nothing either
  const fileHooks = file?.enabled ? file.webhooks.map((w) => ({ id: w.id, url: w.url })) : [];
  const webhooks = flags.webhooks.length > 0 ? flags.webhooks.map((url) => ({ url })) : fileHooks;
  return { address, webhooks, inboxKeepDays: file?.inboxKeepDays ?? INBOX_KEEP_DAYS.default, fromFile: flags.api === null };
}

/**
 * One secret per webhook URL, kept across runs; new ones are reported so they can be printed once.
 * (The tray app keeps its secrets in the OS keychain, which a headless process cannot read.)
 */
export function headlessWebhooks(hooks: HeadlessWebhook[], settingsDir: string): { webhooks: WebhookConfig[]; created: WebhookConfig[] } {
  const path = join(settingsDir, WEBHOOK_SECRETS_FILE);
  const stored = JSON.parse(readIfExists(path) ?? '{}') as Record<string, string>;
  const created: WebhookConfig[] = [];
  const webhooks = hooks.map(({ url, id }) => {
    // the outbox keeps a webhook's undelivered events across runs by its id: the settings' own, or one from the URL
    const hook = { id: id ?? createHash('sha256').update(url).digest('hex').slice(0, 16), url, secret: stored[url] ?? newSecret() };
    if (stored[url] === undefined) {
      stored[url] = hook.secret;
      created.push(hook);
    }
    return hook;
  });
  if (created.length > 0) writeFileSync(path, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  return { webhooks, created };
}

export interface HeadlessApiOptions {
  plan: HeadlessApiPlan;
  dataDir: string;
  settingsDir: string;
  keeper: Keeper;
  messaging: MessagingPort | null;
  outbound: OutboundService | null;
  print: (line: string) => void;
}

export async function startHeadlessApi(o: HeadlessApiOptions): Promise<LocalApi> {
  const { token, created, path } = headlessApiToken(process.env, o.settingsDir);
  const { webhooks, created: newHooks } = headlessWebhooks(o.plan.webhooks, o.settingsDir);
  // the API's modules (hono, its OpenAPI schemas: ~8 MiB of RSS) load only when it is served
  const { startLocalApi } = await import('./api/local-api.js');
  const api = await startLocalApi({
    host: o.plan.address.host,
    port: o.plan.address.port,
    inboxKeepDays: o.plan.inboxKeepDays,
    token: () => token,
    dir: join(o.dataDir, 'api'),
    keeper: o.keeper,
    messaging: o.messaging,
    outbound: o.outbound,
    webhooks,
    webhookOptions: { log: (_level, _event, message) => o.print(`[api] ${message}`) },
    onError: (err) => o.print(`[api] error: ${(err as Error).message}`),
  });
  o.print(`Local API on ${api.url} (Authorization: Bearer <token>; OpenAPI at ${api.url}/v1/openapi.json)`);
  if (created) o.print(`API token (shown once, stored in ${path ?? ''}): ${token}`);
  for (const h of newHooks) o.print(`Webhook ${h.url}: signing secret (shown once): ${h.secret}`);
  return api;
}
