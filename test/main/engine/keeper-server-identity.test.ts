// A server that cannot prove it is WhatsApp (issue 11): the keeper must not log in to it, must
// not believe anything it could say (a faked 401 would quarantine the session), and must say why.
// Real keeper, real Baileys, the test server switching to a forged chain after a good pairing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Curve } from '@whiskeysockets/baileys';
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';
import { ManualClock } from '../../../main/engine/clock.js';
import { compiledVerify } from '../../../main/engine/compiled-signature-check.js';
import { startHarness, type Harness } from '../../support/keeper-harness.js';
import type { CertChainMode, WaConnection } from '../../support/wa-server/index.js';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

function liveLogin(h: Harness): WaConnection {
  const conn = [...h.server.connections].reverse().find((c) => c.state === 'logged-in');
  assert.ok(conn, 'a logged-in connection');
  return conn;
}

/** Pairs on a good chain, then serves `mode` and drops the connection so the keeper reconnects. */
async function reconnectTo(mode: CertChainMode, baileysLogger?: ILogger): Promise<{ h: Harness; clock: ManualClock; seen: number }> {
  const clock = new ManualClock(T0);
  const h = await startHarness({ keeper: { clock, random: () => 0.5, ...(baileysLogger ? { baileysLogger } : {}) } });
  await h.keeper.start();
  await h.pair();
  h.server.setCertChain(mode);
  const seen = h.server.connections.length;
  h.server.destroy(liveLogin(h));
  const waiting = await h.waitForStatus('default', (s) => s.state === 'reconnecting' && s.reconnect.nextAt !== null);
  clock.advance((waiting.reconnect.nextAt ?? clock.now()) - clock.now());
  return { h, clock, seen };
}

for (const [mode, why] of [
  ['foreign-leaf-key', /leaf certificate key does not match the server static key/],
  ['wrong-leaf-issuer-serial', /leaf certificate issuer serial does not match/],
  // the signatures are checked by the compiled check the keeper puts in Baileys' place
  ['bad-leaf-signature', /noise certificate signature invalid/],
  ['bad-intermediate-signature', /noise intermediate certificate signature invalid/],
] as const) {
  test(`a server with a ${mode} chain gets no login, the session stays in place and the status says the server is unverified`, async () => {
    const { h, clock, seen } = await reconnectTo(mode);
    try {
      // The decision lands after the close is recorded: wait for the retry it schedules.
      const refused = await h.waitForStatus('default', (s) => s.lastDisconnect?.code === 400 && s.reconnect.nextAt !== null && s.reconnect.nextAt > clock.now());
      assert.equal(refused.state, 'reconnecting', 'retried later like a network fault, not logged out');
      assert.match(refused.lastDisconnect?.reason ?? '', why);
      assert.match(refused.detail, /could not prove it is WhatsApp/);
      assert.match(refused.detail, why);
      assert.match(refused.detail, /session kept/);
      assert.equal(refused.quarantinedTo, null);
      assert.equal(Curve.verify, compiledVerify, 'the keeper checked the chain with the compiled check');
      const later = h.server.connections.slice(seen);
      assert.ok(later.length >= 1, 'the keeper did try the forged server');
      assert.deepEqual(later.map((c) => c.kind), later.map(() => undefined), 'no login or registration payload reached it');
      const files = await readdir(h.keeper.paths.session('default'));
      assert.ok(files.includes('creds.json'), 'session files still in place');

      // The real server back: the same session logs in again.
      h.server.setCertChain('valid');
      clock.advance((refused.reconnect.nextAt ?? clock.now()) - clock.now());
      const open = await h.waitForStatus('default', (s) => s.state === 'open');
      assert.ok(open.me);
    } finally {
      await h.close();
    }
  });
}

test('an expired chain (a computer clock off by years) still logs in, and Baileys warns about the dates', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'warn' }, sink) as unknown as ILogger;
  const { h, seen } = await reconnectTo('expired', logger);
  try {
    const open = await h.waitForStatus('default', (s) => s.state === 'open' && h.server.connections.length > seen);
    assert.equal(open.quarantinedTo, null);
    assert.ok(h.server.connections.slice(seen).some((c) => c.state === 'logged-in'));
    const warned = lines.map((l) => JSON.parse(l) as { msg?: string; certificate?: string }).filter((w) => /validity period/.test(w.msg ?? ''));
    assert.ok(warned.some((w) => w.certificate === 'leaf'), 'the dates were noticed');
    const creds = await readFile(join(h.keeper.paths.session('default'), 'creds.json'), 'utf8');
    assert.ok(creds.length > 0);
  } finally {
    await h.close();
  }
});

test('with Baileys silent, as in the app, the certificate-dates warning still reaches the event log with only its named fields', async () => {
  const { h, seen } = await reconnectTo('expired');
  try {
    await h.waitForStatus('default', (s) => s.state === 'open' && h.server.connections.length > seen);
    const warned = h.logs.filter((e) => e.event === 'server.certificate-dates');
    assert.ok(warned.some((e) => e.data?.certificate === 'leaf'), 'the leaf certificate\'s dates are in the log the window shows');
    for (const e of warned) {
      assert.equal(e.level, 'warn');
      assert.equal(e.phoneId, 'default');
      assert.deepEqual(Object.keys(e.data ?? {}).sort(), ['certificate', 'notAfter', 'notBefore', 'now'], 'nothing but the named fields');
    }
  } finally {
    await h.close();
  }
});

test('a pair-success whose account signature another key made links nothing, and the real phone links next', async () => {
  const h = await startHarness();
  try {
    await h.keeper.start();
    h.server.forgeAccountSignature(true);
    const waiting = await h.waitForStatus('default', (s) => s.state === 'waiting-for-scan' && s.qr !== null);
    // the keeper's compiled check refuses the link, so its signed reply never comes
    await assert.rejects(h.server.phone.scan(waiting.qr ?? ''));
    assert.equal(Curve.verify, compiledVerify);
    const refused = await h.waitForStatus('default', (s) => /account signature/.test(s.lastDisconnect?.reason ?? ''));
    assert.equal(refused.me, null, 'not linked');
    assert.ok(!h.statuses.some((s) => s.state === 'open'), 'never announced open');
    assert.ok(!h.server.connections.some((c) => c.state === 'logged-in'), 'no login');
    const creds = JSON.parse(await readFile(join(h.keeper.paths.session('default'), 'creds.json'), 'utf8').catch(() => '{}')) as { me?: unknown };
    assert.equal(creds.me, undefined, 'no identity saved');

    h.server.forgeAccountSignature(false);
    const next = await h.waitForStatus('default', (s) => s.state === 'waiting-for-scan' && s.qr !== null && s.qr !== waiting.qr, 30_000);
    await h.server.phone.scan(next.qr ?? '');
    const open = await h.waitForStatus('default', (s) => s.state === 'open');
    assert.ok(open.me);
  } finally {
    await h.close();
  }
});
