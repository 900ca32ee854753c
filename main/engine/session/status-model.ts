// A phone's status: the fields the session sets as things happen, and the ONE place a
// PhoneStatus snapshot is built from them and from the parts other owners keep (keep-alive
// plan, backups, the phone meta). Every listener gets a snapshot built here, stamped when built.
import type { Clock } from '../clock.js';
import type { KeepAliveView } from '../keepalive-scheduler.js';
import { everLinked, type PhoneMeta } from '../phone-meta.js';
import { phoneInactive } from '../phone-activity.js';
import type { PhoneConfig, PhoneState, PhoneStatus, ReconnectInfo, StorageError } from '../types.js';

export type BackupView = Pick<PhoneStatus, 'lastBackupAt' | 'lastBackupGeneration' | 'lastBackupError' | 'backupFailing' | 'nextBackupAt' | 'backupWarning'>;

const NO_BACKUP: BackupView = { lastBackupAt: null, lastBackupGeneration: null, lastBackupError: null, backupFailing: false, nextBackupAt: null, backupWarning: null };
const NO_KEEPALIVE: KeepAliveView = { nextKeepAliveAt: null, lastKeepAliveAt: null, mode: 'active', keepAlivePaused: false };

/** What the session itself sets; pairing and "last seen" come from the meta. */
export type SessionFields = Pick<
  PhoneStatus,
  'qr' | 'qrExpiresAt' | 'pairingCode' | 'connectedSince' | 'lastDisconnect' | 'detail' | 'quarantinedTo' | 'bannedUntil' | 'deafRecycles'
>;

export interface StatusSources {
  phone: PhoneConfig;
  clock: Clock;
  meta(): Pick<PhoneMeta, 'pairedAt' | 'me' | 'lastOpenAt' | 'phoneLastSeenAt' | 'unlinked' | 'removedDevices'>;
  reconnect(): ReconnectInfo;
  /** the oldest write this phone needs that the disk refuses, or null */
  storageError(): StorageError | null;
  keepAlive?(): KeepAliveView;
  backup?(): BackupView | undefined;
}

export class StatusModel {
  private current: PhoneState = 'stopped';
  private readonly fields: SessionFields = {
    qr: null,
    qrExpiresAt: null,
    pairingCode: null,
    connectedSince: null,
    lastDisconnect: null,
    detail: 'Not started.',
    quarantinedTo: null,
    bannedUntil: null,
    deafRecycles: 0,
  };

  constructor(
    private readonly sources: StatusSources,
    private readonly onStatus: (status: PhoneStatus) => void,
  ) {}

  get state(): PhoneState {
    return this.current;
  }

  field<K extends keyof SessionFields>(key: K): SessionFields[K] {
    return this.fields[key];
  }

  /** Changes fields without telling anyone; the next `set` or `notify` carries them. */
  patch(fields: Partial<SessionFields>): void {
    Object.assign(this.fields, fields);
  }

  /** A new state and why; listeners hear of it at once. */
  set(state: PhoneState, detail: string): void {
    this.current = state;
    this.fields.detail = detail;
    this.notify();
  }

  notify(): void {
    this.onStatus(this.snapshot());
  }

  snapshot(): PhoneStatus {
    const s = this.sources;
    const now = s.clock.now();
    const meta = s.meta();
    const linked = meta.pairedAt !== null;
    return {
      phoneId: s.phone.id,
      label: s.phone.label ?? s.phone.id,
      state: this.current,
      ...this.fields,
      me: meta.me,
      pairedAt: meta.pairedAt,
      everLinked: everLinked(meta),
      reconnect: s.reconnect(),
      ...(s.keepAlive?.() ?? NO_KEEPALIVE),
      // an unlinked phone gets no pulse, so it shows no plan for one
      ...(linked ? {} : { nextKeepAliveAt: null }),
      phoneLastSeenAt: meta.phoneLastSeenAt,
      phoneInactive: linked && phoneInactive(meta.phoneLastSeenAt, now),
      ...(s.backup?.() ?? NO_BACKUP),
      unlinked: this.current === 'logged-out' ? meta.unlinked : null,
      storageError: s.storageError(),
      // a snapshot: stamped when built, so nobody ages it twice
      updatedAt: now,
    };
  }
}
