// A PhoneStatus with healthy defaults; tests override what they are about.
import type { PhoneStatus } from '../../main/engine/types.js';

export const NOW = Date.UTC(2026, 0, 15, 12, 0);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function phoneStatus(over: Partial<PhoneStatus> = {}): PhoneStatus {
  return {
    phoneId: 'default',
    label: 'WhatsApp',
    state: 'open',
    qr: null,
    qrExpiresAt: null,
    me: '15551234567:3@s.whatsapp.net',
    pairedAt: NOW - 12 * DAY - 4 * HOUR,
    everLinked: true,
    connectedSince: NOW - HOUR,
    lastDisconnect: null,
    reconnect: { attempt: 0, nextAt: null },
    detail: 'Connected.',
    quarantinedTo: null,
    bannedUntil: null,
    nextKeepAliveAt: NOW + 3 * HOUR + 20 * 60_000,
    lastKeepAliveAt: NOW - 9 * HOUR,
    mode: 'active',
    keepAlivePaused: false,
    phoneLastSeenAt: NOW - HOUR,
    phoneInactive: false,
    lastBackupAt: NOW - 2 * HOUR,
    lastBackupGeneration: 'g1',
    lastBackupError: null,
    backupFailing: false,
    nextBackupAt: null,
    backupWarning: null,
    unlinked: null,
    storageError: null,
    deafRecycles: 0,
    updatedAt: NOW,
    ...over,
  };
}
