// Every row of the disconnect policy, end to end: the real Baileys client, the test server
// injecting the stanza the real server sends, and the keeper's resulting state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { KeeperError } from '../../../main/engine/errors.js';
import { join } from 'node:path';
import { ManualClock } from '../../../main/engine/clock.js';
import { startHarness, type Harness } from '../../support/keeper-harness.js';
import type { WaConnection } from '../../support/wa-server/index.js';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

function liveLogin(h: Harness): WaConnection {
  const conn = [...h.server.connections].reverse().find((c) => c.state === 'logged-in');
  assert.ok(conn, 'a logged-in connection');
  return conn;
}

async function pairedHarness(opts: Parameters<typeof startHarness>[0] = {}): Promise<{ h: Harness; clock: ManualClock }> {
  const clock = new ManualClock(T0);
  const h = await startHarness({ ...opts, keeper: { clock, random: () => 0.5, ...opts.keeper } });
  await h.keeper.start();
  await h.pair();
  return { h, clock };
}

test('a 503 stream error reconnects after the first backoff step and opens again', async () => {
  const { h, clock } = await pairedHarness();
  try {
    const logins = h.server.connections.filter((c) => c.state === 'logged-in').length;
    h.server.injectStreamError(liveLogin(h), 503);
    const waiting = await h.waitForStatus('default', (s) => s.state === 'reconnecting');
    assert.equal(waiting.lastDisconnect?.code, 503);
    assert.equal(waiting.reconnect.nextAt, clock.now() + 2_000, 'first retry after 2 s (random 0.5 = no jitter)');
    clock.advance(1_999);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(h.keeper.status('default').state, 'reconnecting', 'not before the delay');
    clock.advance(1);
    const open = await h.waitForStatus('default', (s) => s.state === 'open');
    assert.equal(open.reconnect.attempt, 1, 'the failure is remembered until the connection proves stable');
    clock.advance(59_999);
    assert.equal(h.keeper.status('default').reconnect.attempt, 1);
    clock.advance(1);
    assert.equal(h.keeper.status('default').reconnect.attempt, 0, 'forgotten after 60 s open');
    assert.equal(h.server.connections.filter((c) => c.state === 'logged-in' || c.closedAt !== undefined).length > logins, true);
  } finally {
    await h.close();
  }
});

test('a 515 restart opens a new socket at once, without waiting for any timer', async () => {
  const { h } = await pairedHarness();
  try {
    const before = h.server.connections.length;
    h.server.injectStreamError(liveLogin(h), 515);
    await h.waitForLog((e) => e.event === 'disconnect.decision' && e.data?.code === 515 && h.server.connections.length >= before);
    const open = await h.waitForStatus('default', (s) => s.state === 'open' && s.connectedSince !== null && h.server.connections.length > before);
    assert.equal(open.reconnect.nextAt, null);
  } finally {
    await h.close();
  }
});

test('twelve failed reconnects in a row pause the phone with its session kept, and a wake resumes it', async () => {
  const { h, clock } = await pairedHarness();
  try {
    h.server.refuseConnections('close-on-open');
    h.server.destroy(liveLogin(h));
    for (let i = 1; i < 12; i++) {
      const s = await h.waitForStatus('default', (x) => x.state === 'reconnecting' && x.reconnect.attempt === i && x.reconnect.nextAt !== null);
      clock.advance((s.reconnect.nextAt ?? clock.now()) - clock.now());
    }
    const paused = await h.waitForStatus('default', (s) => s.state === 'paused');
    assert.equal(paused.reconnect.attempt, 12);
    assert.equal(paused.reconnect.nextAt, clock.now() + 30 * 60_000, 'resumes by itself after 30 min');
    const sessionFiles = await readdir(h.keeper.paths.session('default'));
    assert.ok(sessionFiles.includes('creds.json'), 'auth kept while paused');
    h.server.refuseConnections('none');
    await h.keeper.wake();
    const open = await h.waitForStatus('default', (s) => s.state === 'open');
    assert.equal(open.reconnect.attempt, 0, 'a wake starts a fresh round of attempts');
  } finally {
    await h.close();
  }
});

