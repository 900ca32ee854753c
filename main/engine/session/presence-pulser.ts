// A keep-alive pulse on one socket: presence 'available' now, 'unavailable' after a hold. Owns
// the hold timer and the pending 'unavailable', so a stop can wait for it or cut it short.
import type { WASocket } from '@whiskeysockets/baileys';
import type { Clock, TimerHandle } from '../clock.js';
import type { PulseResult } from '../keepalive-scheduler.js';
import type { LogLevel } from '../types.js';

export type PresenceSocket = Pick<WASocket, 'sendPresenceUpdate'>;

export interface PulseOn {
  sock: PresenceSocket;
  /** creds.me.name: Baileys silently drops presence while it is empty */
  pushName: string | null | undefined;
  /** false once this socket was retired: its late 'unavailable' is not sent */
  current(): boolean;
}

export class PresencePulser {
  private holdTimer: TimerHandle | null = null;
  /** the pending 'unavailable' of a pulse, so stop() and tests can wait for it */
  private holdSend: Promise<void> = Promise.resolve();
  private sending = false;

  constructor(
    private readonly clock: Clock,
    private readonly log: (level: LogLevel, event: string, message: string) => void,
  ) {}

  /**
   * Resolves once 'available' went out, or says why it did not: Baileys silently drops both
   * while creds.me.name (the push name) is empty, so that case is checked here rather than
   * counted as sent.
   */
  async pulse(on: PulseOn, holdMs: number): Promise<PulseResult> {
    if (!on.pushName) {
      return {
        sent: false,
        code: 'no-push-name',
        reason: 'WhatsApp has not given this session the account\'s push name yet, and without it WhatsApp Web cannot send presence (Baileys drops it silently)',
      };
    }
    if (this.holdTimer !== null) {
      return { sent: false, code: 'busy', reason: 'the previous pulse is still holding its online presence' };
    }
    try {
      await on.sock.sendPresenceUpdate('available');
    } catch (err) {
      return { sent: false, code: 'send-failed', reason: `sending presence failed: ${(err as Error).message}` };
    }
    const offline = async (): Promise<void> => {
      if (!on.current()) return;
      this.sending = true;
      try {
        await on.sock.sendPresenceUpdate('unavailable');
      } catch (err) {
        this.log('warn', 'keepalive.unavailable-failed', `Could not send the presence 'unavailable' after the pulse: ${(err as Error).message}`);
      } finally {
        this.sending = false;
      }
    };
    if (holdMs <= 0) {
      this.holdSend = offline();
      await this.holdSend;
    } else {
      this.holdTimer = this.clock.setTimeout(() => {
        this.holdTimer = null;
        this.holdSend = offline();
      }, holdMs);
    }
    return { sent: true };
  }

  /** Stopping mid-pulse: go offline explicitly rather than leave 'available' as the last word. */
  async endEarly(sock: PresenceSocket | null): Promise<void> {
    if (this.holdTimer !== null && sock) {
      this.cancel();
      await sock.sendPresenceUpdate('unavailable').catch(() => {});
    }
    await this.holdSend;
  }

  /** The socket went away: its hold has nothing left to end. */
  cancel(): void {
    this.clock.clearTimeout(this.holdTimer);
    this.holdTimer = null;
  }

  /** Resolves once a pulse's 'unavailable' (if one was due) went out. */
  settled(): Promise<void> {
    return this.holdSend;
  }

  /** True while a pulse holds its online presence or is sending its 'unavailable'. */
  inFlight(): boolean {
    return this.holdTimer !== null || this.sending;
  }
}
