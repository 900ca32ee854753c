// The keeper's own send path for embedders: keeper.sendText goes through the outbound gate, with
// the real phone's link time driving the warm-up and a stop showing in the phone's status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from '../../../main/engine/errors.js';
import type { MessageRecord } from '../../../main/engine/messaging/types.js';
import { startHarness } from '../../support/keeper-harness.js';
import { FakeMessagingPort } from '../../support/fake-messaging-port.js';

const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
const NUMBERS = ['491555000200', '491555000201', '491555000202', '491555000203'];

test('keeper.sendText passes the gate: a freshly linked phone is capped by its warm-up, and a restriction stops it until resumed', async () => {
  const port = new FakeMessagingPort({ phoneIds: ['default'], onWhatsApp: NUMBERS });
  const now = Date.now();
  const h = await startHarness({
    keeper: {
      outboundPort: port,
      // a sleep window far from now, so the test runs at any hour
      keepAlive: { timeZone: 'UTC', sleepWindow: { start: hhmm(now + 6 * 3_600_000), end: hhmm(now + 7 * 3_600_000) }, reducedWindows: [] },
      outbound: { intervalSeconds: 1, composing: false, warmUpDays: 3, warmUpFirstDay: 2 },
    },
  });
  try {
    await h.keeper.start();
    const open = await h.pair();
    assert.ok(open.pairedAt !== null);
    assert.equal(open.outboundStop, null);
    const records: MessageRecord[] = [];
    for (const to of NUMBERS.slice(0, 3)) records.push(await h.keeper.sendText('default', to, 'hello'));
    await assert.rejects(h.keeper.sendText('default', '+100000000', 'x'), (e: unknown) => errorCode(e) === 'not-on-whatsapp');
    await h.waitForLog((e) => e.event === 'outbound.refused');
    await h.waitForLog((e) => e.event === 'outbound.sent' && e.data?.id === records[1]?.id);
    assert.deepEqual(records.map((r) => h.keeper.outbound.get('default', r.id)?.state), ['sent', 'sent', 'failed']);
    assert.match(h.keeper.outbound.get('default', records[2]?.id ?? '')?.reason ?? '', /Warm-up: this number was linked 0 day/);

    // a restriction: the warm-up is spent for today, so a keeper without one shows the stop
    await h.keeper.stop();
    await h.restart({ outboundPort: port, outbound: { intervalSeconds: 1, composing: false, warmUpDays: 0 } });
    port.failNextSend(new Error('account restricted (463)'));
    const stopped = h.waitForStatus('default', (s) => s.outboundStop !== null && s.outboundStop !== undefined);
    await h.keeper.sendText('default', NUMBERS[3] ?? '', 'reply');
    const s = await stopped;
    assert.match(s.outboundStop?.reason ?? '', /restriction/);
    assert.ok(h.statuses.some((x) => x.outboundStop !== null && x.outboundStop !== undefined), 'a status event carried the stop');
    await h.keeper.resumeOutbound('default');
    assert.equal(h.keeper.status('default').outboundStop, null);
  } finally {
    await h.close();
  }
});

test('an outbound journal that cannot be read leaves the phones running and says so; sends are refused with the cause', async () => {
  const port = new FakeMessagingPort({ phoneIds: ['default'], onWhatsApp: NUMBERS });
  const h = await startHarness({ keeper: { outboundPort: port } });
  try {
    // a folder where the journal file should be: reading it fails with EISDIR
    await mkdir(join(h.dataDir, 'state', 'default', 'outbound.jsonl'), { recursive: true });
    const started = await h.keeper.start();
    assert.deepEqual(started, [{ phoneId: 'default', error: null }]);
    const entry = await h.waitForLog((e) => e.event === 'outbound.start-failed');
    assert.equal(entry.level, 'error');
    await assert.rejects(h.keeper.sendText('default', NUMBERS[0] ?? '', 'x'), /EISDIR/);
    await h.waitForStatus('default', (s) => s.state === 'waiting-for-scan');
  } finally {
    await h.close();
  }
});

