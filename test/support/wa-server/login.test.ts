import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installTestRoot, startWaServer, uninstallTestRoot, type WaServer } from './index.js';
import { connectClient, pairDevice } from './baileys-client.js';

describe('stored-session login', () => {
  let server: WaServer;
  let dir: string;
  let jid: string;

  before(async () => {
    installTestRoot();
    server = await startWaServer();
    dir = await mkdtemp(join(tmpdir(), 'wa-login-'));
    ({ jid } = await pairDevice(server, dir));
  });

  after(async () => {
    await server.close();
    uninstallTestRoot();
    await rm(dir, { recursive: true, force: true });
  });

  test('a stored session opens again without a QR in well under a second', async () => {
    const started = Date.now();
    const client = await connectClient(server.url, dir);
    await client.opened;
    const elapsed = Date.now() - started;
    const conn = await server.waitFor(() => server.connections.find(c => c.state === 'logged-in' && c.jid === jid));
    await server.waitForQuiet(conn);
    await client.end();
    assert.equal(client.qrs.length, 0);
    assert.equal(conn.kind, 'login');
    assert.ok(elapsed < 1000, `open took ${elapsed} ms`);
    // Every query the client sent got an answer the server understood.
    assert.deepEqual(server.log.filter(l => l.includes('unknown iq')), []);
  });

  test('presences sent by the client are captured with their type and time', async () => {
    const client = await connectClient(server.url, dir);
    await client.opened;
    const conn = server.connections.at(-1);
    assert.ok(conn);
    // markOnlineOnConnect: false makes Baileys announce 'unavailable' on open.
    await server.waitForPresence(conn, 'unavailable');
    const before = Date.now();
    await client.sock.sendPresenceUpdate('available');
    const available = await server.waitForPresence(conn, 'available');
    assert.equal(available.name, 'Test Phone');
    assert.ok(available.at >= before - 5);
    await server.waitForQuiet(conn);
    await client.end();
  });

  test('keep-alive pings are answered so the client stays connected', async () => {
    const client = await connectClient(server.url, dir, { keepAliveIntervalMs: 50 });
    await client.opened;
    const conn = server.connections.at(-1);
    assert.ok(conn);
    await server.waitFor(() => conn.received.filter(n => n.tag === 'iq' && n.attrs.xmlns === 'w:p').length >= 3 || undefined);
    assert.equal(conn.state, 'logged-in');
    await server.waitForQuiet(conn, 20);
    await client.end();
  });

  test('byte and frame counters grow in both directions', async () => {
    const client = await connectClient(server.url, dir);
    await client.opened;
    const conn = server.connections.at(-1);
    assert.ok(conn);
    await server.waitForQuiet(conn);
    const { bytesIn, bytesOut } = conn;
    await client.sock.sendPresenceUpdate('available');
    await server.waitForPresence(conn, 'available');
    assert.ok(conn.bytesIn > bytesIn);
    assert.ok(conn.framesIn >= 3 && conn.framesOut >= 2);
    assert.ok(bytesOut > 0);
    await server.waitForQuiet(conn);
    await client.end();
  });
});

test('with the push name withheld, Baileys has no creds.me.name and drops presence updates', async () => {
  installTestRoot();
  const server = await startWaServer({ pushName: null });
  const dir = await mkdtemp(join(tmpdir(), 'wa-noname-'));
  try {
    await pairDevice(server, dir);
    const client = await connectClient(server.url, dir);
    await client.opened;
    const conn = server.connections.at(-1);
    assert.ok(conn);
    assert.equal(client.sock.authState.creds.me?.name, undefined);
    await client.sock.sendPresenceUpdate('available');
    await server.waitForQuiet(conn);
    assert.equal(conn.presences.filter(p => p.type !== undefined).length, 0);
    await client.end();
  } finally {
    await server.close();
    uninstallTestRoot();
    await rm(dir, { recursive: true, force: true });
  }
});
