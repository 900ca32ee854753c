// The desktop's own faults around the connection, end to end with the real Baileys client and
// the WA test server on an injected clock: sleep/resume, wall-clock jumps, a 6-hour network
// outage and a WhatsApp host name that does not resolve. Each ends `open` again with the saved
// session (no QR) and no keep-alive pulse inside the sleep window (01:00–06:00 UTC here).
import { after, test } from 'node:test';
import dns from 'node:dns';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ManualClock } from '../../../main/engine/clock.js';
import type { Harness } from '../../support/keeper-harness.js';
import { DAY, driveMinutes, HOUR, MINUTE, pairedKeeper, presencesAtServer } from '../../support/keepalive-driver.js';

const NOON = Date.UTC(2027, 4, 10, 12, 0);
const UTC = { timeZone: 'UTC' };

const inSleepWindow = (t: number): boolean => {
  const hour = new Date(t).getUTCHours();
  return hour >= 1 && hour < 6;
};

function liveLogin(h: Harness) {
  const conn = [...h.server.connections].reverse().find((c) => c.state === 'logged-in');
  assert.ok(conn, 'a logged-in connection');
  return conn;
}

function assertNoQrSincePairing(h: Harness, pairedIndex: number): void {
  const later = h.statuses.slice(pairedIndex);
  assert.ok(later.every((s) => s.state !== 'waiting-for-scan' && s.qr === null), `no QR after pairing; states: ${[...new Set(later.map((s) => s.state))].join(', ')}`);
}

function assertNoPulseInSleep(h: Harness): void {
  for (const p of presencesAtServer(h, 'available')) assert.equal(inSleepWindow(p.at), false, `pulse at ${new Date(p.at).toISOString()} lies in the sleep window`);
}

test('a machine that sleeps for 15 hours with the socket dead opens again on wake with the saved session, and sends no pulse before the sleep window ends', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    const paired = h.statuses.length;
    const me = h.keeper.status('default').me;
    // The lid closes: the process freezes and the server drops the socket meanwhile.
    h.server.refuseConnections('reset');
    h.server.destroy(liveLogin(h));
    await h.waitForStatus('default', (s) => s.state === 'reconnecting' && s.reconnect.nextAt !== null);
    clock.jump(15 * HOUR); // 03:00 UTC: the process wakes inside the sleep window
    h.server.refuseConnections('none');
    await h.keeper.wake();
    const open = await h.waitForStatus('default', (s) => s.state === 'open');
    assert.equal(open.me, me, 'the same linked identity');
    await h.keeper.keepAliveSettled();
    await driveMinutes(h, clock, 60);
    assert.equal(presencesAtServer(h, 'available').length, 0, 'the pulse missed during the sleep is not sent at 03:00–04:00');
    await driveMinutes(h, clock, 4 * 60); // past 06:00
    const pulses = presencesAtServer(h, 'available');
    assert.equal(pulses.length, 1, 'one catch-up once the sleep window is over, not a burst');
    assertNoPulseInSleep(h);
    assert.equal(h.keeper.status('default').state, 'open');
    assertNoQrSincePairing(h, paired);
  } finally {
    await h.close();
  }
});

test('wall-clock jumps of −2 h, +2 h and +3 days while open keep the phone open with one catch-up pulse at most and none in the sleep window', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    const paired = h.statuses.length;
    const due = h.keeper.status('default').nextKeepAliveAt;
    assert.ok(due !== null);
    clock.jump(-2 * HOUR);
    await driveMinutes(h, clock, 10);
    assert.equal(presencesAtServer(h, 'available').length, 0, 'going back in time sends nothing');
    const afterBack = h.keeper.status('default').nextKeepAliveAt ?? 0;
    assert.ok(afterBack > clock.now() && afterBack - clock.now() <= 26 * HOUR, 'the plan is still ahead and within one interval');
    clock.jump(2 * HOUR);
    await driveMinutes(h, clock, 10);
    assert.equal(presencesAtServer(h, 'available').length, 0, 'a 2-hour jump forward before the due time sends nothing');
    clock.jump(3 * DAY);
    await driveMinutes(h, clock, 60);
    assert.equal(presencesAtServer(h, 'available').length, 1, 'three missed days give one catch-up pulse');
    const next = h.keeper.status('default').nextKeepAliveAt ?? 0;
    assert.ok(next - clock.now() > 6 * HOUR, 'the next pulse is an interval away, not a burst');
    await driveMinutes(h, clock, 24 * 60);
    assertNoPulseInSleep(h);
    assert.ok(presencesAtServer(h, 'available').length <= 3, 'the rhythm after the jump is ordinary');
    assert.equal(h.keeper.status('default').state, 'open');
    assertNoQrSincePairing(h, paired);
  } finally {
    await h.close();
  }
});

test('a clock jump of 3 days that lands at 03:00 holds the catch-up pulse until the sleep window ends', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    const paired = h.statuses.length;
    clock.jump(3 * DAY + 15 * HOUR); // 03:00 UTC, three days on
    await driveMinutes(h, clock, 2 * 60);
    assert.equal(presencesAtServer(h, 'available').length, 0, 'nothing at 03:00–05:00');
    const planned = h.keeper.status('default').nextKeepAliveAt ?? 0;
    assert.equal(inSleepWindow(planned), false, `the catch-up is planned out of the sleep window, got ${new Date(planned).toISOString()}`);
    await driveMinutes(h, clock, 3 * 60);
    assert.equal(presencesAtServer(h, 'available').length, 1, 'one catch-up after 06:00');
    assertNoPulseInSleep(h);
    assert.equal(h.keeper.status('default').state, 'open');
    assertNoQrSincePairing(h, paired);
  } finally {
    await h.close();
  }
});

