// Drives a real keeper through simulated days on a ManualClock, fast: 1-minute steps that only
// yield to the event loop when a pulse is in flight, then wait until the test server has seen
// its presence, so the server's timestamps are the simulated instants the keeper sent at.
import type { ManualClock } from '../../main/engine/clock.js';
import type { KeeperOptions } from '../../main/engine/keeper.js';
import { startHarness, type Harness } from './keeper-harness.js';
import type { PresenceRecord, WaServerOptions } from './wa-server/index.js';
import { seededRandom } from './seeded-random.js';

export { seededRandom };

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;


/** Presence stanzas of one type across every connection, in arrival order. */
export function presencesAtServer(h: Harness, type: 'available' | 'unavailable'): PresenceRecord[] {
  return h.server.connections.flatMap((c) => c.presences.filter((p) => p.type === type)).sort((a, b) => a.at - b.at);
}

export function sentCount(h: Harness, phoneId?: string): number {
  return h.logs.filter((e) => e.event === 'keepalive.sent' && (phoneId === undefined || e.phoneId === phoneId)).length;
}

/** Waits until nothing is in flight and the server has seen every presence sent so far. */
async function sync(h: Harness): Promise<void> {
  await h.keeper.keepAliveSettled();
  const sent = sentCount(h);
  await h.server.waitFor(() => presencesAtServer(h, 'available').length >= sent || undefined, 5_000, `${sent} 'available' at the server`);
}

/**
 * Advances `minutes` of simulated time. After each pulse, advances exactly the hold so the
 * 'unavailable' goes out (and is timestamped) at its own instant.
 */
export async function driveMinutes(h: Harness, clock: ManualClock, minutes: number, holdMs = 20_000): Promise<void> {
  const end = clock.now() + minutes * MINUTE;
  let sent = sentCount(h);
  for (;;) {
    if (h.keeper.keepAliveBusy()) {
      await sync(h);
      const now = sentCount(h);
      if (now > sent && holdMs > 0) {
        const expected = presencesAtServer(h, 'unavailable').length + (now - sent);
        clock.advance(holdMs);
        await sync(h);
        await h.server.waitFor(() => presencesAtServer(h, 'unavailable').length >= expected || undefined, 5_000, "the 'unavailable' after the hold");
        sent = now;
        clock.advance(MINUTE - holdMs);
        continue;
      }
      sent = now;
    }
    if (clock.now() >= end) return;
    clock.advance(MINUTE);
  }
}

export async function pairedKeeper(
  clock: ManualClock,
  opts: { keeper?: Partial<KeeperOptions>; server?: WaServerOptions; phones?: string[] } = {},
): Promise<Harness> {
  const h = await startHarness({
    server: { clock, ...opts.server },
    keeper: { clock, random: seededRandom(7), ...opts.keeper },
    ...(opts.phones ? { phones: opts.phones } : {}),
  });
  await h.keeper.start();
  for (const id of opts.phones ?? ['default']) await h.pair(id);
  return h;
}
