// Whether the primary phone is still in use: stanzas from it count as "seen", written down at
// most hourly, and a warning raised (and cleared) once per transition past the 12-day mark.
import { PHONE_SEEN_PERSIST_MS, phoneInactive, phoneInactiveMessage } from '../phone-activity.js';
import type { LogLevel } from '../types.js';
import type { PhoneMetaStore } from './phone-meta-store.js';

export class PhoneActivityTracker {
  private warned = false;
  private savedAt: number | null = null;

  constructor(
    private readonly meta: PhoneMetaStore,
    private readonly log: (level: LogLevel, event: string, message: string, data?: Record<string, unknown>) => void,
    private readonly notify: () => void,
  ) {}

  /** The session opened and wrote this "last seen" down itself. */
  opened(savedAt: number | null): void {
    this.savedAt = savedAt;
  }

  /** Raises or clears the inactivity warning; logs once per transition. */
  check(now: number): void {
    const { pairedAt, phoneLastSeenAt: lastSeen } = this.meta.value;
    const inactive = pairedAt !== null && phoneInactive(lastSeen, now);
    if (inactive === this.warned) return;
    this.warned = inactive;
    if (inactive && lastSeen !== null) {
      this.log('warn', 'phone.inactive', phoneInactiveMessage(lastSeen, now), { phoneLastSeenAt: lastSeen });
    } else {
      this.log('info', 'phone.active', 'The phone is in use again: the inactivity warning is cleared.', { phoneLastSeenAt: lastSeen });
    }
    this.notify();
  }

  /** A stanza from the phone arrived. */
  seen(now: number): void {
    if (this.meta.value.pairedAt === null) return;
    this.meta.set({ phoneLastSeenAt: now });
    if (this.warned) this.check(now);
    // Every receipt would be a disk write; an hour's precision is plenty against a 12-day limit.
    const saved = this.savedAt;
    if (saved === null || now - saved >= PHONE_SEEN_PERSIST_MS || now < saved) {
      this.savedAt = now;
      void this.meta.save(); // a refused write is a storage fault, shown and retried
      this.notify();
    }
  }
}
