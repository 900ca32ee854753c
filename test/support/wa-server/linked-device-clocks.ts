// WhatsApp's two clocks for linked devices (Help Center faq 378279804439436, see
// /work/shared/whatsapp-facts.md), driven by the server's injected clock, never wall time:
//
// 1. A companion with no activity of its own for `companionInactiveDays` (default 30) is logged
//    out at its next login: <failure reason="401"/> and the device is gone. What counts as the
//    companion's activity is what Session Keeper's keep-alive does and nothing more: a login
//    (every reconnect) and a presence 'available' (the pulse; peers such as
//    go-whatsapp-web-multidevice and WAHA keep sessions with the same brief "online"). Its
//    'unavailable' alone is not counted: a device that only ever says it is offline is not used.
//    Messages and read receipts would count at WhatsApp too, but the keeper sends none.
// 2. A primary phone not online for `primaryOfflineDays` (default 14) gets every companion removed:
//    live connections get <stream:error code="401"><conflict type="device_removed"/></stream:error>
//    (what Baileys maps to 401), and later logins are refused as unknown devices. Only the phone
//    can reset this clock (the companion cannot): pairing (the phone scans) and `phoneOnline()`.
import type { Clock, TimerHandle } from '../../../main/engine/clock.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface LinkedDeviceClockOptions {
  /** a companion idle this long is logged out at its next login (default 30) */
  companionInactiveDays?: number;
  /** every companion is removed once the phone was not online this long (default 14) */
  primaryOfflineDays?: number;
}

export type RemovalCause = 'companion-inactive' | 'primary-offline';

export interface DeviceRemoval {
  jid: string;
  cause: RemovalCause;
  /** ms on the server's clock */
  at: number;
}

/** What the clocks need from the server: its devices, and a way to end their live connections. */
export interface LinkedDeviceHost {
  deviceJids(): string[];
  /** forgets the device and ends its live connections with device_removed */
  removeCompanion(jid: string): void;
}

export class LinkedDeviceClocks {
  readonly companionInactiveMs: number;
  readonly primaryOfflineMs: number;
  /** every removal, in order, with why */
  readonly removals: DeviceRemoval[] = [];
  private readonly lastActive = new Map<string, number>();
  private primaryOnlineAt: number;
  private primaryTimer: TimerHandle | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly host: LinkedDeviceHost,
    opts: LinkedDeviceClockOptions = {},
  ) {
    this.companionInactiveMs = (opts.companionInactiveDays ?? 30) * DAY_MS;
    this.primaryOfflineMs = (opts.primaryOfflineDays ?? 14) * DAY_MS;
    this.primaryOnlineAt = clock.now();
    this.armPrimary();
  }

  /** When the phone was last online (server clock). */
  get primaryLastOnlineAt(): number {
    return this.primaryOnlineAt;
  }

  /** When this companion was last active, or undefined for a device the clocks never saw. */
  companionLastActiveAt(jid: string): number | undefined {
    return this.lastActive.get(jid);
  }

  /** The phone was used: its clock starts over. */
  primaryOnline(): void {
    this.primaryOnlineAt = this.clock.now();
    this.armPrimary();
  }

  /** A login or a presence 'available' from this companion. */
  companionActive(jid: string): void {
    this.lastActive.set(jid, this.clock.now());
  }

  /**
   * Asked at a login before it succeeds: true when this companion was idle too long, in which
   * case it is removed (and the caller refuses the login with 401).
   */
  refuseLogin(jid: string): boolean {
    const last = this.lastActive.get(jid);
    if (last === undefined || this.clock.now() - last < this.companionInactiveMs) return false;
    this.remove(jid, 'companion-inactive');
    return true;
  }

  /** The server closes: no timer outlives it. */
  stop(): void {
    this.clock.clearTimeout(this.primaryTimer);
    this.primaryTimer = null;
  }

  private armPrimary(): void {
    this.clock.clearTimeout(this.primaryTimer);
    const due = this.primaryOnlineAt + this.primaryOfflineMs - this.clock.now();
    this.primaryTimer = this.clock.setTimeout(() => {
      this.primaryTimer = null;
      for (const jid of this.host.deviceJids()) this.remove(jid, 'primary-offline');
    }, due);
  }

  private remove(jid: string, cause: RemovalCause): void {
    this.lastActive.delete(jid);
    this.removals.push({ jid, cause, at: this.clock.now() });
    this.host.removeCompanion(jid);
  }
}
