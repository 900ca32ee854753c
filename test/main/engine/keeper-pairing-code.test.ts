// Linking by phone number, end to end: the keeper asks the real Baileys client for a code, the
// simulated phone types it (or a wrong one), and the status shows what a person needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeeperError } from '../../../main/engine/errors.js';
import { startHarness, type Harness } from '../../support/keeper-harness.js';

const NUMBER = '+1 555 000 0001';

async function waitingHarness(socket: { qrTimeout?: number } = {}): Promise<Harness> {
  const h = await startHarness({ server: { phoneNumber: '15550000001' } });
  await h.restart({ socket: { waWebSocketUrl: h.server.url, ...socket } });
  await h.waitForStatus('default', (s) => s.state === 'waiting-for-scan');
  return h;
}

/** The companion's hello reached the server: the phone can take the code from now on. */
function helloArrived(h: Harness): Promise<unknown> {
  const current = h.server.connections.at(-1);
  return h.server.waitFor(() => current?.linkCodeFor, 5000, 'the companion_hello');
}

function otherCode(code: string): string {
  return [...code].map((ch) => (ch === 'A' ? 'B' : 'A')).join('');
}

test('a code asked for a number shows in the status until the phone types it, then the phone is linked and open', async () => {
  const h = await waitingHarness();
  try {
    const before = Date.now();
    const pairing = await h.keeper.requestPairingCode('default', NUMBER);
    assert.match(pairing.code, /^[1-9A-HJ-NP-TV-Z]{8}$/);
    assert.ok(pairing.expiresAt >= before + 150_000 && pairing.expiresAt <= Date.now() + 160_000, 'the registration socket’s 160 s window');
    const shown = h.keeper.status('default');
    assert.equal(shown.state, 'waiting-for-scan');
    assert.deepEqual(shown.pairingCode, pairing);
    assert.match(shown.detail, /pairing code is waiting/);
    assert.equal(await helloArrived(h), '15550000001@s.whatsapp.net', 'the number reached WhatsApp');
    assert.ok(!h.logs.some((e) => JSON.stringify(e).includes(pairing.code)), 'the code is not written to the log');

    const linked = await h.server.phone.enterCode(pairing.code);
    const open = await h.waitForStatus('default', (s) => s.state === 'open');
    assert.equal(open.me, linked.jid);
    assert.equal(open.pairingCode, null, 'a successful link ends the code');
    assert.ok(open.pairedAt !== null);
  } finally {
    await h.close();
  }
});

test('a wrong code links nothing and leaves the code on screen for another try', async () => {
  const h = await waitingHarness();
  try {
    const pairing = await h.keeper.requestPairingCode('default', NUMBER);
    await helloArrived(h);
    await assert.rejects(h.server.phone.enterCode(otherCode(pairing.code)), /wrong code/);
    await new Promise((r) => setTimeout(r, 200));
    const s = h.keeper.status('default');
    assert.equal(s.state, 'waiting-for-scan');
    assert.deepEqual(s.pairingCode, pairing);
    assert.equal(s.pairedAt, null);
    await h.server.phone.enterCode(pairing.code);
    await h.waitForStatus('default', (x) => x.state === 'open');
  } finally {
    await h.close();
  }
});

test('when the code’s connection runs out the code goes, the phone says the code expired, and a new link starts clean', async () => {
  // one QR ref of 400 ms: the registration socket ends with 408 as it does after 160 s for real
  const h = await waitingHarness({ qrTimeout: 400 });
  try {
    h.server.setQrRefs(1);
    const pairing = await h.keeper.requestPairingCode('default', NUMBER);
    const expired = await h.waitForStatus('default', (s) => s.state === 'logged-out');
    assert.equal(expired.pairingCode, null);
    assert.match(expired.detail, /pairing code expired/);
    assert.equal(expired.unlinked?.byCode, true, 'the window and the runner word it as a code');
    assert.equal(expired.everLinked, false);
    assert.ok(h.logs.some((e) => e.event === 'disconnect.decision' && /nobody typed the pairing code/.test(e.message)), 'the 408 line says code');
    await assert.rejects(h.server.phone.enterCode(pairing.code), /no companion waits/);

    // the placeholder identity Baileys wrote for the code must not make the next socket log in
    h.server.setQrRefs(6);
    const connections = h.server.connections.length;
    await h.keeper.requestQr('default');
    await h.waitForStatus('default', (s) => s.state === 'waiting-for-scan' && s.qr !== null);
    const next = h.server.connections.slice(connections);
    assert.deepEqual(next.map((c) => c.kind), ['registration']);
    assert.ok(h.logs.some((e) => e.event === 'pairing.code-dropped'));
    await h.pair();
  } finally {
    await h.close();
  }
});

