// The local API's routes (Hono + @hono/zod-openapi): every request is checked for a loopback
// Host (403), the bearer token (401) and the body size (413) before a route runs; each route
// validates with the zod schemas the OpenAPI document at /v1/openapi.json is generated from.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import QRCode from 'qrcode';
import { KeeperError } from '../engine/errors.js';
import type { OutboundService } from '../engine/messaging/types.js';
import type { ApiEvents, KeeperPort } from './api-events.js';
import { bearerMatches, isLoopbackHost } from './request-guards.js';
import {
  ApiEventSchema,
  BackupResultSchema,
  ErrorSchema,
  ForceQuery,
  InboxPageSchema,
  InboxQuery,
  KeepAliveResultSchema,
  MessageParams,
  MessageRecordSchema,
  PhoneIdParams,
  PhoneListSchema,
  PhoneStatusSchema,
  QrQuery,
  ReconnectResultSchema,
  SendAcceptedSchema,
  SendMessageSchema,
  UptimeQuery,
  UptimeReportSchema,
  WebhookListSchema,
} from './schemas.js';

export const API_VERSION = '1.0.0';
/** Request bodies larger than this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 64 * 1024;
/** An SSE comment this often keeps proxies and idle timers from closing a quiet stream. */
export const SSE_HEARTBEAT_MS = 15_000;
/** A client this far behind is cut off (it resumes with Last-Event-ID) instead of growing memory. */
export const SSE_MAX_BACKLOG = 10_000;

export interface ApiAppDeps {
  /** the current token (read on every request, so a rotation takes effect at once) */
  token: () => string;
  keeper: KeeperPort;
  outbound: OutboundService | null;
  events: ApiEvents;
  heartbeatMs?: number;
  /** a request that failed unexpectedly: the answer says only "internal", this gets the error */
  onError?: (err: unknown) => void;
}

/** HTTP status for each deliberate refusal; anything else is a 500 with no internals. */
const STATUS_FOR_CODE: Record<string, ContentfulStatusCode> = {
  'unknown-phone': 404,
  'unknown-message': 404,
  'not-found': 404,
  'invalid-input': 400,
  'invalid-request': 400,
  'not-on-whatsapp': 422,
  'not-open': 409,
  'not-connected': 409,
  'not-linked': 409,
  'already-linked': 409,
  'refused-by-gate': 409,
  'no-qr': 409,
  'backup-failed': 409,
  'restarting': 503,
  'messaging-unavailable': 503,
  'storage-error': 507,
};

function apiError(code: string, message: string) {
  return { error: { code, message } };
}

const errorResponses = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [c, { description: ERROR_TEXT[c] ?? 'Error', content: { 'application/json': { schema: ErrorSchema } } }]));

const ERROR_TEXT: Record<number, string> = {
  400: 'The request is not valid',
  401: 'Missing or wrong bearer token',
  403: 'The Host header is not a loopback name',
  404: 'No such phone or message',
  409: 'Refused in the current state (not connected, gate, sleep window…)',
  413: 'The body is too large',
  422: 'The number is not on WhatsApp',
  503: 'Messaging is not available in this process',
};

