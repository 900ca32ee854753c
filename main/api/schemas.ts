// The local API's wire shapes, as zod schemas: the routes validate requests with them and the
// OpenAPI document is generated from them, so the document cannot drift from what is enforced.
// Response schemas mirror engine types; the handlers' `c.json(...)` calls type-check against them.
import { z } from '@hono/zod-openapi';
import { MESSAGE_STATES } from '../engine/messaging/types.js';
import { PHONE_STATES } from '../engine/types.js';
import { UPTIME_MAX_DAYS } from '../engine/uptime/history-record.js';

const ms = (what: string) => z.number().int().openapi({ description: `${what} (ms since epoch)` });
const msOrNull = (what: string) => ms(what).nullable();

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'unknown-phone' }),
      message: z.string().openapi({ example: 'No phone with id "work" is configured.' }),
    }),
  })
  .openapi('Error');

export const PhoneStatusSchema = z
  .object({
    phoneId: z.string(),
    label: z.string(),
    state: z.enum(PHONE_STATES),
    qr: z.string().nullable().openapi({ description: 'the pairing QR string while waiting-for-scan' }),
    qrExpiresAt: msOrNull('when the QR expires'),
    pairingCode: z
      .object({ code: z.string(), expiresAt: ms('when the code stops working') })
      .nullable()
      .optional()
      .openapi({ description: 'the code to type on the phone (Link with phone number) while one was asked for' }),
    me: z.string().nullable().openapi({ description: 'WhatsApp id of the linked device once paired' }),
    pairedAt: msOrNull('first open after a scan'),
    everLinked: z.boolean().openapi({ description: 'this phone was linked at some time (a QR it shows now is a rescan, not a first link)' }),
    connectedSince: msOrNull('start of the current connection'),
    lastDisconnect: z.object({ code: z.number().int().nullable(), reason: z.string(), at: ms('when') }).nullable(),
    reconnect: z.object({ attempt: z.number().int(), nextAt: msOrNull('next attempt') }),
    detail: z.string().openapi({ description: 'why this state, and what happens next, in words' }),
    quarantinedTo: z.string().nullable(),
    bannedUntil: msOrNull('end of a temporary ban'),
    nextKeepAliveAt: msOrNull('next keep-alive'),
    lastKeepAliveAt: msOrNull('last keep-alive'),
    mode: z.enum(['active', 'reduced', 'sleep']),
    keepAlivePaused: z.boolean(),
    phoneLastSeenAt: msOrNull('when the primary phone was last seen'),
    phoneInactive: z.boolean(),
    lastBackupAt: msOrNull('newest backup'),
    lastBackupGeneration: z.string().nullable(),
    lastBackupError: z.string().nullable(),
    backupFailing: z.boolean(),
    nextBackupAt: msOrNull('next planned backup'),
    backupWarning: z.string().nullable(),
    unlinked: z
      .object({
        cause: z.enum(['user-logout', 'server-logout', 'session-unreadable', 'pairing-expired']),
        at: ms('when'),
        device: z.string().nullable(),
      })
      .nullable(),
    storageError: z.object({ path: z.string(), reason: z.string(), code: z.string().nullable(), since: ms('first failure') }).nullable(),
    deafRecycles: z.number().int(),
    outboundStop: z
      .object({ at: ms('when sending stopped'), reason: z.string() })
      .nullable()
      .optional()
      .openapi({ description: 'sending is stopped on this phone (WhatsApp refused messages or signalled a restriction) until a person resumes it' }),
    updatedAt: ms('when this snapshot was built'),
  })
  .openapi('PhoneStatus');

export const PhoneListSchema = z.object({ phones: z.array(PhoneStatusSchema) }).openapi('PhoneList');

export const PhoneIdParams = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' }, example: 'default' }),
});

export const MessageParams = PhoneIdParams.extend({
  msgId: z.string().min(1).max(128).openapi({ param: { name: 'msgId', in: 'path' } }),
});

/** 64 KiB is far more than any chat message; the body limit (413) is checked before this. */
export const MAX_TEXT_CHARS = 16_000;

export const SendMessageSchema = z
  .object({
    to: z
      .string()
      .min(3)
      .max(128)
      .openapi({ description: 'E.164 digits (with or without +) or a JID', example: '15551234567' }),
    text: z.string().min(1).max(MAX_TEXT_CHARS),
    idempotencyKey: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .openapi({ description: 'the same key on the same phone returns the same message, never a second send' }),
  })
  .strict()
  .openapi('SendMessage');