test('asking for a code is refused for a bad number and while a phone is linked', async () => {
  const h = await waitingHarness();
  try {
    await assert.rejects(h.keeper.requestPairingCode('default', '07700 900123'), (err: unknown) => err instanceof KeeperError && err.code === 'invalid-input');
    assert.equal(h.keeper.status('default').pairingCode, null, 'nothing was asked for');
    await h.pair();
    await assert.rejects(h.keeper.requestPairingCode('default', NUMBER), (err: unknown) => err instanceof KeeperError && err.code === 'already-linked');
    assert.equal(h.keeper.status('default').state, 'open', 'the linked session is left alone');
  } finally {
    await h.close();
  }
});

test('asking again for the same number while its code lives returns that code without a new registration; another number within the minute is refused', async () => {
  const h = await waitingHarness();
  try {
    const first = await h.keeper.requestPairingCode('default', NUMBER);
    const connections = h.server.connections.length;
    assert.deepEqual(await h.keeper.requestPairingCode('default', '+15550000001'), first);
    assert.equal(h.server.connections.length, connections, 'no new socket, no new code at WhatsApp');
    await assert.rejects(
      h.keeper.requestPairingCode('default', '+44 7700 900123'),
      (err: unknown) => err instanceof KeeperError && err.code === 'refused-by-gate' && /less than a minute ago/.test(err.message),
    );
    assert.deepEqual(h.keeper.status('default').pairingCode, first, 'the code on screen stays');
    // the code still works after the refused request
    await helloArrived(h);
    await h.server.phone.enterCode(first.code);
    await h.waitForStatus('default', (s) => s.state === 'open');
  } finally {
    await h.close();
  }
});

test('a keeper stopped while a code was on screen starts again as a new link, not as a login with the bare number', async () => {
  const h = await waitingHarness();
  try {
    await h.keeper.requestPairingCode('default', NUMBER);
    await helloArrived(h);
    await h.keeper.stop();
    const connections = h.server.connections.length;
    await h.restart({ socket: { waWebSocketUrl: h.server.url } });
    const waiting = await h.waitForStatus('default', (s) => s.state === 'waiting-for-scan' && s.qr !== null);
    assert.equal(waiting.pairingCode, null, 'the old code died with its socket');
    assert.equal(waiting.unlinked, null);
    assert.deepEqual(h.server.connections.slice(connections).map((c) => c.kind), ['registration']);
    await h.pair();
  } finally {
    await h.close();
  }
});

test('while a pairing code waits, the QR codes turning over behind it are not announced (debug only) and the status says code', async () => {
  const h = await waitingHarness({ qrTimeout: 300 });
  try {
    h.server.setQrRefs(4);
    const seen = h.logs.length;
    const seenStatuses = h.statuses.length;
    await h.keeper.requestPairingCode('default', NUMBER);
    await h.waitForStatus('default', (s) => s.state === 'logged-out');
    const waiting = h.statuses.slice(seenStatuses).filter((s) => s.state === 'waiting-for-scan');
    assert.ok(waiting.length > 0);
    for (const s of waiting) assert.doesNotMatch(s.detail, /Scan the QR code/, 'from its first QR on, this socket links by code');
    const qrLines = h.logs.slice(seen).filter((e) => e.event === 'pairing.qr');
    assert.ok(qrLines.length >= 2, `QR codes turned over: ${qrLines.length}`);
    for (const e of qrLines) {
      assert.equal(e.level, 'debug', e.message);
      assert.doesNotMatch(e.message, /New QR code shown/);
    }
  } finally {
    await h.close();
  }
});
