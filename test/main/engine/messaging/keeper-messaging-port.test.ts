// The keeper's raw messaging (Keeper.messaging) held to the MessagingPort contract with real
// Baileys against the WA test server's simulated contact (real Signal sessions both ways), plus
// what only the real engine can show: other kinds of message, and a log without content.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeeperError } from '../../../../main/engine/errors.js';
import type { IncomingMessage } from '../../../../main/engine/messaging/types.js';
import { startHarness, type Harness } from '../../../support/keeper-harness.js';
import type { SimulatedContact } from '../../../support/wa-server/index.js';
import { messagingPortContract, type MessagingPortSubject } from './messaging-port-contract.js';

const CONTACT = '15550000002';

/** Polls: keeper events need not coincide with a server event (server.waitFor's trigger). */
async function until<T>(check: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function linkedKeeper(): Promise<{ h: Harness; contact: SimulatedContact }> {
  const h = await startHarness();
  const contact = h.server.addContact({ number: CONTACT, pushName: 'Alice' });
  try {
    await h.keeper.start();
    await h.pair();
  } catch (err) {
    await h.close();
    throw err;
  }
  return { h, contact };
}

messagingPortContract('the real keeper (Baileys + WA test server contact)', async (): Promise<MessagingPortSubject> => {
  const { h, contact } = await linkedKeeper();
  return {
    port: h.keeper.messaging,
    phoneId: 'default',
    unknownPhoneId: 'no-such-phone',
    knownNumber: CONTACT,
    unknownNumber: '15559999999',
    contactWrites: (text) => contact.send(text),
    contactReads: async () => contact.inbox.map((m) => m.text ?? ''),
    closePhone: () => h.keeper.stop(),
    dispose: () => h.close(),
  };
});

test('a message that is not text arrives as kind other, and the log names ids and lengths but never content', async () => {
  const { h, contact } = await linkedKeeper();
  try {
    const got: IncomingMessage[] = [];
    h.keeper.messaging.on('message', (m) => got.push(m));
    const waId = await contact.sendMessage({ locationMessage: { degreesLatitude: 52.5, degreesLongitude: 13.4 } });
    const m = await until(() => got.find((x) => x.waId === waId), 'the location message');
    assert.equal(m.kind, 'other');
    assert.equal(m.text, null);
    assert.equal(m.pushName, 'Alice');

    const sent = await h.keeper.messaging.sendText('default', CONTACT, 'secret words in a message');
    const textId = await contact.send('another private reply');
    await until(() => got.find((x) => x.waId === textId), 'the reply');
    await contact.waitForInbound(1);
    const lines = JSON.stringify(h.logs);
    assert.ok(lines.includes(sent.waId), 'the sent message id is logged');
    assert.ok(lines.includes(textId), 'the received message id is logged');
    for (const secret of ['secret words', 'private reply', CONTACT]) {
      assert.equal(lines.includes(secret), false, `the log does not contain ${secret}`);
    }
  } finally {
    await h.close();
  }
});

test('a recipient that is neither a number nor a WhatsApp JID is refused as invalid input', async () => {
  const { h } = await linkedKeeper();
  try {
    for (const bad of ['hello', '+12', 'someone@example.com']) {
      await assert.rejects(h.keeper.messaging.sendText('default', bad, 'x'), (err: unknown) => err instanceof KeeperError && err.code === 'invalid-input');
    }
  } finally {
    await h.close();
  }
});

test('a sent message is server-acked, then delivered; a message the server refuses is reported failed, only after sendText returned its id', async () => {
  const { h, contact } = await linkedKeeper();
  try {
    const states: string[] = [];
    h.keeper.messaging.on('message-status', (u) => states.push(`${u.waId}:${u.state}`));
    contact.receiptMode = 'delivered';
    const ok = await h.keeper.messaging.sendText('default', CONTACT, 'one');
    await until(() => states.includes(`${ok.waId}:delivered`), 'delivered');
    assert.deepEqual(states.filter((s) => s.startsWith(ok.waId)), [`${ok.waId}:server-ack`, `${ok.waId}:delivered`]);

    contact.refuseWith = '479';
    const refused = await h.keeper.messaging.sendText('default', CONTACT, 'two');
    states.push(`${refused.waId}:returned`);
    await until(() => states.includes(`${refused.waId}:failed`), `failed (states: ${states.join(', ')}; refused ${refused.waId})`);
    // the error ack beats sendText's return; its status is held until the caller knows the id
    assert.deepEqual(states.filter((s) => s.startsWith(refused.waId)), [`${refused.waId}:returned`, `${refused.waId}:failed`]);
    assert.equal(contact.inbox.length, 1, 'the refused message reached no one');
    assert.ok(h.logs.some((e) => e.event === 'message.failed' && e.data?.waId === refused.waId));
  } finally {
    await h.close();
  }
});

test('a message WhatsApp addresses by LID is reported with the chat and sender as phone-number JIDs', async () => {
  const { h, contact } = await linkedKeeper();
  try {
    const got: IncomingMessage[] = [];
    h.keeper.messaging.on('message', (m) => got.push(m));
    contact.addressing = 'lid';
    const waId = await contact.send('by lid');
    const m = await until(() => got.find((x) => x.waId === waId), 'the LID-addressed message');
    assert.equal(m.text, 'by lid');
    assert.equal(m.chatJid, contact.jid);
    assert.equal(m.senderJid, contact.jid);
    await contact.waitForReceipt(waId, 'delivered');
  } finally {
    await h.close();
  }
});