test('real Baileys: gated sends reach the contact in order, spaced by the rate, read receipts advance the records, and refusals (479) stop the phone at the set number', async () => {
  const now = Date.now();
  const h = await startHarness({
    keeper: {
      keepAlive: { timeZone: 'UTC', sleepWindow: { start: hhmm(now + 6 * 3_600_000), end: hhmm(now + 7 * 3_600_000) }, reducedWindows: [] },
      outbound: { intervalSeconds: 1, chatGapSeconds: 2, composing: false, warmUpDays: 0, failuresBeforeStop: 1 },
    },
  });
  const contact = h.server.addContact({ number: '15550000031', pushName: 'Bob' });
  try {
    await h.keeper.start();
    await h.pair();
    const records: MessageRecord[] = [];
    for (const text of ['one', 'two', 'three']) records.push(await h.keeper.sendText('default', `+${contact.number}`, text));
    await contact.waitForInbound(3, 15_000);
    assert.deepEqual(contact.inbox.map((m) => m.text), ['one', 'two', 'three']);
    const at = contact.inbox.map((m) => m.at);
    // one chat: its own gap (2 s) is the longest rule here
    for (let i = 1; i < at.length; i++) assert.ok((at[i] ?? 0) - (at[i - 1] ?? 0) >= 1900, `gap ${(at[i] ?? 0) - (at[i - 1] ?? 0)} ms`);
    await h.waitForLog((e) => e.event === 'outbound.status' && e.data?.id === records[2]?.id && e.data?.state === 'read');
    for (const r of records) assert.equal(h.keeper.outbound.get('default', r.id)?.state, 'read');

    contact.refuseWith = '479';
    const refused = await h.keeper.sendText('default', contact.number, 'four');
    const stopped = await h.waitForStatus('default', (s) => (s.outboundStop ?? null) !== null, 15_000);
    assert.match(stopped.outboundStop?.reason ?? '', /refused 1 message/);
    assert.equal(h.keeper.outbound.get('default', refused.id)?.state, 'failed');
    contact.refuseWith = null;
    const held = await h.keeper.sendText('default', contact.number, 'five');
    await h.waitForLog((e) => e.event === 'outbound.refused' && e.data?.id === held.id);
    assert.equal(contact.inbox.length, 3, 'nothing went out while stopped');
  } finally {
    await h.close();
  }
});

test('real Baileys: a message the server refuses with 463 stops the phone\'s sending at once, below the refusal threshold', async () => {
  const now = Date.now();
  const h = await startHarness({
    keeper: {
      keepAlive: { timeZone: 'UTC', sleepWindow: { start: hhmm(now + 6 * 3_600_000), end: hhmm(now + 7 * 3_600_000) }, reducedWindows: [] },
      outbound: { intervalSeconds: 1, composing: false, warmUpDays: 0, failuresBeforeStop: 5 },
    },
  });
  const contact = h.server.addContact({ number: '15550000033', pushName: 'Dan' });
  try {
    await h.keeper.start();
    await h.pair();
    contact.refuseWith = '463';
    const refused = await h.keeper.sendText('default', `+${contact.number}`, 'hello');
    const stopped = await h.waitForStatus('default', (s) => (s.outboundStop ?? null) !== null, 15_000);
    assert.match(stopped.outboundStop?.reason ?? '', /restricted this account from reaching out \(error 463\)/);
    const record = h.keeper.outbound.get('default', refused.id);
    assert.equal(record?.state, 'failed');
    assert.match(record?.reason ?? '', /error 463/);
    assert.equal(contact.inbox.length, 0);
  } finally {
    await h.close();
  }
});

test('real Baileys: with composing on, the contact\'s chat gets "typing…" first and the text after the composing time', async () => {
  const now = Date.now();
  const h = await startHarness({
    keeper: {
      keepAlive: { timeZone: 'UTC', sleepWindow: { start: hhmm(now + 6 * 3_600_000), end: hhmm(now + 7 * 3_600_000) }, reducedWindows: [] },
      outbound: { composing: true, composingMsPerChar: 100, composingMaxSeconds: 5, warmUpDays: 0 },
    },
  });
  const contact = h.server.addContact({ number: '15550000032', pushName: 'Carol' });
  try {
    await h.keeper.start();
    await h.pair();
    const text = 'twenty characters!!!';
    const rec = await h.keeper.sendText('default', contact.number, text);
    const inbound = await contact.waitForInbound(1, 15_000);
    assert.equal(inbound.text, text);
    const decided = h.logs.find((e) => e.event === 'outbound.send' && e.data?.id === rec.id);
    assert.equal(decided?.data?.composingMs, 2000);
    assert.ok(inbound.at - (decided?.at ?? 0) >= 2000, `typing for ${inbound.at - (decided?.at ?? 0)} ms before the text`);
    const conn = h.server.connections.find((c) => c.state === 'logged-in' && c.closedAt === undefined);
    const states = (conn?.received ?? []).filter((n) => n.tag === 'chatstate' && n.attrs.to === contact.jid);
    assert.ok(states.some((n) => Array.isArray(n.content) && n.content.some((c) => c.tag === 'composing')), 'a composing chatstate went to the contact');
  } finally {
    await h.close();
  }
});
