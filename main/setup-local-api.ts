// The tray app's local API: follows the `api` settings and the running keeper, keeps the token
// and each webhook's signing secret in the encrypted secret store (made when first needed; the
// window sees one only right after "New token" / "New secret"), and answers the window's state.
// Electron-free: the secret store's encryptor is what ties it to the OS keychain.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { LocalApi } from './api/local-api.js';
import type { KeeperPort } from './api/api-events.js';
import { KeeperError } from './engine/errors.js';
import type { MessagingPort, OutboundService } from './engine/messaging/types.js';
import type { ApiSecretTarget, LocalApiState } from './ipc/contract.js';
import type { SecretStore } from './settings/secret-store.js';
import type { ApiSettings } from './settings/schema.js';

export interface LocalApiDeps {
  dataDir: string;
  secrets: SecretStore;
  log(level: 'info' | 'warn', message: string): void;
  /** the bind address; tests may pick 127.0.0.1 with port 0 through settings */
  host?: string;
}

/** What the keeper side offers the API: the keeper itself and, once built, messaging. */
export interface LocalApiBackend {
  keeper: KeeperPort;
  messaging: MessagingPort | null;
  outbound: OutboundService | null;
}

export interface LocalApiService {
  /** Starts, restarts or stops the API to match these settings and this backend (null: none running). */
  apply(settings: ApiSettings | undefined, backend: LocalApiBackend | null): Promise<void>;
  state(): LocalApiState;
  /** A new token (the old one stops at once) or webhook secret, stored encrypted, returned once. */
  newSecret(target: ApiSecretTarget): Promise<string>;
  stop(): Promise<void>;
}

const newSecret = (): string => randomBytes(32).toString('base64url');

export function setupLocalApi(deps: LocalApiDeps): LocalApiService {
  let settings: ApiSettings | undefined;
  let backend: LocalApiBackend | null = null;
  let api: LocalApi | null = null;
  let error: string | null = null;
  let chain: Promise<void> = Promise.resolve();
  /** read on every request: a new token takes effect without a restart */
  let token: string | null = null;
  /** webhooks that have a signing secret, known without decrypting (the window asks every few seconds) */
  const withSecret = new Set<string>();

  const webhookSecrets = (): Record<string, string> => JSON.parse(deps.secrets.get('apiWebhookSecrets') ?? '{}') as Record<string, string>;

  const serialised = (fn: () => Promise<void>): Promise<void> => {
    chain = chain.then(fn, fn);
    return chain;
  };

  const stopServer = async () => {
    const running = api;
    api = null;
    await running?.close();
  };

  const startServer = async () => {
    await stopServer();
    error = null;
    if (!settings?.enabled || !backend) return;
    try {
      token = deps.secrets.get('apiToken');
      if (!token) {
        token = newSecret();
        await deps.secrets.set('apiToken', token);
      }
      const secrets = webhookSecrets();
      const missing = settings.webhooks.filter((w) => !secrets[w.id]);
      for (const w of missing) secrets[w.id] = newSecret();
      if (missing.length > 0) await deps.secrets.set('apiWebhookSecrets', JSON.stringify(secrets));
      for (const id of Object.keys(secrets)) withSecret.add(id);
      // the API's modules (hono, its OpenAPI schemas: ~8 MiB of RSS) load when it is first switched on
      const { startLocalApi } = await import('./api/local-api.js');
      api = await startLocalApi({
        host: deps.host ?? '127.0.0.1',
        port: settings.port,
        token: () => token ?? '',
        dir: join(deps.dataDir, 'api'),
        keeper: backend.keeper,
        messaging: backend.messaging,
        outbound: backend.outbound,
        webhooks: settings.webhooks.map((w) => ({ id: w.id, url: w.url, secret: secrets[w.id] ?? '' })),
        webhookOptions: { log: (level, _event, message) => deps.log(level, message) },
        inboxKeepDays: settings.inboxKeepDays,
        onError: (err) => deps.log('warn', `Local API error: ${(err as Error).message}`),
      });
      deps.log('info', `Local API listening on ${api.url}`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      error = code === 'EADDRINUSE' ? `Port ${settings.port} is already in use: choose another port.` : (err as Error).message;
      deps.log('warn', `Local API did not start: ${error}`);
    }
  };

  return {
    apply(next, nextBackend) {
      return serialised(async () => {
        const same = api !== null && backend === nextBackend && JSON.stringify(settings) === JSON.stringify(next);
        settings = next;
        backend = nextBackend;
        if (!same) await startServer();
      });
    },
    state() {
      const views = new Map((api?.events.webhooks.views() ?? []).map((v) => [v.id, v]));
      let tokenSet = false;
      try {
        tokenSet = deps.secrets.has('apiToken');
      } catch {
        // an unreadable secrets file: `error` says why the API does not run
      }
      return {
        enabled: settings?.enabled ?? false,
        url: api?.url ?? null,
        error,
        tokenSet,
        webhooks: (settings?.webhooks ?? []).map((w) => {
          const v = views.get(w.id);
          return { id: w.id, url: w.url, secretSet: withSecret.has(w.id), pending: v?.pending ?? 0, deadLetters: v?.deadLetters ?? 0, lastDelivery: v?.lastDelivery ?? null };
        }),
      };
    },
    async newSecret(target) {
      const secret = newSecret();
      if (target.kind === 'token') {
        await deps.secrets.set('apiToken', secret);
        token = secret;
        deps.log('info', 'A new local API token was made; the old one no longer works.');
        return secret;
      }
      if (!settings?.webhooks.some((w) => w.id === target.webhookId)) throw new KeeperError('invalid-input', `No saved webhook ${JSON.stringify(target.webhookId)}: save the webhook first.`);
      const secrets = webhookSecrets();
      secrets[target.webhookId] = secret;
      await deps.secrets.set('apiWebhookSecrets', JSON.stringify(secrets));
      withSecret.add(target.webhookId);
      deps.log('info', `A new signing secret was made for webhook ${target.webhookId}.`);
      // the dispatcher signs with the secret it started with: start it again with the new one
      await serialised(startServer);
      return secret;
    },
    stop() {
      return serialised(stopServer);
    },
  };
}