const common = errorResponses(401, 403);
const security = [{ bearerAuth: [] as string[] }];
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const routes = {
  phones: createRoute({ method: 'get', path: '/v1/phones', security, summary: 'Every phone and its status', responses: { 200: json(PhoneListSchema, 'The phones'), ...common } }),
  phone: createRoute({
    method: 'get',
    path: '/v1/phones/{id}',
    security,
    summary: "One phone's status (the object the tray and window render)",
    request: { params: PhoneIdParams },
    responses: { 200: json(PhoneStatusSchema, 'The status'), ...common, ...errorResponses(404) },
  }),
  send: createRoute({
    method: 'post',
    path: '/v1/phones/{id}/messages',
    security,
    summary: 'Send a text message through the anti-ban gate',
    request: { params: PhoneIdParams, body: { required: true, content: { 'application/json': { schema: SendMessageSchema } } } },
    responses: { 202: json(SendAcceptedSchema, 'Accepted: queued by the gate, or already sent'), ...common, ...errorResponses(400, 404, 413, 422, 503) },
  }),
  message: createRoute({
    method: 'get',
    path: '/v1/phones/{id}/messages/{msgId}',
    security,
    summary: 'Where a sent message stands',
    request: { params: MessageParams },
    responses: { 200: json(MessageRecordSchema, 'The message'), ...common, ...errorResponses(404, 503) },
  }),
  inbox: createRoute({
    method: 'get',
    path: '/v1/phones/{id}/inbox',
    security,
    summary: 'Incoming messages after a cursor (durable: a bot that was down catches up)',
    description: 'Each message is kept for the inbox keep period (settings `api.inboxKeepDays`, default 30 days) after it arrived, then pruned; cursors never repeat.',
    request: { params: PhoneIdParams, query: InboxQuery },
    responses: { 200: json(InboxPageSchema, 'A page of the inbox'), ...common, ...errorResponses(400, 404) },
  }),
  events: createRoute({
    method: 'get',
    path: '/v1/events',
    security,
    summary: 'Server-Sent Events: message.received, message.status, phone.status, keepalive.sent, backup.done',
    description: 'Each SSE message has `id` (send it back as Last-Event-ID to resume), `event` (the type) and `data` (an Event as JSON).',
    request: { headers: z.object({ 'last-event-id': z.string().optional() }) },
    responses: { 200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } }, ...common },
  }),
  keepalive: createRoute({
    method: 'post',
    path: '/v1/phones/{id}/keepalive',
    security,
    summary: 'Send a keep-alive pulse now',
    request: { params: PhoneIdParams, query: ForceQuery },
    responses: { 200: json(KeepAliveResultSchema, 'Sent'), ...common, ...errorResponses(404, 409) },
  }),
  backup: createRoute({
    method: 'post',
    path: '/v1/phones/{id}/backup',
    security,
    summary: 'Back the session up now',
    request: { params: PhoneIdParams, query: ForceQuery },
    responses: { 200: json(BackupResultSchema, 'What the backup did'), ...common, ...errorResponses(404, 409) },
  }),
  reconnect: createRoute({
    method: 'post',
    path: '/v1/phones/{id}/reconnect',
    security,
    summary: 'Drop the connection and connect again',
    request: { params: PhoneIdParams },
    responses: { 202: json(ReconnectResultSchema, 'Reconnecting'), ...common, ...errorResponses(404) },
  }),
  qr: createRoute({
    method: 'get',
    path: '/v1/phones/{id}/qr',
    security,
    summary: 'The pairing QR code while the phone waits for a scan',
    request: { params: PhoneIdParams, query: QrQuery },
    responses: {
      200: { description: 'A PNG, or the QR string with ?format=raw', content: { 'image/png': { schema: z.string().openapi({ format: 'binary' }) }, 'text/plain': { schema: z.string() } } },
      ...common,
      ...errorResponses(404, 409),
    },
  }),
  uptime: createRoute({
    method: 'get',
    path: '/v1/phones/{id}/uptime',
    security,
    summary: "The phone's uptime: intervals, the share of time open over 24 h / 7 d / 30 d, day and hour cells",
    request: { params: PhoneIdParams, query: UptimeQuery },
    responses: { 200: json(UptimeReportSchema, 'The uptime report'), ...errorResponses(400, 404), ...common },
  }),
  webhooks: createRoute({ method: 'get', path: '/v1/webhooks', security, summary: 'Webhooks and their last delivery', responses: { 200: json(WebhookListSchema, 'The webhooks'), ...common } }),
};

export const OPENAPI_PATH = '/v1/openapi.json';

