// Fakes of the messaging contract (main/engine/messaging/types.ts) for the local API's tests:
// FakeMessagingPort stands for the engine's WhatsApp side, FakeOutboundService for the anti-ban
// gate. They follow every doc comment in the contract (error codes, normalised JIDs, states
// that only move forward, idempotency keys) and are to be held to the shared contract suite.
import { EventEmitter } from 'node:events';
import { KeeperError } from '../../main/engine/errors.js';
import {
  MESSAGE_STATES,
  type IncomingMessage,
  type MessageRecord,
  type MessageState,
  type MessageStatusUpdate,
  type MessagingPort,
  type OutboundService,
  type SendRequest,
  type SentMessage,
} from '../../main/engine/messaging/types.js';

interface PortEvents {
  message: [IncomingMessage];
  'message-status': [MessageStatusUpdate];
}

/** `<digits>@s.whatsapp.net` for E.164 digits (with or without '+'), a JID as it is; null when neither. */
export function normaliseTo(to: string): string | null {
  const t = to.trim();
  if (t.includes('@')) return /^\d+(:\d+)?@s\.whatsapp\.net$|^[\d-]+@g\.us$/.test(t) ? t.replace(/:\d+@/, '@') : null;
  const digits = t.replace(/^\+/, '');
  return /^\d{6,15}$/.test(digits) ? `${digits}@s.whatsapp.net` : null;
}

export interface FakeMessagingOptions {
  /** configured phone ids; others are 'unknown-phone' */
  phones: string[];
  /** digits of the numbers that have WhatsApp */
  onWhatsApp: string[];
  /** the contacts answer every message with server-ack, delivered and read (as real ones do) */
  autoReceipts?: boolean;
  now?: () => number;
}

export class FakeMessagingPort extends EventEmitter<PortEvents> implements MessagingPort {
  /** every message that "went out", in order */
  readonly sent: (SentMessage & { text: string })[] = [];
  /** phones without an open connection: sendText throws 'not-open' */
  readonly closed = new Set<string>();
  private seq = 0;
  private readonly now: () => number;

  constructor(private readonly opts: FakeMessagingOptions) {
    super();
    this.now = opts.now ?? Date.now;
  }

  private phone(phoneId: string): void {
    if (!this.opts.phones.includes(phoneId)) throw new KeeperError('unknown-phone', `No phone with id ${JSON.stringify(phoneId)} is configured.`);
  }

  /** Async like the real port: an unknown or closed phone is a rejection; null only means "not on WhatsApp". */
  async lookup(phoneId: string, to: string): Promise<string | null> {
    this.phone(phoneId);
    if (this.closed.has(phoneId)) throw new KeeperError('not-open', `Phone ${phoneId} has no open connection.`);
    const jid = normaliseTo(to);
    if (jid === null) return null;
    if (jid.endsWith('@g.us')) return jid;
    return this.opts.onWhatsApp.includes(jid.split('@')[0] ?? '') ? jid : null;
  }

  async sendText(phoneId: string, to: string, text: string): Promise<SentMessage> {
    this.phone(phoneId);
    if (this.closed.has(phoneId)) throw new KeeperError('not-open', `Phone ${phoneId} has no open connection.`);
    const jid = await this.lookup(phoneId, to);
    if (jid === null) throw new KeeperError('not-on-whatsapp', `${to} is not on WhatsApp.`);
    this.seq += 1;
    const sent = { phoneId, waId: `FAKE${String(this.seq).padStart(8, '0')}`, jid, at: this.now(), text };
    this.sent.push(sent);
    if (this.opts.autoReceipts) {
      // after the caller has the id, as the real port holds statuses that beat sendText's return
      setImmediate(() => {
        for (const state of ['server-ack', 'delivered', 'read'] as const) this.receipt({ phoneId, waId: sent.waId, jid, state, at: this.now() });
      });
    }
    return { phoneId: sent.phoneId, waId: sent.waId, jid: sent.jid, at: sent.at };
  }

