// The ids of incoming messages are chosen by whoever sends them: the log must not carry one that
// could forge a line. The socket here is only the two event emitters PhoneMessaging listens on;
// the real socket's events are covered by keeper-messaging-port.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { WASocket } from '@whiskeysockets/baileys';
import { PhoneMessaging } from '../../../../main/engine/session/messaging.js';
import { loggableId } from '../../../../main/engine/log-redaction.js';
import { ManualClock } from '../../../../main/engine/clock.js';

test('a plain message id is logged as it is; anything else becomes a short hash', () => {
  assert.equal(loggableId('3EB0A1B2C3D4E5F6'), '3EB0A1B2C3D4E5F6');
  for (const id of ['x\n{"level":"error","msg":"forged"}', 'a'.repeat(65), 'id with spaces', '']) {
    assert.match(loggableId(id), /^#[0-9a-f]{12}$/, JSON.stringify(id));
  }
  assert.equal(loggableId('a b'), loggableId('a b'), 'the same id hashes the same, so lines still match up');
});

test('a message received with a contact-chosen id carrying a newline reaches the log only as a hash', () => {
  const logged: string[] = [];
  const received: string[] = [];
  const ev = new EventEmitter();
  const sock = { ev, ws: new EventEmitter(), authState: { creds: {} } } as unknown as WASocket;
  const messaging = new PhoneMessaging({
    phoneId: 'p1',
    clock: new ManualClock(0),
    socket: () => sock,
    isOpen: () => true,
    state: () => 'open',
    log: (_level, _event, message, data) => logged.push(`${message} ${JSON.stringify(data ?? {})}`),
    onMessage: (m) => received.push(m.waId),
    onStatus: () => {},
  });
  messaging.attach(sock, () => true);
  const forged = 'ABC\n{"level":50,"event":"backup.key-created"}';
  ev.emit('messages.upsert', { type: 'notify', messages: [{ key: { id: forged, remoteJid: '491555000001@s.whatsapp.net', fromMe: false }, message: { conversation: 'hi' }, messageTimestamp: 1 }] });
  assert.deepEqual(received, [forged], 'the message itself is delivered with its id');
  assert.equal(logged.length, 1);
  assert.ok(!logged.some((l) => l.includes('backup.key-created') || l.includes('\n')), logged.join(' | '));
  assert.ok(logged[0]?.includes(loggableId(forged)));
});
