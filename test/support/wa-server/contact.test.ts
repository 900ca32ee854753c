import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WAMessage, WAMessageUpdate } from '@whiskeysockets/baileys';
import { installTestRoot, startWaServer, uninstallTestRoot, type SimulatedContact, type WaServer } from './index.js';
import { connectClient, pairDevice, type TestClient } from './baileys-client.js';

describe('a simulated contact with its own Signal identity, against the real Baileys client', () => {
  let server: WaServer;
  let dir: string;
  let contact: SimulatedContact;
  let client: TestClient;
  const upserts: WAMessage[] = [];
  const updates: WAMessageUpdate[] = [];

  before(async () => {
    installTestRoot();
    server = await startWaServer();
    contact = server.addContact({ number: '15550000002', pushName: 'Alice' });
    dir = await mkdtemp(join(tmpdir(), 'wa-contact-'));
    await pairDevice(server, dir);
    client = await connectClient(server.url, dir);
    client.sock.ev.on('messages.upsert', ({ messages, type }) => {
      if (type === 'notify') upserts.push(...messages);
    });
    client.sock.ev.on('messages.update', u => updates.push(...u));
    await client.opened;
  });

  after(async () => {
    await client.end();
    await server.close();
    uninstallTestRoot();
    await rm(dir, { recursive: true, force: true });
  });

  test('onWhatsApp finds the contact and says a number that is no contact is not on WhatsApp', async () => {
    const found = await client.sock.onWhatsApp('+15550000002', '15559999999');
    assert.deepEqual(found, [{ jid: '15550000002@s.whatsapp.net', exists: true }]);
  });

  test('the client sends a text, the contact decrypts it from a pre-key message, the server acks and the contact confirms delivery', async () => {
    contact.receiptMode = 'delivered';
    const sent = await client.sock.sendMessage(contact.jid, { text: 'hello contact' });
    const got = await contact.waitForInbound(1);
    assert.equal(got.text, 'hello contact');
    assert.equal(got.encType, 'pkmsg');
    assert.equal(got.id, sent?.key.id);
    await server.waitFor(() => updates.find(u => u.key.id === sent?.key.id && u.update.status === 3), 5000, 'delivered status');
    assert.equal(updates.some(u => u.key.id === sent?.key.id && u.update.status === 4), false, 'no read receipt was sent');
    assert.deepEqual(contact.failures, []);
  });

  test('the contact replies in that session with a normal message, the client decrypts it and sends its receipts', async () => {
    const id = await contact.send('hi from Alice');
    const msg = await server.waitFor(() => upserts.find(m => m.key.id === id));
    assert.equal(contact.outbox.at(-1)?.encType, 'msg');
    assert.equal(msg.message?.conversation, 'hi from Alice');
    assert.equal(msg.key.fromMe, false);
    assert.equal(msg.key.remoteJid, contact.jid);
    assert.equal(msg.pushName, 'Alice');
    assert.equal(msg.messageStubType ?? null, null, 'decrypted, not a CIPHERTEXT stub');
    await contact.waitForReceipt(id, 'delivered');
    await client.sock.readMessages([msg.key]);
    await contact.waitForReceipt(id, 'read');
  });

  test('once the contact answered, the client sends normal messages (msg, not pkmsg), and a reading contact reports read', async () => {
    contact.receiptMode = 'read';
    const sent = await client.sock.sendMessage(contact.jid, { text: 'second one' });
    const got = await contact.waitForInbound(2);
    assert.equal(got.text, 'second one');
    assert.equal(got.encType, 'msg');
    await server.waitFor(() => updates.find(u => u.key.id === sent?.key.id && u.update.status === 4), 5000, 'read status');
  });

  test('a contact who writes first opens the session with a pre-key message built from the bundle the client registered', async () => {
    const bob = server.addContact({ number: '15550000003', pushName: 'Bob' });
    const id = await bob.send('Bob here');
    const msg = await server.waitFor(() => upserts.find(m => m.key.id === id));
    assert.equal(bob.outbox[0]?.encType, 'pkmsg');
    assert.equal(bob.outbox[0]?.preKeyId, null, 'no upload happened: the signed pre-key from pairing alone');
    assert.equal(msg.message?.conversation, 'Bob here');
    await bob.waitForReceipt(id, 'delivered');
    // Baileys' first device lookup for Bob force-fetches his bundle and starts a fresh session
    // (a pkmsg again); the contact must take that in stride.
    await client.sock.sendMessage(bob.jid, { text: 'hi Bob' });
    const got = await bob.waitForInbound(1);
    assert.equal(got.text, 'hi Bob');
    assert.deepEqual(bob.failures, []);
  });

  test('every query the client sent on the way was one the server understood', () => {
    assert.deepEqual(server.log.filter(l => l.includes('unknown iq') || l.includes('decrypt')), []);
  });
});

test('after the client uploads its pre-keys, a contact writing first uses one of them and the client decrypts it', async () => {
  installTestRoot();
  // a server that reports no pre-keys makes Baileys upload its initial batch at login
  const server = await startWaServer({ preKeysOnServer: 0 });
  const dir = await mkdtemp(join(tmpdir(), 'wa-contact-upload-'));
  try {
    const contact = server.addContact({ number: '15550000004', pushName: 'Carol' });
    const { jid } = await pairDevice(server, dir);
    const client = await connectClient(server.url, dir);
    const upserts: WAMessage[] = [];
    client.sock.ev.on('messages.upsert', ({ messages }) => upserts.push(...messages));
    await client.opened;
    await server.waitFor(() => (server.devices.get(jid)?.preKeysUploaded ?? 0) > 0 || undefined, 10_000, 'the pre-key upload');
    const id = await contact.send('with a one-time pre-key');
    const msg = await server.waitFor(() => upserts.find(m => m.key.id === id));
    assert.equal(contact.outbox[0]?.encType, 'pkmsg');
    assert.equal(typeof contact.outbox[0]?.preKeyId, 'number', 'the session used an uploaded one-time pre-key');
    assert.equal(msg.message?.conversation, 'with a one-time pre-key');
    await client.end();
  } finally {
    await server.close();
    uninstallTestRoot();
    await rm(dir, { recursive: true, force: true });
  }
});
