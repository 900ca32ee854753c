import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S_WHATSAPP_NET } from '@whiskeysockets/baileys';
import { installTestRoot, startWaServer, uninstallTestRoot, type WaServer } from './index.js';
import { connectClient, pairDevice, type TestClient } from './baileys-client.js';

describe('fault injection against a logged-in Baileys client', () => {
  let server: WaServer;
  let dir: string;
  const dirs: string[] = [];

  before(async () => {
    installTestRoot();
    server = await startWaServer();
    dir = await mkdtemp(join(tmpdir(), 'wa-faults-'));
    await pairDevice(server, dir);
  });

  after(async () => {
    await server.close();
    uninstallTestRoot();
    for (const d of [dir, ...dirs]) await rm(d, { recursive: true, force: true });
  });

  async function openClient(): Promise<TestClient> {
    const client = await connectClient(server.url, dir);
    await client.opened;
    const conn = server.connections.at(-1);
    assert.ok(conn);
    await server.waitForQuiet(conn);
    return client;
  }

  test('a failure 401 on the live connection closes the client with statusCode 401', async () => {
    const client = await openClient();
    const conn = server.connections.at(-1)!;
    server.injectFailure(conn, 401);
    const closed = await client.closed;
    assert.equal(closed.statusCode, 401);
    await server.waitForClose(conn);
  });

  test('a failure queued for the next login replaces success, 402 carrying an expiry', async () => {
    server.injectFailure('next-login', 402);
    const client = await connectClient(server.url, dir);
    const closed = await client.closed;
    assert.equal(closed.statusCode, 402);
    const attrs = closed.data as Record<string, string>;
    assert.ok(Number(attrs.expiry) > Date.now() / 1000);
    for (const reason of [403, 405, 406] as const) {
      server.injectFailure('next-login', reason);
      const c = await connectClient(server.url, dir);
      assert.equal((await c.closed).statusCode, reason);
    }
  });

  test('a replaced conflict maps to 440 and a device_removed conflict to 401', async () => {
    const a = await openClient();
    server.injectStreamError(server.connections.at(-1)!, 'replaced');
    assert.equal((await a.closed).statusCode, 440);
    const b = await openClient();
    server.injectStreamError(server.connections.at(-1)!, 'device_removed');
    assert.equal((await b.closed).statusCode, 401);
  });

  test('stream errors 500, 503 and 515 reach the client as their own codes', async () => {
    for (const code of [500, 503, 515] as const) {
      const client = await openClient();
      server.injectStreamError(server.connections.at(-1)!, code);
      assert.equal((await client.closed).statusCode, code);
    }
  });

  test('an abrupt socket destroy closes the client as connection closed (428)', async () => {
    const client = await openClient();
    server.destroy(server.connections.at(-1)!);
    assert.equal((await client.closed).statusCode, 428);
  });

  test('a silenced connection leaves queries unanswered until it is unsilenced', async () => {
    const client = await openClient();
    const conn = server.connections.at(-1)!;
    const ping = () => client.sock.query({ tag: 'iq', attrs: { to: S_WHATSAPP_NET, type: 'get', xmlns: 'w:p' }, content: [{ tag: 'ping', attrs: {} }] }, 300);
    server.setSilent(conn);
    const silent = await ping().then(r => r, (err: unknown) => err);
    assert.ok(!(silent && typeof silent === 'object' && 'tag' in silent), 'no reply while silent');
    server.setSilent(conn, false);
    const answered = await ping();
    assert.equal(answered?.attrs.type, 'result');
    await client.end();
  });

  test('refused connections fail fast and are counted, then service resumes', async () => {
    server.refuseConnections('reset');
    const before = server.rejectedUpgrades;
    const rejected = await connectClient(server.url, dir);
    const closed = await rejected.closed;
    assert.notEqual(closed.statusCode, undefined);
    assert.equal(server.rejectedUpgrades, before + 1);
    server.refuseConnections('close-on-open');
    const dropped = await connectClient(server.url, dir);
    assert.equal((await dropped.closed).statusCode, 428);
    server.refuseConnections('none');
    const client = await openClient();
    await client.end();
  });

  test('a receipt from the phone sent with sendNode is acknowledged by the client', async () => {
    const client = await openClient();
    const conn = server.connections.at(-1)!;
    server.sendNode(conn, {
      tag: 'receipt',
      attrs: { id: 'RCPT1', from: server.phone.jid, type: 'read', t: String(Math.floor(Date.now() / 1000)) },
    });
    const ack = await server.waitFor(() => conn.received.find(n => n.tag === 'ack' && n.attrs.id === 'RCPT1'));
    assert.equal(ack.attrs.class, 'receipt');
    await server.waitForQuiet(conn);
    await client.end();
  });

  test('a device removed from the registry gets failure 401 on its next login', async () => {
    const other = await mkdtemp(join(tmpdir(), 'wa-removed-'));
    dirs.push(other);
    const { jid } = await pairDevice(server, other);
    assert.ok(server.removeDevice(jid));
    const client = await connectClient(server.url, other);
    assert.equal((await client.closed).statusCode, 401);
    assert.equal(server.devices.has(jid), false);
  });
});

test('when every QR ref is used up the client ends with 408 "QR refs attempts ended"', async () => {
  installTestRoot();
  const server = await startWaServer({ qrRefs: 2 });
  const dir = await mkdtemp(join(tmpdir(), 'wa-refs-'));
  try {
    const client = await connectClient(server.url, dir, { qrTimeout: 40 });
    const closed = await client.closed;
    assert.equal(closed.statusCode, 408);
    assert.equal(closed.message, 'QR refs attempts ended');
    assert.equal(client.qrs.length, 2);
    assert.equal(server.connections[0]?.refs.length, 2);
  } finally {
    await server.close();
    uninstallTestRoot();
    await rm(dir, { recursive: true, force: true });
  }
});
