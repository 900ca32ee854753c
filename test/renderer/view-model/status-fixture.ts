// A complete PhoneStatus with plain defaults, so each test states only what it is about.
import type { PhoneStatus } from '../../../main/engine/types.js';

export const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

export function status(over: Partial<PhoneStatus> = {}): PhoneStatus {
  return {
    phoneId: 'default',
    label: 'Office phone',
    state: 'open',
    qr: null,
    qrExpiresAt: null,
    me: '15551234567:3@s.whatsapp.net',
    pairedAt: NOW - (3 * 24 + 5) * 3_600_000,
    connectedSince: NOW - 2 * 3_600_000,
    sessionAgeMs: (3 * 24 + 5) * 3_600_000,
    lastDisconnect: null,
    reconnect: { attempt: 0, nextAt: null },
    detail: 'Connected.',
    quarantinedTo: null,
    bannedUntil: null,
    nextKeepAliveAt: NOW + 4 * 3_600_000,
    lastKeepAliveAt: NOW - 8 * 3_600_000,
    mode: 'active',
    keepAlivePaused: false,
    phoneLastSeenAt: NOW - 3_600_000,
    phoneInactive: false,
    lastBackupAt: NOW - 30 * 60_000,
    lastBackupGeneration: 'gen-1',
    lastBackupError: null,
    backupFailing: false,
    nextBackupAt: null,
    updatedAt: NOW,
    ...over,
  };
}
