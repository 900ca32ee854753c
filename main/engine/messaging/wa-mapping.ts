// Pure translations between Baileys' message shapes and the messaging contract (types.ts):
// what a recipient the caller typed means, which upserts are messages someone wrote to us, and
// which message status a receipt or ack stands for. Decisions only, so they are tested alone.
import { normalizeMessageContent, proto, type WAMessage, type WAMessageKey } from '@whiskeysockets/baileys';
import type { IncomingMessage, MessageStatusUpdate } from './types.js';

/** What a `to` names: a phone number to look up, or a JID used as it is. */
export type Recipient = { kind: 'phone'; digits: string } | { kind: 'jid'; jid: string };

const PERSON_SERVERS = new Set(['s.whatsapp.net', 'c.us']);
const E164_DIGITS = /^[1-9]\d{5,14}$/;

/**
 * Reads `+E.164` (spaces, dashes, dots and brackets allowed), bare digits or a JID. A person's
 * JID (`@s.whatsapp.net`, `@c.us`, with or without a device) becomes its phone number, so it is
 * looked up like one; other JIDs (`@lid`, `@g.us`) are kept. Null when it is none of these.
 */
export function parseRecipient(to: string): Recipient | null {
  const trimmed = to.trim();
  const at = trimmed.indexOf('@');
  if (at >= 0) {
    const user = trimmed.slice(0, at).split(':')[0] ?? '';
    const server = trimmed.slice(at + 1).toLowerCase();
    if (PERSON_SERVERS.has(server)) return E164_DIGITS.test(user) ? { kind: 'phone', digits: user } : null;
    if ((server === 'lid' || server === 'g.us') && /^[\d-]+$/.test(user)) return { kind: 'jid', jid: `${user}@${server}` };
    return null;
  }
  const digits = trimmed.replace(/^\+/, '').replace(/[\s().-]/g, '');
  return E164_DIGITS.test(digits) ? { kind: 'phone', digits } : null;
}

/** A person's chat JID for a phone number. */
export function personJid(digits: string): string {
  return `${digits}@s.whatsapp.net`;
}

function isLid(jid: string | null | undefined): boolean {
  return !!jid && (jid.endsWith('@lid') || jid.endsWith('@hosted.lid'));
}

/** The phone-number form of a JID when Baileys knows it (LID-addressed chats carry it as the "alt"). */
function preferPhoneJid(jid: string, alt: string | null | undefined): string {
  return isLid(jid) && alt && !isLid(alt) ? alt : jid;
}

function toMs(ts: WAMessage['messageTimestamp'], fallback: number): number {
  if (ts === null || ts === undefined) return fallback;
  const seconds = typeof ts === 'number' ? ts : Number(ts.toString());
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : fallback;
}

/**
 * A message someone else wrote, from a `messages.upsert` of type 'notify'; null for our own
 * messages, status broadcasts, protocol messages (edits, deletions, key exchange) and stubs
 * without content (a message WhatsApp could not decrypt yet).
 */
export function incomingFromUpsert(phoneId: string, msg: WAMessage, now: number): IncomingMessage | null {
  const key = msg.key;
  const remote = key.remoteJid;
  if (key.fromMe || !remote || !key.id || remote === 'status@broadcast' || remote.endsWith('@broadcast') || remote.endsWith('@newsletter')) return null;
  const content = normalizeMessageContent(msg.message);
  if (!content) return null;
  if (content.protocolMessage) return null;
  const text = content.conversation ?? content.extendedTextMessage?.text ?? null;
  const chatJid = preferPhoneJid(remote, key.remoteJidAlt);
  const senderJid = key.participant ? preferPhoneJid(key.participant, key.participantAlt) : chatJid;
  return {
    phoneId,
    waId: key.id,
    chatJid,
    senderJid,
    pushName: msg.pushName ?? null,
    kind: text === null ? 'other' : 'text',
    text,
    at: toMs(msg.messageTimestamp, now),
  };
}

type StatusState = MessageStatusUpdate['state'];

/** The contract's state for a WebMessageInfo status; null for PENDING (not yet at the server). */
export function stateFromWaStatus(status: proto.WebMessageInfo.Status | null | undefined): StatusState | null {
  switch (status) {
    case proto.WebMessageInfo.Status.ERROR:
      return 'failed';
    case proto.WebMessageInfo.Status.SERVER_ACK:
      return 'server-ack';
    case proto.WebMessageInfo.Status.DELIVERY_ACK:
      return 'delivered';
    case proto.WebMessageInfo.Status.READ:
    case proto.WebMessageInfo.Status.PLAYED:
      return 'read';
    default:
      return null;
  }
}

/**
 * A status update for one of our messages from `messages.update`; null for anything else. Baileys
 * reports the server's refusal (an `<ack>` with an error) as status ERROR with the error code as
 * the first stub parameter (`messages-recv.js`, handleBadAck): it is kept as `errorCode`.
 */
export function statusFromUpdate(
  phoneId: string,
  key: WAMessageKey,
  status: proto.WebMessageInfo.Status | null | undefined,
  now: number,
  stubParameters?: readonly (string | null | undefined)[] | null,
): MessageStatusUpdate | null {
  const state = stateFromWaStatus(status);
  if (!state || !key.fromMe || !key.id || !key.remoteJid) return null;
  const update: MessageStatusUpdate = { phoneId, waId: key.id, jid: preferPhoneJid(key.remoteJid, key.remoteJidAlt), state, at: now };
  const code = stubParameters?.[0];
  if (state === 'failed' && typeof code === 'string' && /^\d{3}$/.test(code)) update.errorCode = code;
  return update;
}

/** A `message-receipt.update` (group and broadcast receipts, per member). */
export function statusFromReceipt(phoneId: string, key: WAMessageKey, receipt: proto.IUserReceipt, now: number): MessageStatusUpdate | null {
  if (!key.fromMe || !key.id || !key.remoteJid) return null;
  const state: StatusState | null = receipt.readTimestamp || receipt.playedTimestamp ? 'read' : receipt.receiptTimestamp ? 'delivered' : null;
  return state ? { phoneId, waId: key.id, jid: key.remoteJid, state, at: now } : null;
}

/**
 * The server's `<ack class="message">` for a message we sent: server-ack when it carries no
 * error (Baileys itself only reports the errors, as status ERROR). Acks of our own peer
 * messages (sent to our own devices) are not messages anyone asked for.
 */
export function serverAckFromNode(phoneId: string, attrs: Record<string, string>, ownUsers: readonly string[], now: number): MessageStatusUpdate | null {
  const id = attrs.id;
  const from = attrs.from;
  if (!id || !from || attrs.error !== undefined || from.endsWith('@broadcast')) return null;
  const user = from.split('@')[0]?.split(':')[0];
  if (user !== undefined && ownUsers.includes(user)) return null;
  return { phoneId, waId: id, jid: from, state: 'server-ack', at: now };
}
