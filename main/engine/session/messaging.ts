// One phone's raw WhatsApp messaging: look a number up, send a text, and turn the socket's
// message and receipt events into the messaging contract's events. RAW: no anti-ban gate here —
// the outbound gate (OutboundService) is the one that decides whether and when to call sendText.
// The log gets message ids and lengths, never content or numbers.
import { generateMessageIDV2, type BinaryNode, type WASocket } from '@whiskeysockets/baileys';
import type { Clock } from '../clock.js';
import { KeeperError } from '../errors.js';
import type { IncomingMessage, MessageStatusUpdate, SentMessage } from '../messaging/types.js';
import { incomingFromUpsert, parseRecipient, personJid, serverAckFromNode, statusFromReceipt, statusFromUpdate } from '../messaging/wa-mapping.js';
import type { LogLevel } from '../types.js';
import { loggableId } from '../log-redaction.js';

export interface PhoneMessagingOptions {
  phoneId: string;
  clock: Clock;
  /** the socket in use now, and whether it is open */
  socket(): WASocket | null;
  isOpen(): boolean;
  /** the state the status shows (for the "not open" message) */
  state(): string;
  log: (level: LogLevel, event: string, message: string, data?: Record<string, unknown>) => void;
  onMessage(m: IncomingMessage): void;
  onStatus(u: MessageStatusUpdate): void;
}

function userOf(jid: string | null | undefined): string | null {
  return jid ? (jid.split('@')[0]?.split(':')[0] ?? null) : null;
}

/** How many of our recent message ids are remembered (see `sent`). */
const SENT_IDS_KEPT = 1000;

export class PhoneMessaging {
  /**
   * Ids of messages sent here, newest last. While Baileys buffers events, a status for a message
   * it still holds as an upsert is folded into that upsert instead of a messages.update (an
   * error ack right after a receipt does this), so our own upserts are read for status too.
   */
  private readonly sent = new Set<string>();
  /**
   * Statuses of messages whose sendText has not returned yet (the server's ack can beat it):
   * held, and emitted just after the caller has the id, so no listener sees a status for an id
   * it cannot know yet.
   */
  private readonly held = new Map<string, MessageStatusUpdate[]>();

  constructor(private readonly o: PhoneMessagingOptions) {}

  /** Subscribes to a new socket's events; `current` turns false once it is replaced. */
  attach(sock: WASocket, current: () => boolean): void {
    const { phoneId, clock } = this.o;
    sock.ev.on('messages.upsert', ({ messages, type }) => {
      if (!current()) return;
      for (const msg of messages) {
        if (msg.key.fromMe && msg.key.id && this.sent.has(msg.key.id)) this.status(statusFromUpdate(phoneId, msg.key, msg.status, clock.now()));
      }
      if (type !== 'notify') return;
      for (const msg of messages) {
        const m = incomingFromUpsert(phoneId, msg, clock.now());
        if (!m) continue;
        // the id is the sender's choice: logged only when it is a plain token
        const id = loggableId(m.waId);
        this.o.log('info', 'message.received', `Message ${id} received (${m.kind}${m.text === null ? '' : `, ${m.text.length} chars`}).`, {
          waId: id,
          kind: m.kind,
          length: m.text?.length ?? null,
        });
        this.o.onMessage(m);
      }
    });
    sock.ev.on('messages.update', (updates) => {
      if (!current()) return;
      for (const { key, update } of updates) this.status(statusFromUpdate(phoneId, key, update.status, clock.now(), update.messageStubParameters));
    });
    sock.ev.on('message-receipt.update', (receipts) => {
      if (!current()) return;
      for (const { key, receipt } of receipts) this.status(statusFromReceipt(phoneId, key, receipt, clock.now()));
    });
    sock.ws.on('CB:ack,class:message', (node: BinaryNode) => {
      if (!current()) return;
      const me = sock.authState.creds.me;
      const own = [userOf(me?.id), userOf(me?.lid)].filter((u): u is string => u !== null);
      this.status(serverAckFromNode(phoneId, node.attrs, own, clock.now()));
    });
  }

  private status(u: MessageStatusUpdate | null): void {
    if (!u) return;
    const held = this.held.get(u.waId);
    if (held) {
      held.push(u);
      return;
    }
    if (u.state === 'failed') this.o.log('warn', 'message.failed', `WhatsApp refused message ${loggableId(u.waId)}.`, { waId: loggableId(u.waId) });
    this.o.onStatus(u);
  }

  private openSocket(): WASocket {
    const sock = this.o.socket();
    if (!sock || !this.o.isOpen()) {
      throw new KeeperError('not-open', `Phone ${this.o.phoneId} is not connected (${this.o.state()}).`);
    }
    return sock;
  }

  /** The chat JID for a number or JID if it is on WhatsApp, else null. */
  async lookup(to: string): Promise<string | null> {
    const recipient = parseRecipient(to);
    if (!recipient) throw new KeeperError('invalid-input', 'Not a phone number (E.164 digits) or a WhatsApp JID.');
    if (recipient.kind === 'jid') return recipient.jid; // LIDs and groups cannot be asked about
    const sock = this.openSocket();
    const found = await sock.onWhatsApp(`+${recipient.digits}`);
    const hit = found?.find((r) => r.exists);
    return hit ? personJid(userOf(hit.jid) ?? recipient.digits) : null;
  }

  /** "typing…" in a chat (a <chatstate>, not the account's online presence), or its end. */
  async sendPresence(jid: string, presence: 'composing' | 'paused'): Promise<void> {
    await this.openSocket().sendPresenceUpdate(presence, jid);
  }

  /** Sends now, unconditionally (no gate). */
  async sendText(to: string, text: string): Promise<SentMessage> {
    const jid = await this.lookup(to);
    if (jid === null) throw new KeeperError('not-on-whatsapp', 'That number has no WhatsApp account.');
    const sock = this.openSocket();
    const waId = generateMessageIDV2(sock.user?.id);
    this.sent.add(waId);
    if (this.sent.size > SENT_IDS_KEPT) this.sent.delete(this.sent.values().next().value as string);
    const held: MessageStatusUpdate[] = [];
    this.held.set(waId, held);
    try {
      await sock.sendMessage(jid, { text }, { messageId: waId });
    } finally {
      this.held.delete(waId);
      // after the caller's own continuation (which learns the id) has run
      if (held.length) setImmediate(() => held.forEach((u) => this.status(u)));
    }
    const at = this.o.clock.now();
    this.o.log('info', 'message.sent', `Message ${waId} sent (${text.length} chars).`, { waId, length: text.length });
    return { phoneId: this.o.phoneId, waId, jid, at };
  }
}
