// One contract for MessagingPort (main/engine/messaging/types.ts), to run against the real
// keeper (Keeper.messaging: real Baileys, a simulated contact with real Signal sessions on the WA
// test server) and against any fake the local API's tests use, so the fake cannot drift.
//
// Usage:
//   messagingPortContract('the real keeper', async () => ({ port, phoneId, ... }));
//
// The suite calls makeSubject() once per test and dispose() after it. Each subject:
//   - has `phoneId` configured and connected, with one contact on WhatsApp (`knownNumber`);
//   - the contact sends delivered and read receipts for every message it gets, so the port
//     reports 'read' for a sent message (after 'server-ack' / 'delivered', never going back);
//   - `contactWrites(text)` makes the contact write to `phoneId`; the port must emit a 'message';
//   - `contactReads()` lists the plaintexts the contact has received from `phoneId`, oldest first;
//   - `closePhone()` takes `phoneId` offline, after which sendText rejects with 'not-open'.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KeeperError } from '../../../../main/engine/errors.js';
import { MESSAGE_STATES, type IncomingMessage, type MessageStatusUpdate, type MessagingPort } from '../../../../main/engine/messaging/types.js';

export interface MessagingPortSubject {
  port: MessagingPort;
  /** A configured phone whose session is open. */
  phoneId: string;
  /** An id no phone has. */
  unknownPhoneId: string;
  /** E.164 digits, no '+': a contact on WhatsApp. */
  knownNumber: string;
  /** E.164 digits, no '+': a number with no WhatsApp account. */
  unknownNumber: string;
  /** The contact writes `text` to phoneId; resolves with the WhatsApp message id. */
  contactWrites(text: string): Promise<string>;
  /** Plaintexts the contact received from phoneId so far, oldest first. */
  contactReads(): Promise<string[]>;
  /** Takes phoneId offline (its connection closes and stays closed). */
  closePhone(): Promise<void>;
  dispose(): Promise<void>;
}

async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof KeeperError, `a KeeperError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  });
}

export function messagingPortContract(name: string, makeSubject: () => Promise<MessagingPortSubject>): void {
  describe(`MessagingPort contract: ${name}`, () => {
    const withSubject = (fn: (s: MessagingPortSubject) => Promise<void>) => async () => {
      const s = await makeSubject();
      try {
        await fn(s);
      } finally {
        await s.dispose();
      }
    };

    test('lookup finds a contact however the number is written, and says null for a number not on WhatsApp', withSubject(async (s) => {
      const jid = `${s.knownNumber}@s.whatsapp.net`;
      assert.equal(await s.port.lookup(s.phoneId, s.knownNumber), jid);
      assert.equal(await s.port.lookup(s.phoneId, `+${s.knownNumber}`), jid);
      assert.equal(await s.port.lookup(s.phoneId, jid), jid);
      assert.equal(await s.port.lookup(s.phoneId, s.unknownNumber), null);
    }));

    test('a sent text reaches the contact as that plaintext, and its status only moves forward up to read', withSubject(async (s) => {
      const updates: MessageStatusUpdate[] = [];
      const onStatus = (u: MessageStatusUpdate) => updates.push(u);
      s.port.on('message-status', onStatus);
      try {
        const sent = await s.port.sendText(s.phoneId, `+${s.knownNumber}`, 'contract: hello');
        assert.equal(sent.phoneId, s.phoneId);
        assert.equal(sent.jid, `${s.knownNumber}@s.whatsapp.net`);
        assert.ok(sent.waId.length > 0);
        assert.ok(sent.at > 0);
        await eventually('the contact to read the text', async () => ((await s.contactReads()).includes('contract: hello') ? true : undefined));
        await eventually('a read status', () => updates.find((u) => u.waId === sent.waId && u.state === 'read'));
        const mine = updates.filter((u) => u.waId === sent.waId);
        const order = mine.map((u) => MESSAGE_STATES.indexOf(u.state));
        assert.deepEqual(order, [...order].sort((a, b) => a - b), `states in order: ${mine.map((u) => u.state).join(', ')}`);
        for (const u of mine) {
          assert.equal(u.phoneId, s.phoneId);
          assert.equal(u.jid, sent.jid);
        }
      } finally {
        s.port.off('message-status', onStatus);
      }
    }));

    test('sending to a number not on WhatsApp is refused with not-on-whatsapp and reaches no one', withSubject(async (s) => {
      const before = (await s.contactReads()).length;
      await rejectsWithCode(s.port.sendText(s.phoneId, s.unknownNumber, 'nobody'), 'not-on-whatsapp');
      assert.equal((await s.contactReads()).length, before);
    }));

    test('a phone id that is not configured is refused with unknown-phone', withSubject(async (s) => {
      await rejectsWithCode(s.port.sendText(s.unknownPhoneId, s.knownNumber, 'x'), 'unknown-phone');
      await rejectsWithCode(s.port.lookup(s.unknownPhoneId, s.knownNumber), 'unknown-phone');
    }));

    test('what the contact writes arrives as a text message event from that contact; a removed listener hears nothing', withSubject(async (s) => {
      const got: IncomingMessage[] = [];
      const removed: IncomingMessage[] = [];
      const onMessage = (m: IncomingMessage) => got.push(m);
      const onRemoved = (m: IncomingMessage) => removed.push(m);
      s.port.on('message', onMessage);
      s.port.on('message', onRemoved);
      s.port.off('message', onRemoved);
      try {
        const waId = await s.contactWrites('contract: hi there');
        const m = await eventually('the message event', () => got.find((x) => x.waId === waId));
        assert.equal(m.phoneId, s.phoneId);
        assert.equal(m.kind, 'text');
        assert.equal(m.text, 'contract: hi there');
        assert.equal(m.chatJid, `${s.knownNumber}@s.whatsapp.net`);
        assert.equal(m.senderJid, m.chatJid);
        assert.ok(m.at > 0);
        assert.deepEqual(removed, []);
      } finally {
        s.port.off('message', onMessage);
      }
    }));

    test('a phone that is not connected refuses to send with not-open', withSubject(async (s) => {
      await s.closePhone();
      await rejectsWithCode(s.port.sendText(s.phoneId, s.knownNumber, 'offline'), 'not-open');
    }));
  });
}