export const MessageStateSchema = z.enum(MESSAGE_STATES).openapi('MessageState');

export const SendAcceptedSchema = z
  .object({ id: z.string(), state: MessageStateSchema })
  .openapi('SendAccepted');

export const MessageRecordSchema = z
  .object({
    id: z.string(),
    phoneId: z.string(),
    to: z.string(),
    jid: z.string().nullable(),
    waId: z.string().nullable(),
    state: MessageStateSchema,
    reason: z.string().nullable().openapi({ description: 'why it is held (queued) or refused (failed)' }),
    times: z.partialRecord(MessageStateSchema, z.number().int()).openapi({ description: 'when each state was reached (ms since epoch)' }),
    createdAt: ms('when it was submitted'),
  })
  .openapi('MessageRecord');

export const IncomingMessageSchema = z
  .object({
    phoneId: z.string(),
    waId: z.string(),
    chatJid: z.string(),
    senderJid: z.string(),
    pushName: z.string().nullable(),
    kind: z.enum(['text', 'other']),
    text: z.string().nullable(),
    at: ms("the sender's timestamp"),
  })
  .openapi('IncomingMessage');

export const InboxEntrySchema = z
  .object({
    cursor: z.string().openapi({ description: 'pass as ?after= to get what came after this message' }),
    eventId: z.string(),
    receivedAt: ms('when the keeper received it'),
    message: IncomingMessageSchema,
  })
  .openapi('InboxEntry');

