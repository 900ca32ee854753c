// Starts the local API: the event plumbing (journal, inbox, webhook outbox) and the HTTP server
// on a loopback address. Used by the headless runner and the tray app alike.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { MessagingPort, OutboundService } from '../engine/messaging/types.js';
import { ApiEvents, type KeeperPort } from './api-events.js';
import { createApiApp } from './app.js';
import { isLoopbackAddress } from './request-guards.js';
import type { WebhookConfig, WebhookOptions } from './webhooks.js';

export interface LocalApiOptions {
  /** loopback only: 127.0.0.1 (default), ::1 or localhost */
  host?: string;
  /** 0 picks a free port */
  port: number;
  token: () => string;
  /** the API's folder: events, inbox and webhook outbox (e.g. <data-dir>/api) */
  dir: string;
  keeper: KeeperPort;
  /** where incoming messages come from (only its 'message' events are used: sends go through `outbound`) */
  messaging: MessagingPort | null;
  /** the anti-ban gate every send goes through; null: sending answers 503 */
  outbound: OutboundService | null;
  webhooks?: WebhookConfig[];
  webhookOptions?: Omit<WebhookOptions, 'dir' | 'webhooks'>;
  heartbeatMs?: number;
  /** days a received message stays in the inbox */
  inboxKeepDays?: number;
  /** for tests: the clock of event times, inbox receipt times and pruning */
  now?: () => number;
  inboxPruneEveryMs?: number;
  /** a request that failed unexpectedly (answered 500) or an event that could not be recorded */
  onError?: (err: unknown) => void;
}

export interface LocalApi {
  /** e.g. http://127.0.0.1:8787 */
  url: string;
  port: number;
  events: ApiEvents;
  close(): Promise<void>;
}

export async function startLocalApi(opts: LocalApiOptions): Promise<LocalApi> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackAddress(host)) throw new Error(`The local API binds only to this machine (127.0.0.1, ::1 or localhost), not ${host}.`);
  const events = new ApiEvents({
    dir: opts.dir,
    keeper: opts.keeper,
    messaging: opts.messaging,
    outbound: opts.outbound,
    webhooks: opts.webhooks ?? [],
    ...(opts.webhookOptions ? { webhookOptions: opts.webhookOptions } : {}),
    ...(opts.onError ? { onError: opts.onError } : {}),
    ...(opts.inboxKeepDays !== undefined ? { inboxKeepDays: opts.inboxKeepDays } : {}),
    ...(opts.inboxPruneEveryMs !== undefined ? { inboxPruneEveryMs: opts.inboxPruneEveryMs } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const app = createApiApp({
    token: opts.token,
    keeper: opts.keeper,
    outbound: opts.outbound,
    events,
    ...(opts.heartbeatMs ? { heartbeatMs: opts.heartbeatMs } : {}),
    ...(opts.onError ? { onError: opts.onError } : {}),
  });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: opts.port }, () => resolve(s));
    s.once('error', reject);
  });
  events.start();
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    events,
    async close() {
      await events.stop();
      // SSE streams stay open until their clients leave: end them, then the listener
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
