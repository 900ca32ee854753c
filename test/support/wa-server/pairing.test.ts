import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installTestRoot, startWaServer, uninstallTestRoot } from './index.js';
import { connectClient } from './baileys-client.js';

test('a fresh Baileys client shows a QR, pairs through the phone, restarts on 515 and opens', async () => {
  installTestRoot();
  const server = await startWaServer({ phoneNumber: '15550000001' });
  const dir = await mkdtemp(join(tmpdir(), 'wa-pair-'));
  try {
    const first = await connectClient(server.url, dir);
    const qr = await first.nextQr();
    assert.match(qr, /^https:\/\/wa\.me\/settings\/linked_devices#2@/);
    const paired = await server.phone.scan(qr);
    assert.match(paired.jid, /^15550000001:\d+@s\.whatsapp\.net$/);
    const closed = await first.closed;
    assert.equal(closed.statusCode, 515);
    await first.flushCreds();
    assert.ok(server.devices.has(paired.jid));

    const second = await connectClient(server.url, dir);
    await second.opened;
    const me = second.sock.authState.creds.me;
    assert.equal(me?.id, paired.jid);
    assert.equal(me?.lid, paired.lid);
    assert.equal(me?.name, 'Test Phone');
    const login = await server.waitFor(() => server.connections.find(c => c.state === 'logged-in'));
    assert.equal(login.jid, paired.jid);
    assert.ok(login.bytesIn > 0 && login.bytesOut > 0);
    await server.waitForQuiet(login);
    await second.end();
    assert.deepEqual(server.log.filter(l => l.includes('unknown iq')), []);
  } finally {
    await server.close();
    uninstallTestRoot();
    await rm(dir, { recursive: true, force: true });
  }
});

test('linking announces the push name as unavailable: no presence without a type ever reaches the server', async () => {
  installTestRoot();
  const server = await startWaServer();
  const dir = await mkdtemp(join(tmpdir(), 'wa-pair-presence-'));
  try {
    const first = await connectClient(server.url, dir);
    const paired = await server.phone.scan(await first.nextQr());
    await first.closed;
    const pairing = paired.connection;
    // The stanzas as decoded from the wire, not just the presence records.
    const sent = pairing.received.filter(n => n.tag === 'presence');
    assert.deepEqual(sent.map(n => n.attrs), [{ name: 'Test Phone', type: 'unavailable' }], 'the name arrives once, as unavailable');
    await first.flushCreds();
    const second = await connectClient(server.url, dir);
    await second.opened;
    const login = await server.waitFor(() => server.connections.find(c => c.state === 'logged-in'));
    await server.waitForQuiet(login);
    const all = server.connections.flatMap(c => c.presences);
    assert.ok(all.length >= 2, 'pairing and login both said something');
    assert.deepEqual(all.filter(p => p.type !== 'unavailable'), [], 'nothing read as available');
    await second.end();
  } finally {
    await server.close();
    uninstallTestRoot();
    await rm(dir, { recursive: true, force: true });
  }
});
