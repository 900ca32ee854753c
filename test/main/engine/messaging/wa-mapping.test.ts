import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { proto, type WAMessage } from '@whiskeysockets/baileys';
import {
  incomingFromUpsert,
  parseRecipient,
  serverAckFromNode,
  stateFromWaStatus,
  statusFromReceipt,
  statusFromUpdate,
} from '../../../../main/engine/messaging/wa-mapping.js';

const NOW = Date.UTC(2026, 11, 1, 12);

describe('parseRecipient', () => {
  test('E.164 with plus, spaces, dashes, dots or brackets, and bare digits, are phone numbers', () => {
    for (const to of ['+49 151 2345-6789', '4915123456789', '+49 (151) 234.567.89', ' +4915123456789 ']) {
      assert.deepEqual(parseRecipient(to), { kind: 'phone', digits: '4915123456789' }, to);
    }
  });

  test("a person's JID, with a device or in the old c.us form, is looked up as its number", () => {
    assert.deepEqual(parseRecipient('4915123456789@s.whatsapp.net'), { kind: 'phone', digits: '4915123456789' });
    assert.deepEqual(parseRecipient('4915123456789:3@s.whatsapp.net'), { kind: 'phone', digits: '4915123456789' });
    assert.deepEqual(parseRecipient('4915123456789@c.us'), { kind: 'phone', digits: '4915123456789' });
  });

  test('LID and group JIDs are kept as they are', () => {
    assert.deepEqual(parseRecipient('123456789012345@lid'), { kind: 'jid', jid: '123456789012345@lid' });
    assert.deepEqual(parseRecipient('120363000000000000@g.us'), { kind: 'jid', jid: '120363000000000000@g.us' });
  });

  test('words, too-short or too-long numbers, a leading zero and other domains are not recipients', () => {
    for (const to of ['hello', '+12', '1234567890123456', '0151234567', 'someone@example.com', '@s.whatsapp.net', '']) {
      assert.equal(parseRecipient(to), null, to);
    }
  });
});

function upsert(over: Partial<WAMessage> & { key?: Partial<WAMessage['key']> } = {}): WAMessage {
  return {
    messageTimestamp: 1_796_000_000,
    pushName: 'Alice',
    message: { conversation: 'hi' },
    ...over,
    key: { remoteJid: '15550000002@s.whatsapp.net', fromMe: false, id: 'ABC', ...over.key },
  } as WAMessage;
}

describe('incomingFromUpsert', () => {
  test('a text from a person becomes a text message with the sender time in ms', () => {
    assert.deepEqual(incomingFromUpsert('p1', upsert(), NOW), {
      phoneId: 'p1',
      waId: 'ABC',
      chatJid: '15550000002@s.whatsapp.net',
      senderJid: '15550000002@s.whatsapp.net',
      pushName: 'Alice',
      kind: 'text',
      text: 'hi',
      at: 1_796_000_000_000,
    });
  });

  test('extended text and texts inside ephemeral wrappers are text; a location is other with no text', () => {
    assert.equal(incomingFromUpsert('p1', upsert({ message: { extendedTextMessage: { text: 'link https://x' } } }), NOW)?.text, 'link https://x');
    assert.equal(incomingFromUpsert('p1', upsert({ message: { ephemeralMessage: { message: { conversation: 'secret' } } } }), NOW)?.text, 'secret');
    const loc = incomingFromUpsert('p1', upsert({ message: { locationMessage: { degreesLatitude: 1, degreesLongitude: 2 } } }), NOW);
    assert.equal(loc?.kind, 'other');
    assert.equal(loc?.text, null);
  });

  test('our own messages, status broadcasts, protocol messages and stubs without content are not incoming messages', () => {
    assert.equal(incomingFromUpsert('p1', upsert({ key: { fromMe: true } }), NOW), null);
    assert.equal(incomingFromUpsert('p1', upsert({ key: { remoteJid: 'status@broadcast' } }), NOW), null);
    assert.equal(incomingFromUpsert('p1', upsert({ message: { protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE } } }), NOW), null);
    assert.equal(incomingFromUpsert('p1', upsert({ message: null }), NOW), null);
  });

  test('a LID-addressed chat is reported by phone number when Baileys knows it, and a group names its member', () => {
    const lid = incomingFromUpsert('p1', upsert({ key: { remoteJid: '200000000000001@lid', remoteJidAlt: '15550000002@s.whatsapp.net' } }), NOW);
    assert.equal(lid?.chatJid, '15550000002@s.whatsapp.net');
    const group = incomingFromUpsert('p1', upsert({ key: { remoteJid: '1203630@g.us', participant: '15550000003@s.whatsapp.net' } }), NOW);
    assert.equal(group?.chatJid, '1203630@g.us');
    assert.equal(group?.senderJid, '15550000003@s.whatsapp.net');
  });

  test('a missing sender timestamp falls back to now', () => {
    assert.equal(incomingFromUpsert('p1', upsert({ messageTimestamp: null }), NOW)?.at, NOW);
  });
});

describe('message statuses', () => {
  test('WhatsApp statuses map onto the contract states; pending is not a status update', () => {
    const S = proto.WebMessageInfo.Status;
    assert.equal(stateFromWaStatus(S.ERROR), 'failed');
    assert.equal(stateFromWaStatus(S.PENDING), null);
    assert.equal(stateFromWaStatus(S.SERVER_ACK), 'server-ack');
    assert.equal(stateFromWaStatus(S.DELIVERY_ACK), 'delivered');
    assert.equal(stateFromWaStatus(S.READ), 'read');
    assert.equal(stateFromWaStatus(S.PLAYED), 'read');
    assert.equal(stateFromWaStatus(undefined), null);
  });

  test('only updates of messages we sent become status updates', () => {
    const key = { remoteJid: '15550000002@s.whatsapp.net', id: 'M1', fromMe: true };
    assert.deepEqual(statusFromUpdate('p1', key, proto.WebMessageInfo.Status.READ, NOW), {
      phoneId: 'p1', waId: 'M1', jid: '15550000002@s.whatsapp.net', state: 'read', at: NOW,
    });
    assert.equal(statusFromUpdate('p1', { ...key, fromMe: false }, proto.WebMessageInfo.Status.READ, NOW), null);
  });

  test('a group receipt is read when it has a read time, else delivered', () => {
    const key = { remoteJid: '1203630@g.us', id: 'M2', fromMe: true };
    assert.equal(statusFromReceipt('p1', key, { userJid: 'x@s.whatsapp.net', readTimestamp: 5 }, NOW)?.state, 'read');
    assert.equal(statusFromReceipt('p1', key, { userJid: 'x@s.whatsapp.net', receiptTimestamp: 5 }, NOW)?.state, 'delivered');
  });

  test('a server ack without error is server-ack; an error ack or an ack of our own peer message is not', () => {
    assert.deepEqual(serverAckFromNode('p1', { class: 'message', id: 'M3', from: '15550000002@s.whatsapp.net' }, ['15550000001'], NOW), {
      phoneId: 'p1', waId: 'M3', jid: '15550000002@s.whatsapp.net', state: 'server-ack', at: NOW,
    });
    assert.equal(serverAckFromNode('p1', { class: 'message', id: 'M3', from: '15550000002@s.whatsapp.net', error: '479' }, [], NOW), null);
    assert.equal(serverAckFromNode('p1', { class: 'message', id: 'M4', from: '15550000001:0@s.whatsapp.net' }, ['15550000001'], NOW), null);
  });
});
