// What must never go out: reconnects beyond the hourly budget, pulses that Baileys would drop
// (no push name) counted as sent, and type-less presence from key churn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../main/engine/clock.js';
import { KeepAliveRefusedError } from '../../../main/engine/keepalive-scheduler.js';
import { driveMinutes, HOUR, MINUTE, pairedKeeper, presencesAtServer, sentCount } from '../../support/keepalive-driver.js';

const NOON = Date.UTC(2027, 4, 10, 12, 0);
const UTC = { timeZone: 'UTC' };

test('under a server that drops every connection, a phone woken again and again makes at most 30 connection attempts in any hour', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { keeper: { keepAlive: UTC } });
  try {
    h.server.refuseConnections('close-on-open');
    const live = [...h.server.connections].reverse().find((c) => c.state === 'logged-in');
    assert.ok(live);
    h.server.destroy(live);
    // A flapping network: every minute, five wake-ups each asking to reconnect right now.
    for (let minute = 0; minute < 150; minute++) {
      for (let i = 0; i < 5; i++) {
        await h.waitForStatus('default', (s) => (s.state === 'reconnecting' || s.state === 'paused') && s.reconnect.nextAt !== null);
        await h.keeper.wake();
      }
      clock.advance(MINUTE);
    }
    await h.waitForStatus('default', (s) => s.reconnect.nextAt !== null);
    const opened = h.server.connections.map((c) => c.openedAt).sort((a, b) => a - b);
    let worst = 0;
    for (const start of opened) worst = Math.max(worst, opened.filter((t) => t >= start && t < start + HOUR).length);
    assert.ok(worst <= 30, `at most 30 connections in any hour at the server (worst ${worst})`);
    assert.ok(opened.length >= 45, `the budget, not something else, was the limit: ${opened.length} connections in 2.5 h`);
    const deferred = h.logs.filter((e) => e.event === 'reconnect.deferred');
    assert.ok(deferred.length > 0);
    assert.match(deferred[0]?.message ?? '', /Reconnect budget spent: 30 connection attempts in the last hour \(limit 30\)/);
    assert.ok(h.statuses.some((s) => /Reconnect budget spent/.test(s.detail)), 'the status says why it waits');
  } finally {
    await h.close();
  }
});

test('without a push name no pulse is counted as sent: the log says why, it is retried later, and the server sees nothing', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { server: { pushName: null }, keeper: { keepAlive: UTC } });
  try {
    const due = h.keeper.status('default').nextKeepAliveAt ?? 0;
    await driveMinutes(h, clock, Math.ceil((due - clock.now()) / MINUTE) + 1);
    const first = await h.waitForLog((e) => e.event === 'keepalive.not-sent');
    assert.equal(first.level, 'warn');
    assert.equal(first.data?.code, 'no-push-name');
    assert.match(first.message, /push name/);
    assert.ok((h.keeper.status('default').nextKeepAliveAt ?? 0) > clock.now(), 'a retry is planned');
    await driveMinutes(h, clock, 20);
    const attempts = h.logs.filter((e) => e.event === 'keepalive.not-sent');
    assert.equal(attempts.length, 2, 'retried once 15 minutes later');
    await assert.rejects(h.keeper.keepAliveNow('default'), (err: unknown) => err instanceof KeepAliveRefusedError && err.refusal === 'no-push-name' && err.code === 'not-connected');
    assert.equal(sentCount(h), 0);
    assert.equal(h.keeper.status('default').lastKeepAliveAt, null);
    assert.equal(presencesAtServer(h, 'available').length, 0);
    assert.ok(!h.logs.some((e) => e.message.startsWith('💚')), 'no keep-alive line');
  } finally {
    await h.close();
  }
});

test('key churn (a pre-key upload with partial creds updates) sends no type-less presence: only pulses send presence', async () => {
  const clock = new ManualClock(NOON);
  const h = await pairedKeeper(clock, { server: { preKeysOnServer: 0 }, keeper: { keepAlive: UTC } });
  try {
    const device = await h.server.waitFor(() => [...h.server.devices.values()].find((d) => d.preKeysUploaded > 0), 10_000, 'a pre-key upload');
    assert.ok(device.preKeysUploaded > 0);
    const login = h.server.connections.filter((c) => c.kind === 'login');
    assert.ok(login.length > 0);
    for (const c of login) await h.server.waitForQuiet(c, 200);
    const typeless = login.flatMap((c) => c.presences.filter((p) => p.type === undefined));
    assert.deepEqual(typeless, [], 'no <presence/> without a type after login');
    assert.equal(presencesAtServer(h, 'available').length, 0, 'nothing says available before a pulse');
    await h.keeper.keepAliveNow('default');
    await driveMinutes(h, clock, 1);
    assert.equal(presencesAtServer(h, 'available').length, 1);
    assert.deepEqual(login.flatMap((c) => c.presences.filter((p) => p.type === undefined)), []);
  } finally {
    await h.close();
  }
});
