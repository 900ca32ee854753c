// An in-memory MessagingPort that follows every doc comment in main/engine/messaging/types.ts,
// for tests of what sits on the port (the outbound gate, the local API, the window). The contract
// suite holds it and the engine's real port to the same behaviour. Tests steer it: which numbers are on
// WhatsApp, whether a phone is open, receipts, incoming messages, a send that fails.
import { EventEmitter } from 'node:events';
import { KeeperError } from '../../main/engine/errors.js';
import type { IncomingMessage, MessageStatusUpdate, MessagingPort, SentMessage } from '../../main/engine/messaging/types.js';
import { parseRecipient, personJid } from '../../main/engine/messaging/wa-mapping.js';

export interface FakeSend {
  phoneId: string;
  jid: string;
  text: string;
  waId: string;
  at: number;
}

export interface FakeMessagingPortOptions {
  phoneIds: readonly string[];
  /** numbers (digits only) that have a WhatsApp account */
  onWhatsApp?: readonly string[];
  /** phones whose connection is open at the start (default: all) */
  open?: readonly string[];
  now?: () => number;
  /** answer every send with a server ack right after it returns (default false) */
  autoAck?: boolean;
  /** the recipient reads every message: server ack, delivered and read follow each send (default false) */
  contactReceipts?: boolean;
  /** called for every send as it happens (e.g. to write it to a file a parent process reads) */
  onSend?: (s: FakeSend) => void;
}

type Listener = ((m: IncomingMessage) => void) | ((u: MessageStatusUpdate) => void);

export class FakeMessagingPort implements MessagingPort {
  readonly sends: FakeSend[] = [];
  readonly presences: Array<{ phoneId: string; jid: string; presence: 'composing' | 'paused'; at: number }> = [];
  private readonly events = new EventEmitter();
  private readonly phones: Set<string>;
  private readonly registered: Set<string>;
  private readonly openPhones: Set<string>;
  private readonly now: () => number;
  private readonly failures: Error[] = [];
  private counter = 0;

  constructor(private readonly opts: FakeMessagingPortOptions) {
    this.phones = new Set(opts.phoneIds);
    this.registered = new Set(opts.onWhatsApp ?? []);
    this.openPhones = new Set(opts.open ?? opts.phoneIds);
    this.now = opts.now ?? Date.now;
  }

  // --- the port -------------------------------------------------------------------------------

  async sendText(phoneId: string, to: string, text: string): Promise<SentMessage> {
    const jid = this.resolve(phoneId, to);
    if (jid === null) throw new KeeperError('not-on-whatsapp', `${to} is not on WhatsApp.`);
    const failure = this.failures.shift();
    if (failure) throw failure;
    await Promise.resolve();
    const waId = `FAKE${(++this.counter).toString(16).toUpperCase().padStart(12, '0')}`;
    const at = this.now();
    const send = { phoneId, jid, text, waId, at };
    this.sends.push(send);
    this.opts.onSend?.(send);
    if (this.opts.autoAck || this.opts.contactReceipts) queueMicrotask(() => this.receipt(phoneId, waId, 'server-ack'));
    if (this.opts.contactReceipts) {
      setImmediate(() => {
        this.receipt(phoneId, waId, 'delivered');
        this.receipt(phoneId, waId, 'read');
      });
    }
    return { phoneId, waId, jid, at };
  }

  async lookup(phoneId: string, to: string): Promise<string | null> {
    const jid = this.resolve(phoneId, to);
    await Promise.resolve();
    return jid;
  }

  async sendPresence(phoneId: string, jid: string, presence: 'composing' | 'paused'): Promise<void> {
    this.assertOpen(phoneId);
    await Promise.resolve();
    this.presences.push({ phoneId, jid, presence, at: this.now() });
  }

  on(event: 'message', listener: (m: IncomingMessage) => void): this;
  on(event: 'message-status', listener: (u: MessageStatusUpdate) => void): this;
  on(event: 'message' | 'message-status', listener: Listener): this {
    this.events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off(event: 'message', listener: (m: IncomingMessage) => void): this;
  off(event: 'message-status', listener: (u: MessageStatusUpdate) => void): this;
  off(event: 'message' | 'message-status', listener: Listener): this {
    this.events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  // --- steering -------------------------------------------------------------------------------

  setOpen(phoneId: string, open: boolean): void {
    if (open) this.openPhones.add(phoneId);
    else this.openPhones.delete(phoneId);
  }

  register(digits: string): void {
    this.registered.add(digits);
  }

  /** The next send throws this (after the checks the port itself makes). */
  failNextSend(err: Error): void {
    this.failures.push(err);
  }

  /** A receipt or server ack for a sent message, as the real port emits it (a refusal may carry its code). */
  receipt(phoneId: string, waId: string, state: MessageStatusUpdate['state'], errorCode?: string): void {
    const s = this.sends.find((x) => x.waId === waId && x.phoneId === phoneId);
    const update: MessageStatusUpdate = { phoneId, waId, jid: s?.jid ?? '', state, at: this.now(), ...(errorCode !== undefined ? { errorCode } : {}) };
    this.events.emit('message-status', update);
  }

  /** Someone writes to a kept phone. */
  receive(phoneId: string, fromDigits: string, text: string): IncomingMessage {
    const jid = `${fromDigits}@s.whatsapp.net`;
    const m: IncomingMessage = { phoneId, waId: `IN${(++this.counter).toString(16).toUpperCase()}`, chatJid: jid, senderJid: jid, pushName: null, kind: 'text', text, at: this.now() };
    this.events.emit('message', m);
    return m;
  }

  // --- the rules types.ts documents -------------------------------------------------------------

  private assertOpen(phoneId: string): void {
    if (!this.phones.has(phoneId)) throw new KeeperError('unknown-phone', `No phone with id ${JSON.stringify(phoneId)} is configured.`);
    if (!this.openPhones.has(phoneId)) throw new KeeperError('not-open', `Phone ${phoneId} has no open connection.`);
  }

  /**
   * As the engine's port: the same recipient parser ('invalid-input' for what is neither a
   * number nor a JID), a group or LID JID as given, a number as `<digits>@s.whatsapp.net` when
   * it is on WhatsApp, else null.
   */
  private resolve(phoneId: string, to: string): string | null {
    if (!this.phones.has(phoneId)) throw new KeeperError('unknown-phone', `No phone with id ${JSON.stringify(phoneId)} is configured.`);
    const recipient = parseRecipient(to);
    if (!recipient) throw new KeeperError('invalid-input', 'Not a phone number (E.164 digits) or a WhatsApp JID.');
    this.assertOpen(phoneId);
    if (recipient.kind === 'jid') return recipient.jid;
    return this.registered.has(recipient.digits) ? personJid(recipient.digits) : null;
  }
}