export const InboxQuery = z.object({
  after: z.string().regex(/^\d+$/).optional().openapi({ description: 'a cursor from an earlier answer; absent: from the start' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const InboxPageSchema = z
  .object({
    messages: z.array(InboxEntrySchema),
    next: z.string().openapi({ description: 'the cursor to ask with next time (unchanged when nothing new)' }),
    missed: z.boolean().openapi({ description: 'messages right after `after` were older than the inbox keep period and pruned before they were read: they are gone' }),
  })
  .openapi('InboxPage');

export const EVENT_TYPES = ['message.received', 'message.status', 'phone.status', 'keepalive.sent', 'backup.done'] as const;
export type ApiEventType = (typeof EVENT_TYPES)[number];

export const KeepAliveSentSchema = z
  .object({ trigger: z.string(), mode: z.enum(['active', 'reduced', 'sleep']), nextAt: msOrNull('next keep-alive') })
  .openapi('KeepAliveSent');

export const BackupDoneSchema = z
  .object({
    outcome: z.enum(['uploaded', 'unchanged', 'failed']),
    generation: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi('BackupDone');

/**
 * A phone's status as events carry it (SSE, webhooks, the journal on disk): the status without
 * the QR string, which links a device to the account and must not reach webhooks or disk; a bot
 * sees that one is waiting and fetches it from GET /v1/phones/{id}/qr when it needs it.
 */
export const PhoneStatusEventSchema = PhoneStatusSchema.omit({ qr: true, pairingCode: true })
  .extend({
    qrWaiting: z.boolean().openapi({ description: 'a pairing QR is waiting for a scan (GET /v1/phones/{id}/qr shows it)' }),
    pairingCodeWaiting: z.boolean().openapi({ description: 'a code to type on the phone is waiting (GET /v1/phones/{id} shows it)' }),
  })
  .openapi('PhoneStatusEvent');

const eventBase = { id: z.string().openapi({ description: 'increasing; send back as Last-Event-ID to resume' }), at: ms('when it happened') };

export const ApiEventSchema = z
  .discriminatedUnion('type', [
    z.object({ ...eventBase, type: z.literal('message.received'), phoneId: z.string(), data: InboxEntrySchema.omit({ eventId: true }) }),
    z.object({ ...eventBase, type: z.literal('message.status'), phoneId: z.string(), data: MessageRecordSchema }),
    z.object({ ...eventBase, type: z.literal('phone.status'), phoneId: z.string(), data: PhoneStatusEventSchema }),
    z.object({ ...eventBase, type: z.literal('keepalive.sent'), phoneId: z.string(), data: KeepAliveSentSchema }),
    z.object({ ...eventBase, type: z.literal('backup.done'), phoneId: z.string(), data: BackupDoneSchema }),
  ])
  .openapi('Event', { description: 'One event, as carried by GET /v1/events (the SSE data) and by webhooks (the POST body).' });
export type ApiEvent = z.infer<typeof ApiEventSchema>;
export type ApiEventData<T extends ApiEventType> = Extract<ApiEvent, { type: T }>['data'];

export const KeepAliveResultSchema = z
  .object({ sentAt: ms('when it went out'), mode: z.enum(['active', 'reduced', 'sleep']), forced: z.boolean(), nextKeepAliveAt: msOrNull('next keep-alive') })
  .openapi('KeepAliveResult');

export const BackupResultSchema = z
  .object({
    outcome: z.enum(['uploaded', 'unchanged', 'skipped', 'failed']),
    generation: z.string().nullable(),
    reason: z.string().nullable().openapi({ description: 'why it was skipped or failed' }),
  })
  .openapi('BackupResult');

export const ForceQuery = z.object({
  force: z.enum(['true', 'false']).optional().openapi({ description: 'keep-alive: send even in the sleep window; backup: store even when unchanged' }),
});

export const ReconnectResultSchema = z.object({ phoneId: z.string(), state: z.enum(PHONE_STATES) }).openapi('ReconnectResult');

export const QrQuery = z.object({ format: z.enum(['png', 'raw']).default('png') });

export const WebhookViewSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    pending: z.number().int().openapi({ description: 'events waiting to be delivered' }),
    deadLetters: z.number().int().openapi({ description: 'events given up on after the retries' }),
    lastDelivery: z
      .object({
        at: ms('when'),
        eventId: z.string(),
        ok: z.boolean(),
        status: z.number().int().nullable().openapi({ description: 'the HTTP status, null when no answer came' }),
        error: z.string().nullable(),
        attempt: z.number().int(),
      })
      .nullable(),
  })
  .openapi('Webhook');

export const WebhookListSchema = z.object({ webhooks: z.array(WebhookViewSchema) }).openapi('WebhookList');
export type WebhookView = z.infer<typeof WebhookViewSchema>;

const UPTIME_CONDITIONS = ['open', 'reconnecting', 'down', 'not-linked'] as const;
const DOWN_REASONS = ['not-running', 'stopped', 'paused', 'replaced', 'banned', 'temp-banned', 'outdated'] as const;
const share = z.number().min(0).max(1).nullable();

export const UptimeQuery = z.object({
  days: z.coerce.number().int().min(1).max(UPTIME_MAX_DAYS).optional().openapi({ description: `local days (keep-alive time zone), 1–${UPTIME_MAX_DAYS}; default 30`, example: 30 }),
});

const UptimeCellSchema = z
  .object({
    start: ms('the local day or hour start'),
    end: ms('its end (23 or 25 h after start on a DST day)'),
    date: z.string().openapi({ description: "local date 'yyyy-MM-dd' (hours: 'yyyy-MM-ddTHH:mm')" }),
    open: z.number().int(),
    reconnecting: z.number().int(),
    notLinked: z.number().int(),
    down: z.number().int(),
    downBy: z.partialRecord(z.enum(DOWN_REASONS), z.number().int()),
    uptime: share.openapi({ description: 'share of recorded time open; null when nothing was recorded' }),
    drops: z.number().int().openapi({ description: 'connections that closed (the reconnects)' }),
    dropCodes: z.array(z.object({ code: z.number().int().nullable(), count: z.number().int() })),
    pulses: z.number().int(),
    backups: z.number().int(),
    rescans: z.number().int(),
    warnings: z.number().int(),
  })
  .openapi('UptimeCell');

export const UptimeReportSchema = z
  .object({
    phoneId: z.string(),
    timeZone: z.string(),
    now: ms('when the report was computed'),
    windowDays: z.number().int(),
    from: ms('start of the oldest day cell'),
    percent: z.object({ h24: share, d7: share, d30: share }).openapi({ description: 'share of time open (0…1) over 24 h, 7 d and 30 d; null when nothing was recorded in one' }),
    intervals: z.array(
      z.object({ from: ms('start'), to: ms('end'), condition: z.enum(UPTIME_CONDITIONS), reason: z.enum(DOWN_REASONS).nullable() }),
    ),
    days: z.array(UptimeCellSchema),
    hours: z.array(UptimeCellSchema),
  })
  .openapi('UptimeReport');