test('a 401 with valid session files is retried once after 10 s, and a repeated 401 quarantines the session and offers a new QR', async () => {
  const { h, clock } = await pairedHarness();
  try {
    const me = h.keeper.status('default').me ?? '';
    const credsBefore = await readFile(join(h.keeper.paths.session('default'), 'creds.json'), 'utf8');
    h.server.injectStreamError(liveLogin(h), 'device_removed');
    const retrying = await h.waitForStatus('default', (s) => s.state === 'reconnecting');
    assert.equal(retrying.lastDisconnect?.code, 401);
    assert.equal(retrying.reconnect.nextAt, clock.now() + 10_000);
    // the phone really removed this device: the retry meets a 401 too
    assert.ok(h.server.removeDevice(me));
    clock.advance(10_000);
    const fresh = await h.waitForStatus('default', (s) => s.state === 'waiting-for-scan' && s.qr !== null);
    assert.ok(fresh.quarantinedTo, 'the dead session was moved aside');
    assert.equal(fresh.pairedAt, null);
    assert.equal(fresh.everLinked, true, 'the pairing is forgotten, not that there was one: its QR is a re-link');
    const kept = await readFile(join(fresh.quarantinedTo ?? '', 'creds.json'), 'utf8');
    assert.equal(kept, credsBefore, 'quarantined, not deleted');
    const decisions = h.logs.filter((e) => e.event === 'disconnect.decision' && e.data?.code === 401);
    assert.equal(decisions.length, 2);
  } finally {
    await h.close();
  }
});

test('a replaced connection (440) reconnects once after 60 s, and a second 440 within 10 minutes stops for good', async () => {
  const { h, clock } = await pairedHarness();
  try {
    h.server.injectStreamError(liveLogin(h), 'replaced');
    const first = await h.waitForStatus('default', (s) => s.state === 'reconnecting');
    assert.equal(first.lastDisconnect?.code, 440);
    assert.equal(first.reconnect.nextAt, clock.now() + 60_000);
    clock.advance(60_000);
    await h.waitForStatus('default', (s) => s.state === 'open');
    clock.advance(2 * 60_000);
    h.server.injectStreamError(liveLogin(h), 'replaced');
    const replaced = await h.waitForStatus('default', (s) => s.state === 'replaced');
    assert.equal(replaced.reconnect.nextAt, null, 'no automatic retry');
    assert.match(replaced.detail, /another/i);
  } finally {
    await h.close();
  }
});

for (const [reason, state] of [
  [403, 'banned'],
  [406, 'banned'],
  [405, 'outdated'],
  [411, 'logged-out'],
] as const) {
  test(`a failure ${reason} at login leaves the phone ${state} with no retry`, async () => {
    const { h, clock } = await pairedHarness();
    try {
      h.server.injectFailure('next-login', reason);
      h.server.destroy(liveLogin(h));
      const waiting = await h.waitForStatus('default', (x) => x.state === 'reconnecting' && x.reconnect.nextAt !== null);
      clock.advance((waiting.reconnect.nextAt ?? 0) - clock.now());
      const s = await h.waitForStatus('default', (x) => x.state === state);
      assert.equal(s.lastDisconnect?.code, reason);
      assert.equal(s.reconnect.nextAt, null);
    } finally {
      await h.close();
    }
  });
}

test('a temporary ban (402) waits until the server-given expiry before trying again', async () => {
  const { h, clock } = await pairedHarness();
  try {
    h.server.injectFailure(liveLogin(h), 402, { expire: '3600' });
    const s = await h.waitForStatus('default', (x) => x.state === 'temp-banned');
    assert.equal(s.bannedUntil, clock.now() + 3_600_000);
    assert.equal(s.reconnect.nextAt, clock.now() + 3_600_000);
  } finally {
    await h.close();
  }
});

