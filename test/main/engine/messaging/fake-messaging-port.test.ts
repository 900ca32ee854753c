// The fake port answers as main/engine/messaging/types.ts documents, so tests built on it
// (the gate, the local API) cannot pass on behaviour the real port would not show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCode } from '../../../../main/engine/errors.js';
import type { IncomingMessage, MessageStatusUpdate } from '../../../../main/engine/messaging/types.js';
import { FakeMessagingPort } from '../../../support/fake-messaging-port.js';

const port = () => new FakeMessagingPort({ phoneIds: ['p1'], onWhatsApp: ['15551234567'], now: () => 1000 });

test('lookup normalises E.164 digits (with or without +) and person JIDs to <digits>@s.whatsapp.net, answers null off WhatsApp and refuses what is no recipient', async () => {
  const p = port();
  for (const to of ['15551234567', '+15551234567', '15551234567@s.whatsapp.net', '15551234567:7@s.whatsapp.net']) {
    assert.equal(await p.lookup('p1', to), '15551234567@s.whatsapp.net', to);
  }
  assert.equal(await p.lookup('p1', '+15550000000'), null);
  assert.equal(await p.lookup('p1', '120363000000000001@g.us'), '120363000000000001@g.us', 'a group JID as given, like the engine');
  await assert.rejects(p.lookup('p1', 'not a number'), (e: unknown) => errorCode(e) === 'invalid-input');
});

test('sendText answers the normalised JID and a WhatsApp id, and throws the documented codes', async () => {
  const p = port();
  const sent = await p.sendText('p1', '+15551234567', 'hi');
  assert.deepEqual({ ...sent, waId: typeof sent.waId }, { phoneId: 'p1', jid: '15551234567@s.whatsapp.net', at: 1000, waId: 'string' });
  await assert.rejects(p.sendText('p1', '15550000000', 'x'), (e: unknown) => errorCode(e) === 'not-on-whatsapp');
  await assert.rejects(p.sendText('nope', '15551234567', 'x'), (e: unknown) => errorCode(e) === 'unknown-phone');
  p.setOpen('p1', false);
  await assert.rejects(p.sendText('p1', '15551234567', 'x'), (e: unknown) => errorCode(e) === 'not-open');
  assert.equal(p.sends.length, 1);
});

test('message and message-status listeners get the documented shapes, and off stops them', async () => {
  const p = port();
  const got: Array<IncomingMessage | MessageStatusUpdate> = [];
  const onMessage = (m: IncomingMessage) => got.push(m);
  const onStatus = (u: MessageStatusUpdate) => got.push(u);
  p.on('message', onMessage);
  p.on('message-status', onStatus);
  const sent = await p.sendText('p1', '15551234567', 'hi');
  p.receipt('p1', sent.waId, 'delivered');
  p.receive('p1', '15551234567', 'hello');
  p.off('message', onMessage);
  p.off('message-status', onStatus);
  p.receipt('p1', sent.waId, 'read');
  p.receive('p1', '15551234567', 'unheard');
  assert.equal(got.length, 2);
  assert.deepEqual(got[0], { phoneId: 'p1', waId: sent.waId, jid: '15551234567@s.whatsapp.net', state: 'delivered', at: 1000 });
  const m = got[1] as IncomingMessage;
  assert.deepEqual([m.chatJid, m.senderJid, m.kind, m.text], ['15551234567@s.whatsapp.net', '15551234567@s.whatsapp.net', 'text', 'hello']);
});
