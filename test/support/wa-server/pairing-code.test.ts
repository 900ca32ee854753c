import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installTestRoot, startWaServer, uninstallTestRoot, type WaServer } from './index.js';
import { connectClient, type TestClient } from './baileys-client.js';

async function withServer(name: string, fn: (server: WaServer, dir: string) => Promise<void>, opts: Parameters<typeof startWaServer>[0] = {}): Promise<void> {
  installTestRoot();
  const server = await startWaServer({ phoneNumber: '15550000001', ...opts });
  const dir = await mkdtemp(join(tmpdir(), `wa-code-${name}-`));
  try {
    await fn(server, dir);
  } finally {
    await server.close();
    uninstallTestRoot();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A companion in the pairing state that asked for a code, as Baileys' users are told to do it. */
async function companionWithCode(server: WaServer, dir: string, extra: Parameters<typeof connectClient>[2] = {}): Promise<{ client: TestClient; code: string }> {
  const client = await connectClient(server.url, dir, extra);
  await client.nextQr();
  const code = await client.sock.requestPairingCode('15550000001');
  await server.waitFor(() => server.connections.find(c => c.linkCodeFor === '15550000001@s.whatsapp.net'), 5000, 'the companion_hello');
  return { client, code };
}

/** A code that differs from `code` in every place but stays in the alphabet. */
function otherCode(code: string): string {
  return [...code].map(ch => (ch === 'A' ? 'B' : 'A')).join('');
}

test('the right code typed on the phone links the real Baileys client, which then logs in with its new identity', async () => {
  await withServer('right', async (server, dir) => {
    const { client, code } = await companionWithCode(server, dir);
    assert.match(code, /^[1-9A-HJ-NP-TV-Z]{8}$/);
    // typed the way the screen shows it: grouped with a dash, in lower case
    const linked = await server.phone.enterCode(`${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase());
    assert.match(linked.jid, /^15550000001:\d+@s\.whatsapp\.net$/);
    assert.equal((await client.closed).statusCode, 515);
    await client.end();
    assert.ok(server.devices.has(linked.jid));

    const again = await connectClient(server.url, dir);
    await again.opened;
    assert.equal(again.sock.authState.creds.me?.id, linked.jid);
    const login = await server.waitFor(() => server.connections.find(c => c.state === 'logged-in'));
    assert.equal(login.jid, linked.jid);
    await again.end();
    assert.deepEqual(server.log, [], 'no protocol oddity on the way');
  });
});

test('a wrong code is refused by the phone and links nothing; the right one still works afterwards', async () => {
  await withServer('wrong', async (server, dir) => {
    const { client, code } = await companionWithCode(server, dir);
    await assert.rejects(server.phone.enterCode(otherCode(code)), /wrong code: the key bundle does not open/);
    assert.equal(server.devices.size, 0, 'no device was linked');
    assert.equal(client.sock.authState.creds.registered, false, 'the companion did not take the link as done');
    assert.equal(server.connections[0]?.state, 'pairing', 'the companion still waits');

    const linked = await server.phone.enterCode(code);
    assert.equal((await client.closed).statusCode, 515);
    assert.ok(server.devices.has(linked.jid));
    await client.end();
  });
});

test('a code stops working when the companion connection it belongs to ends (the QR refs ran out)', async () => {
  // one ref that lives 400 ms: Baileys ends the pairing socket with 408, as after 160 s for real
  await withServer('expiry', async (server, dir) => {
    const { client, code } = await companionWithCode(server, dir, { qrTimeout: 400 });
    const closed = await client.closed;
    assert.equal(closed.statusCode, 408);
    await assert.rejects(server.phone.enterCode(code), /no companion waits for a code for this number/);
    assert.equal(server.devices.size, 0);
  }, { qrRefs: 1 });
});

test('the phone only answers codes asked for its own number, and only well-formed ones', async () => {
  await withServer('number', async (server, dir) => {
    const client = await connectClient(server.url, dir);
    await client.nextQr();
    const code = await client.sock.requestPairingCode('15559999999');
    await server.waitFor(() => server.connections.find(c => c.linkCodeFor !== undefined), 5000, 'the companion_hello');
    await assert.rejects(server.phone.enterCode(code), /no companion waits for a code for this number/);
    await assert.rejects(server.phone.enterCode('0000-OOOO'), /not an 8-character pairing code/);
    await client.end();
  });
});