test('a network down for 6 hours backs off, pauses after the failure limit, stays within the reconnect budget and opens again by itself with no QR', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC, random: () => 0.5 } });
  try {
    const paired = h.statuses.length;
    const downAt = clock.now();
    h.server.refuseConnections('reset');
    h.server.destroy(liveLogin(h));
    const attempts: number[] = [];
    let paused = false;
    for (;;) {
      const s = await h.waitForStatus('default', (x) => (x.state === 'reconnecting' || x.state === 'paused') && x.reconnect.nextAt !== null && x.reconnect.nextAt > clock.now());
      if (s.state === 'paused') paused = true;
      const at = s.reconnect.nextAt ?? 0;
      if (at >= downAt + 6 * HOUR) {
        // The network is back before the next scheduled attempt: the keeper finds it by itself.
        clock.advance(downAt + 6 * HOUR - clock.now());
        h.server.refuseConnections('none');
        clock.advance(at - clock.now());
        break;
      }
      const rejected = h.server.rejectedUpgrades;
      clock.advance(at - clock.now());
      await h.server.waitFor(() => h.server.rejectedUpgrades > rejected || undefined, 10_000, 'the refused attempt');
      attempts.push(clock.now());
    }
    const open = await h.waitForStatus('default', (s) => s.state === 'open', 15_000);
    assert.equal(open.qr, null);
    assert.ok(paused, 'the failure limit paused the phone on the way');
    assert.ok(attempts.length >= 12, `kept trying through the outage (${attempts.length} attempts)`);
    for (const t of attempts) {
      const inHour = attempts.filter((u) => u > t - HOUR && u <= t).length;
      assert.ok(inHour <= 30, `${inHour} attempts in the hour up to ${new Date(t).toISOString()} (budget 30)`);
    }
    assert.ok(clock.now() - downAt < 6 * HOUR + 31 * MINUTE, 'open again within one pause of the network returning');
    assertNoPulseInSleep(h);
    assertNoQrSincePairing(h, paired);
  } finally {
    await h.close();
  }
});

/** dns.lookup (what net.connect asks) answers ENOTFOUND for `.invalid` names; other names as before. */
function refuseInvalidNames(): { refused(): number; restore(): void } {
  const original = dns.lookup;
  let refused = 0;
  const patched = (host: string, ...rest: unknown[]): void => {
    const callback = rest[rest.length - 1] as (err: NodeJS.ErrnoException | null) => void;
    if (!host.endsWith('.invalid')) {
      (original as (...a: unknown[]) => void).call(dns, host, ...rest);
      return;
    }
    refused += 1;
    const err: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: host });
    process.nextTick(() => callback(err));
  };
  (dns as { lookup: unknown }).lookup = patched;
  return { refused: () => refused, restore: () => void ((dns as { lookup: unknown }).lookup = original) };
}

test('a WhatsApp host name that does not resolve keeps the session and retries, and the right address opens it again with no QR', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC, random: () => 0.5 } });
  try {
    const paired = h.statuses.length;
    const me = h.keeper.status('default').me;
    const creds = await readFile(join(h.keeper.paths.session('default'), 'creds.json'), 'utf8');
    await h.keeper.stop();
    // RFC 2606: `.invalid` never resolves. The system resolver would still be asked (a query to
    // the machine's name server), so the lookup answers ENOTFOUND here, as getaddrinfo would:
    // no packet leaves the machine.
    const badUrl = 'wss://web.whatsapp.invalid/ws/chat';
    const lookups = refuseInvalidNames();
    after(() => lookups.restore());
    await h.restart({ socket: { waWebSocketUrl: badUrl } });
    for (let i = 1; i <= 3; i++) {
      const s = await h.waitForStatus('default', (x) => x.state === 'reconnecting' && x.reconnect.attempt === i && x.reconnect.nextAt !== null, 15_000);
      assert.equal(s.qr, null);
      clock.advance((s.reconnect.nextAt ?? clock.now()) - clock.now());
    }
    const failing = await h.waitForStatus('default', (x) => x.state === 'reconnecting' && x.reconnect.attempt === 4, 15_000);
    assert.match(failing.lastDisconnect?.reason ?? '', /ENOTFOUND|EAI_AGAIN/, 'a name-resolution failure, retried like any dropped connection');
    assert.ok(lookups.refused() >= 4, `every attempt asked for the name (${lookups.refused()})`);
    const kept = await readFile(join(h.keeper.paths.session('default'), 'creds.json'), 'utf8');
    assert.equal(JSON.parse(kept).me?.id, JSON.parse(creds).me?.id, 'the session is kept while the name does not resolve');
    await h.keeper.stop();
    await h.restart({ socket: { waWebSocketUrl: h.server.url } });
    const open = await h.waitForStatus('default', (s) => s.state === 'open', 15_000);
    assert.equal(open.me, me);
    assertNoPulseInSleep(h);
    assertNoQrSincePairing(h, paired);
  } finally {
    await h.close();
  }
});
