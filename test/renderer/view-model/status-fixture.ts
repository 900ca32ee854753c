// The shared healthy PhoneStatus (test/main/status-fixture.ts), at this file's clock and label,
// so each test states only what it is about.
import type { PhoneStatus } from '../../../main/engine/types.js';
import { phoneStatus } from '../../main/status-fixture.js';

export const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const HOUR = 3_600_000;

export function status(over: Partial<PhoneStatus> = {}): PhoneStatus {
  return phoneStatus({
    label: 'Office phone',
    pairedAt: NOW - (3 * 24 + 5) * HOUR,
    connectedSince: NOW - 2 * HOUR,
    nextKeepAliveAt: NOW + 4 * HOUR,
    lastKeepAliveAt: NOW - 8 * HOUR,
    phoneLastSeenAt: NOW - HOUR,
    lastBackupAt: NOW - 30 * 60_000,
    lastBackupGeneration: 'gen-1',
    updatedAt: NOW,
    ...over,
  });
}