  /** Someone writes to a kept phone. */
  receive(m: Omit<IncomingMessage, 'at' | 'pushName' | 'kind' | 'senderJid'> & Partial<IncomingMessage>): IncomingMessage {
    const full: IncomingMessage = { kind: 'text', pushName: null, senderJid: m.chatJid, at: this.now(), ...m, text: m.text ?? null };
    this.emit('message', full);
    return full;
  }

  /** A receipt or server ack arrives for a message we sent. */
  receipt(u: MessageStatusUpdate): void {
    this.emit('message-status', u);
  }
}

export interface FakeOutboundOptions {
  /** when set, every submit is held as 'queued' with this reason instead of sent */
  holdReason?: string | null;
  now?: () => number;
}

/** The gate, reduced to its contract: submit, get, idempotency, 'record' on every change. */
export class FakeOutboundService extends EventEmitter<{ record: [MessageRecord] }> implements OutboundService {
  private readonly records = new Map<string, MessageRecord>();
  private readonly byKey = new Map<string, string>();
  private readonly byWaId = new Map<string, string>();
  private seq = 0;
  private readonly now: () => number;
  holdReason: string | null;

  constructor(
    private readonly port: FakeMessagingPort,
    opts: FakeOutboundOptions = {},
  ) {
    super();
    this.now = opts.now ?? Date.now;
    this.holdReason = opts.holdReason ?? null;
    port.on('message-status', (u) => {
      const id = this.byWaId.get(`${u.phoneId}/${u.waId}`);
      const r = id ? this.records.get(id) : undefined;
      if (r) this.advance(r, u.state, null, u.at);
    });
  }

  async submit(req: SendRequest): Promise<MessageRecord> {
    const key = req.idempotencyKey !== undefined ? `${req.phoneId}/${req.idempotencyKey}` : null;
    const existing = key ? this.records.get(this.byKey.get(key) ?? '') : undefined;
    if (existing) return { ...existing };
    const jid = await this.port.lookup(req.phoneId, req.to); // throws unknown-phone
    if (jid === null) throw new KeeperError('not-on-whatsapp', `${req.to} is not on WhatsApp: nothing was sent.`);
    this.seq += 1;
    const now = this.now();
    const record: MessageRecord = { id: `msg_${this.seq}`, phoneId: req.phoneId, to: req.to, jid, waId: null, state: 'queued', reason: this.holdReason, times: { queued: now }, createdAt: now };
    this.records.set(record.id, record);
    if (key) this.byKey.set(key, record.id);
    this.emit('record', { ...record });
    if (this.holdReason === null) await this.send(record, req.text);
    return { ...record };
  }

  /** Sends every held message (e.g. the sleep window ended). */
  async release(texts: Record<string, string>): Promise<void> {
    for (const r of this.records.values()) if (r.state === 'queued') await this.send(r, texts[r.id] ?? '');
  }

  private async send(r: MessageRecord, text: string): Promise<void> {
    try {
      const sent = await this.port.sendText(r.phoneId, r.jid ?? r.to, text);
      r.waId = sent.waId;
      this.byWaId.set(`${r.phoneId}/${sent.waId}`, r.id);
      this.advance(r, 'sent', null, sent.at);
    } catch (err) {
      this.advance(r, 'failed', (err as Error).message, this.now());
    }
  }

  /** States only move forward; 'failed' is final. */
  private advance(r: MessageRecord, state: MessageState, reason: string | null, at: number): void {
    if (r.state === 'failed' || MESSAGE_STATES.indexOf(state) <= MESSAGE_STATES.indexOf(r.state)) return;
    r.state = state;
    r.reason = reason;
    r.times[state] = at;
    this.emit('record', { ...r, times: { ...r.times } });
  }

  get(phoneId: string, id: string): MessageRecord | null {
    const r = this.records.get(id);
    return r && r.phoneId === phoneId ? { ...r, times: { ...r.times } } : null;
  }
}
