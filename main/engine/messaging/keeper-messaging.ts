// The keeper's MessagingPort: routes each call to the phone's session and fans the phones'
// message and status events out to one set of listeners. Raw — no anti-ban gate; the outbound
// gate is built on top of this port.
import { EventEmitter } from 'node:events';
import type { PhoneMessaging } from '../session/messaging.js';
import type { IncomingMessage, MessageStatusUpdate, MessagingPort, SentMessage } from './types.js';

interface MessagingEvents {
  message: [IncomingMessage];
  'message-status': [MessageStatusUpdate];
}

export class KeeperMessaging implements MessagingPort {
  private readonly events = new EventEmitter<MessagingEvents>();

  /** `phone` throws KeeperError 'unknown-phone' for an id that is not configured. */
  constructor(private readonly phone: (phoneId: string) => PhoneMessaging) {}

  // async: an unknown phone is a rejection like every other refusal, never a synchronous throw
  async sendText(phoneId: string, to: string, text: string): Promise<SentMessage> {
    return this.phone(phoneId).sendText(to, text);
  }

  async lookup(phoneId: string, to: string): Promise<string | null> {
    return this.phone(phoneId).lookup(to);
  }

  async sendPresence(phoneId: string, jid: string, presence: 'composing' | 'paused'): Promise<void> {
    return this.phone(phoneId).sendPresence(jid, presence);
  }

  on(event: 'message', listener: (m: IncomingMessage) => void): this;
  on(event: 'message-status', listener: (u: MessageStatusUpdate) => void): this;
  on(event: keyof MessagingEvents, listener: ((m: IncomingMessage) => void) | ((u: MessageStatusUpdate) => void)): this {
    this.events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off(event: 'message', listener: (m: IncomingMessage) => void): this;
  off(event: 'message-status', listener: (u: MessageStatusUpdate) => void): this;
  off(event: keyof MessagingEvents, listener: ((m: IncomingMessage) => void) | ((u: MessageStatusUpdate) => void)): this {
    this.events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** For the phone sessions: one message or status, to every listener. */
  emitMessage(m: IncomingMessage): void {
    this.events.emit('message', m);
  }

  emitStatus(u: MessageStatusUpdate): void {
    this.events.emit('message-status', u);
  }
}
