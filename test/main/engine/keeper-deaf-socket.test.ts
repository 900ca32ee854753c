// A deaf socket end to end: the real Baileys client against the WA test server, which answers
// keep-alive pings on the connection and drops everything else. The watchdog runs on an injected
// clock; Baileys' own pings and the probe's timeout run on real time (pings every 200 ms here,
// the probe gets 1 s), so the socket really looks alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../main/engine/clock.js';
import type { DeafWatchConfig } from '../../../main/engine/session/deaf-socket-watch.js';
import { startHarness, type Harness } from '../../support/keeper-harness.js';
import type { WaConnection } from '../../support/wa-server/index.js';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const MIN = 60_000;
const deafWatch: DeafWatchConfig = { quietMs: 60 * MIN, activeQuietMs: 10 * MIN, activeWindowMs: 30 * MIN, probeTimeoutMs: 1_000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function count(conn: WaConnection, xmlns: string): number {
  return conn.received.filter((n) => n.tag === 'iq' && n.attrs.xmlns === xmlns).length;
}

async function openWithPings(): Promise<{ h: Harness; clock: ManualClock; conn: WaConnection }> {
  const clock = new ManualClock(T0);
  const h = await startHarness({ keeper: { clock, random: () => 0.5, deafWatch } });
  await h.restart({ socket: { waWebSocketUrl: h.server.url, keepAliveIntervalMs: 200 } });
  await h.pair();
  const conn = [...h.server.connections].reverse().find((c) => c.state === 'logged-in');
  assert.ok(conn, 'a logged-in connection');
  // the login's own queries are answered once pings flow
  await h.server.waitFor(() => count(conn, 'w:p') >= 2, 5_000, 'two pings');
  return { h, clock, conn };
}

test('a socket that answers pings but nothing else is probed after the quiet spell, recycled when the probe goes unanswered, and opens again with no QR', async () => {
  const { h, clock, conn } = await openWithPings();
  try {
    const logins = h.server.connections.filter((c) => c.kind === 'login').length;
    h.server.setDeaf(conn);
    const pingsBefore = count(conn, 'w:p');
    await h.server.waitFor(() => count(conn, 'w:p') >= pingsBefore + 3, 5_000, 'pings still answered');
    assert.equal(conn.state, 'logged-in', 'Baileys alone keeps the deaf socket: its pings are answered');
    assert.equal(h.keeper.status('default').state, 'open');
    const probes = count(conn, 'blocklist');
    clock.advance(deafWatch.quietMs - 1);
    await sleep(100);
    assert.equal(count(conn, 'blocklist'), probes, 'no probe before the quiet spell is over');
    clock.advance(1);
    await h.server.waitFor(() => count(conn, 'blocklist') > probes, 5_000, 'the probe');
    assert.equal(h.keeper.status('default').deafRecycles, 0, 'not before the probe timed out');
    const deaf = await h.waitForLog((e) => e.event === 'connection.deaf');
    assert.equal(deaf.level, 'warn');
    assert.match(deaf.message, /answered pings but nothing else for 60 min/);
    await h.server.waitForClose(conn);
    const open = await h.waitForStatus('default', (s) => s.state === 'open' && s.deafRecycles === 1);
    assert.equal(open.qr, null);
    assert.equal(h.server.connections.filter((c) => c.kind === 'login').length, logins + 1, 'one new login with the saved session');
    const deafAt = h.statuses.findIndex((s) => s.deafRecycles === 1);
    assert.ok(h.statuses.slice(deafAt).every((s) => s.state !== 'waiting-for-scan'), 'no QR after the recycle');
  } finally {
    await h.close();
  }
});

test('a healthy connection whose only traffic is pings answers the probe and is kept', async () => {
  const { h, clock, conn } = await openWithPings();
  try {
    for (let spell = 1; spell <= 2; spell++) {
      const probes = count(conn, 'blocklist');
      clock.advance(deafWatch.quietMs);
      await h.server.waitFor(() => count(conn, 'blocklist') > probes, 5_000, `probe ${spell}`);
      // longer than the probe's timeout: an unanswered probe would have recycled by now
      await sleep(deafWatch.probeTimeoutMs + 300);
      assert.equal(h.keeper.status('default').state, 'open', `kept after probe ${spell}`);
    }
    assert.equal(h.logs.filter((e) => e.event === 'connection.deaf').length, 0);
    assert.equal(conn.state, 'logged-in', 'the same socket is still in use');
    const s = h.keeper.status('default');
    assert.equal(s.state, 'open');
    assert.equal(s.deafRecycles, 0);
  } finally {
    await h.close();
  }
});
