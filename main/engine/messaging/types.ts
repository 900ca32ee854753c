// The contract between the engine's WhatsApp messaging (Baileys side) and everything that uses it
// (the outbound gate, the local API, embedders). One port, so the API's tests can run against a
// fake that a shared contract suite holds to the real engine.

/** Where a sent message stands. Ordered: a later state never goes back to an earlier one. */
export const MESSAGE_STATES = ['queued', 'sent', 'server-ack', 'delivered', 'read', 'failed'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

/** What WhatsApp accepted from us: `waId` is the WhatsApp message id (key.id). */
export interface SentMessage {
  phoneId: string;
  waId: string;
  /** The chat the message went to, normalised (`<digits>@s.whatsapp.net` for a person). */
  jid: string;
  at: number;
}

/** A message someone wrote to a kept phone. `text` is null for kinds we do not render as text. */
export interface IncomingMessage {
  phoneId: string;
  waId: string;
  /** The chat it arrived in. */
  chatJid: string;
  /** Who wrote it (same as chatJid for a one-to-one chat). */
  senderJid: string;
  pushName: string | null;
  kind: 'text' | 'other';
  text: string | null;
  /** The sender's timestamp (ms since epoch). */
  at: number;
}

/** A receipt or server ack for a message we sent. */
export interface MessageStatusUpdate {
  phoneId: string;
  waId: string;
  jid: string;
  state: Extract<MessageState, 'server-ack' | 'delivered' | 'read' | 'failed'>;
  at: number;
  /** with 'failed': the error code of the server's refusal (its NACK), e.g. '463', when it gave one */
  errorCode?: string;
}

/**
 * What the engine offers for messaging. `sendText` throws a KeeperError with code
 * `'not-open'` when the phone has no open connection, `'not-on-whatsapp'` when the number has no
 * WhatsApp account, `'unknown-phone'` for an id that is not configured.
 */
export interface MessagingPort {
  sendText(phoneId: string, to: string, text: string): Promise<SentMessage>;
  /**
   * The normalised JID for a number or JID if it is on WhatsApp, else null. Throws like
   * `sendText` (`'not-open'`, `'unknown-phone'`) when it cannot ask: null means "not on WhatsApp".
   */
  lookup(phoneId: string, to: string): Promise<string | null>;
  on(event: 'message', listener: (m: IncomingMessage) => void): unknown;
  on(event: 'message-status', listener: (u: MessageStatusUpdate) => void): unknown;
  off(event: 'message', listener: (m: IncomingMessage) => void): unknown;
  off(event: 'message-status', listener: (u: MessageStatusUpdate) => void): unknown;
  /**
   * Optional: shows "typing…" ('composing') in a chat, or stops showing it ('paused'). The
   * outbound gate uses it before a send when present; a port without it sends without.
   * Throws like `sendText` (`'not-open'`, `'unknown-phone'`).
   */
  sendPresence?(phoneId: string, jid: string, presence: 'composing' | 'paused'): Promise<void>;
}

/** A send asked of the outbound gate (by the local API or an embedder). */
export interface SendRequest {
  phoneId: string;
  /** E.164 digits (with or without '+') or a JID. */
  to: string;
  text: string;
  /** Same key on the same phone → the same record back, never a second send. */
  idempotencyKey?: string;
}

/** One outbound message as the gate and the API know it. Survives restarts. */
export interface MessageRecord {
  /** Our id (not WhatsApp's). */
  id: string;
  phoneId: string;
  to: string;
  jid: string | null;
  waId: string | null;
  state: MessageState;
  /** Why it is held (`queued`) or refused (`failed`), in words; null otherwise. */
  reason: string | null;
  /** When each state was reached (ms since epoch). */
  times: Partial<Record<MessageState, number>>;
  createdAt: number;
}

/**
 * The outbound gate as its users see it. `submit` throws KeeperError `'unknown-phone'` and
 * `'not-on-whatsapp'` (the API answers 404 and 422); every other outcome is a record whose state
 * and reason say what happened.
 */
export interface OutboundService {
  submit(req: SendRequest): Promise<MessageRecord>;
  get(phoneId: string, id: string): MessageRecord | null;
  on(event: 'record', listener: (r: MessageRecord) => void): unknown;
  off(event: 'record', listener: (r: MessageRecord) => void): unknown;
}