export function createApiApp(deps: ApiAppDeps): OpenAPIHono {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        const text = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
        return c.json(apiError('invalid-request', text), 400);
      }
      return undefined;
    },
  });

  app.use('*', async (c, next) => {
    if (!isLoopbackHost(c.req.header('host'))) return c.json(apiError('forbidden-host', 'The Host header must name this machine (localhost, 127.0.0.1 or [::1]).'), 403);
    if (!bearerMatches(c.req.header('authorization'), deps.token())) {
      c.header('WWW-Authenticate', 'Bearer');
      return c.json(apiError('unauthorized', 'Send Authorization: Bearer <token> with the API token.'), 401);
    }
    return next();
  });
  app.use('*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json(apiError('body-too-large', `The body is larger than ${MAX_BODY_BYTES} bytes.`), 413) }));

  app.notFound((c) => c.json(apiError('not-found', `No route ${c.req.method} ${c.req.path}.`), 404));
  app.onError((err, c) => {
    if (err instanceof KeeperError || err instanceof ApiRefusal) return c.json(apiError(err.code, err.message), STATUS_FOR_CODE[err.code] ?? 500);
    if (err instanceof HTTPException) return c.json(apiError(err.status === 400 ? 'invalid-request' : 'http-error', err.message), err.status);
    deps.onError?.(err);
    return c.json(apiError('internal', 'The request failed inside Session Keeper; the log has the details.'), 500);
  });

  const outbound = (): OutboundService => {
    if (!deps.outbound) throw new ApiRefusal('messaging-unavailable', 'Sending is not available in this process.');
    return deps.outbound;
  };

  app.openapi(routes.phones, (c) => c.json({ phones: deps.keeper.statuses() }, 200));
  app.openapi(routes.phone, (c) => c.json(deps.keeper.status(c.req.valid('param').id), 200));

  app.openapi(routes.send, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    deps.keeper.status(id); // 404 for a phone this keeper does not run, whatever the gate knows
    const record = await outbound().submit({ phoneId: id, to: body.to, text: body.text, ...(body.idempotencyKey !== undefined ? { idempotencyKey: body.idempotencyKey } : {}) });
    c.header('Location', `/v1/phones/${encodeURIComponent(id)}/messages/${encodeURIComponent(record.id)}`);
    return c.json({ id: record.id, state: record.state }, 202);
  });

  app.openapi(routes.message, (c) => {
    const { id, msgId } = c.req.valid('param');
    deps.keeper.status(id);
    const record = outbound().get(id, msgId);
    if (!record) throw new ApiRefusal('unknown-message', `No message ${JSON.stringify(msgId)} on phone ${JSON.stringify(id)}.`);
    return c.json(record, 200);
  });

  app.openapi(routes.inbox, (c) => {
    const { id } = c.req.valid('param');
    const { after, limit } = c.req.valid('query');
    deps.keeper.status(id);
    return c.json(deps.events.inbox.page(id, after, limit), 200);
  });

  app.openapi(routes.events, (c) => eventStream(c, deps));

  app.openapi(routes.keepalive, async (c) => {
    const { id } = c.req.valid('param');
    const r = await deps.keeper.keepAliveNow(id, { force: c.req.valid('query').force === 'true' });
    return c.json(r, 200);
  });

  app.openapi(routes.backup, async (c) => {
    const { id } = c.req.valid('param');
    const r = await deps.keeper.backupNow(id, { force: c.req.valid('query').force === 'true' });
    const generation = r.outcome === 'uploaded' || r.outcome === 'unchanged' ? r.generation : null;
    const reason = r.outcome === 'skipped' ? r.reason : r.outcome === 'failed' ? r.error : null;
    return c.json({ outcome: r.outcome, generation, reason }, 200);
  });

  app.openapi(routes.reconnect, async (c) => {
    const { id } = c.req.valid('param');
    await deps.keeper.reconnect(id);
    return c.json({ phoneId: id, state: deps.keeper.status(id).state }, 202);
  });

  app.openapi(routes.qr, async (c) => {
    const { id } = c.req.valid('param');
    const s = deps.keeper.status(id);
    if (s.qr === null) throw new ApiRefusal('no-qr', `Phone ${id} shows no QR code now (state: ${s.state}); a QR appears while it waits for a scan.`);
    c.header('Cache-Control', 'no-store');
    if (c.req.valid('query').format === 'raw') return c.text(s.qr, 200);
    const png = await QRCode.toBuffer(s.qr, { type: 'png', errorCorrectionLevel: 'L', margin: 2, scale: 8 });
    return c.body(new Uint8Array(png), 200, { 'Content-Type': 'image/png' });
  });

  app.openapi(routes.uptime, async (c) => {
    const { id } = c.req.valid('param');
    const { days } = c.req.valid('query');
    return c.json(await deps.keeper.uptime(id, days !== undefined ? { days } : {}), 200);
  });

  app.openapi(routes.webhooks, (c) => c.json({ webhooks: deps.events.webhooks.views() }, 200));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  // no route returns it as JSON, but SSE data and webhook bodies are this shape
  app.openAPIRegistry.register('Event', ApiEventSchema);
  app.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: { title: 'Session Keeper local API', version: API_VERSION, description: 'Send and receive through the kept WhatsApp session. Loopback only; every request needs the bearer token.' },
    security,
  });
  return app;
}

/** A refusal of the API itself (not the engine's), answered by onError through STATUS_FOR_CODE. */
export class ApiRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRefusal';
  }
}

/**
 * The SSE stream: with Last-Event-ID, first what the client missed, then live events. The
 * listener is attached in the same turn the backlog is read, so nothing falls between them.
 */
function eventStream(c: Context, deps: ApiAppDeps): Response {
  const journal = deps.events.journal;
  const lastId = c.req.header('last-event-id') ?? null;
  const backlog = journal.since(lastId);
  const queue = [...backlog.events];
  let wake: (() => void) | null = null;
  const onEvent = (e: (typeof queue)[number]) => {
    queue.push(e);
    if (queue.length > SSE_MAX_BACKLOG) {
      queue.length = 0;
      overflowed = true;
    }
    wake?.();
  };
  let overflowed = false;
  journal.on('event', onEvent);
  return streamSSE(c, async (stream) => {
    let open = true;
    stream.onAbort(() => {
      open = false;
      wake?.();
    });
    const heartbeat = setInterval(() => {
      void stream.write(': keep-alive\n\n');
    }, deps.heartbeatMs ?? SSE_HEARTBEAT_MS);
    try {
      await stream.write('retry: 2000\n\n');
      if (!backlog.complete) await stream.write(': some events since Last-Event-ID are no longer kept; the inbox keeps incoming messages for its keep period\n\n');
      while (open && !overflowed) {
        const next = queue.shift();
        if (next) {
          await stream.writeSSE({ id: next.id, event: next.type, data: JSON.stringify(next) });
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    } finally {
      clearInterval(heartbeat);
      journal.off('event', onEvent);
    }
  });
}