test('when every QR ref runs out, the phone needs a new link (pairing expired), with no QR loop until a new QR is requested', async () => {
  const clock = new ManualClock(T0);
  const h = await startHarness({ server: { qrRefs: 1 }, keeper: { clock } });
  try {
    await h.restart({ socket: { waWebSocketUrl: h.server.url, qrTimeout: 200 } });
    await h.waitForStatus('default', (s) => s.state === 'waiting-for-scan');
    // A phone with no valid session and no QR left needs a new link: the one terminal state for
    // that ('logged-out' with its reason), no longer the "stopped" a user's stop shows.
    const stopped = await h.waitForStatus('default', (s) => s.state === 'logged-out', 5_000);
    assert.deepEqual(stopped.unlinked, { cause: 'pairing-expired', at: T0, device: null });
    assert.equal(stopped.qr, null);
    assert.equal(stopped.reconnect.nextAt, null);
    const connections = h.server.connections.length;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.server.connections.length, connections, 'no new connection on its own');
    h.server.setQrRefs(6);
    await h.keeper.requestQr('default');
    const again = await h.waitForStatus('default', (s) => s.state === 'waiting-for-scan' && s.qr !== null);
    assert.ok(again.qr);
    assert.equal(again.everLinked, false, 'a first QR that expired unscanned is still no link');
  } finally {
    await h.close();
  }
});

test('a user logout unlinks, quarantines the session and does not reconnect', async () => {
  const { h } = await pairedHarness();
  try {
    await h.keeper.logout('default');
    const s = h.keeper.status('default');
    assert.equal(s.state, 'logged-out');
    assert.ok(s.quarantinedTo);
    assert.equal(s.pairedAt, null);
    assert.equal(s.nextKeepAliveAt, null, 'no keep-alive is planned for an unlinked phone');
    assert.equal(s.phoneLastSeenAt, null, 'the unlinked phone is no longer "seen"');
    const files = await readdir(s.quarantinedTo ?? '');
    assert.ok(files.includes('creds.json'));
    const connections = h.server.connections.length;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.server.connections.length, connections);
  } finally {
    await h.close();
  }
});

test('a server logout (411) ends, once the new QR codes run out, needing a new link with its reason, not stopped — and stays so after a restart', async () => {
  const clock = new ManualClock(T0);
  const h = await startHarness({ keeper: { clock, random: () => 0.5 } });
  try {
    await h.restart({ socket: { waWebSocketUrl: h.server.url, qrTimeout: 1_000 } });
    const me = (await h.pair()).me;
    assert.ok(me);
    h.server.setQrRefs(1);
    h.server.injectFailure('next-login', 411);
    h.server.destroy(liveLogin(h));
    const waiting = await h.waitForStatus('default', (x) => x.state === 'reconnecting' && x.reconnect.nextAt !== null);
    const loggedOutAt = waiting.reconnect.nextAt ?? 0;
    clock.advance(loggedOutAt - clock.now());
    // the server logout offers a QR at once; nobody scans it
    await h.waitForStatus('default', (s) => s.state === 'waiting-for-scan');
    const s = await h.waitForStatus('default', (x) => x.state !== 'waiting-for-scan' && x.state !== 'connecting' && x.qr === null, 5_000);
    assert.equal(s.state, 'logged-out', `needs a new link, not ${s.state}`);
    assert.deepEqual(s.unlinked, { cause: 'server-logout', at: loggedOutAt, device: me });
    assert.equal(s.lastDisconnect?.code, 408, 'the last close was the QR codes running out');
    // WhatsApp removed the device: its backups can never link again
    await assert.rejects(h.keeper.restore('default'), (err: unknown) => err instanceof KeeperError && err.code === 'restore-refused' && /WhatsApp removed this device/.test(err.message));
    await h.keeper.stop();
    const connections = h.server.connections.length;
    await h.restart();
    const again = h.keeper.status('default');
    assert.equal(again.state, 'logged-out');
    assert.deepEqual(again.unlinked, s.unlinked, 'the reason survives a restart');
    assert.equal(again.everLinked, true, 'so does the fact that it was linked');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.server.connections.length, connections, 'nothing connects on its own');
  } finally {
    await h.close();
  }
});
