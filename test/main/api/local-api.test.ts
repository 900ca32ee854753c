import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_BODY_BYTES } from '../../../main/api/app.js';
import { NOON_TODAY, rawRequest, readSse, startApiUnderTest, TEST_TOKEN } from '../../support/api-under-test.js';

test('a request without the token, or with a wrong one, is refused with 401 and a JSON error', async () => {
  const t = await startApiUnderTest();
  try {
    for (const token of [null, 'wrong-token', `${TEST_TOKEN}x`, TEST_TOKEN.slice(0, -1)]) {
      const res = await t.call('/v1/phones', { token });
      assert.equal(res.status, 401, `token ${String(token)}`);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'unauthorized');
      assert.match(body.error.message, /Bearer/);
    }
    assert.equal((await t.call('/v1/phones')).status, 200);
  } finally {
    await t.close();
  }
});

test('a Host that is not a loopback name is refused with 403 even with the right token (DNS rebinding)', async () => {
  const t = await startApiUnderTest();
  try {
    const auth = { authorization: `Bearer ${TEST_TOKEN}` };
    for (const host of ['evil.example', `evil.example:${t.api.port}`, '192.168.1.5', 'localhost.evil.example']) {
      const res = await rawRequest(`${t.api.url}/v1/phones`, { headers: { ...auth, host } });
      assert.equal(res.status, 403, host);
      assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, 'forbidden-host');
    }
    for (const host of [`localhost:${t.api.port}`, `127.0.0.1:${t.api.port}`, `[::1]:${t.api.port}`]) {
      assert.equal((await rawRequest(`${t.api.url}/v1/phones`, { headers: { ...auth, host } })).status, 200, host);
    }
  } finally {
    await t.close();
  }
});

test('a body over the limit is refused with 413 before it is parsed, and no CORS header is ever sent', async () => {
  const t = await startApiUnderTest();
  try {
    const big = JSON.stringify({ to: '15551230001', text: 'x'.repeat(MAX_BODY_BYTES + 10) });
    const res = await t.call('/v1/phones/default/messages', { method: 'POST', body: big, headers: { origin: 'http://evil.example' } });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'body-too-large');
    assert.equal(t.port.sends.length, 0);
    const pre = await t.call('/v1/phones', { method: 'OPTIONS', token: null, headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' } });
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
    const ok = await t.call('/v1/phones', { headers: { origin: 'http://evil.example' } });
    assert.equal(ok.headers.get('access-control-allow-origin'), null);
  } finally {
    await t.close();
  }
});

test('GET /v1/phones and /v1/phones/{id} answer with the keeper\'s own status objects; an unknown phone is a 404', async () => {
  const t = await startApiUnderTest({ phones: ['default', 'work'] });
  try {
    const list = (await (await t.call('/v1/phones')).json()) as { phones: { phoneId: string; state: string; updatedAt: number }[] };
    assert.deepEqual(list.phones.map((p) => p.phoneId), ['default', 'work']);
    const one = (await (await t.call('/v1/phones/work')).json()) as Record<string, unknown>;
    const { updatedAt: _a, ...fromApi } = one;
    const { updatedAt: _b, ...fromKeeper } = t.keeper.status('work');
    assert.deepEqual(fromApi, JSON.parse(JSON.stringify(fromKeeper)));
    const missing = await t.call('/v1/phones/nope');
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'unknown-phone');
  } finally {
    await t.close();
  }
});

test('a send is accepted with 202, goes out once through the gate, and its record is readable with times', async () => {
  const t = await startApiUnderTest();
  try {
    const res = await t.call('/v1/phones/default/messages', { method: 'POST', body: JSON.stringify({ to: '+15551230001', text: 'hello bot', idempotencyKey: 'k1' }) });
    assert.equal(res.status, 202);
    const accepted = (await res.json()) as { id: string; state: string };
    // the real gate answers once the message is journaled, before its pump sends it
    assert.equal(accepted.state, 'queued');
    assert.equal(res.headers.get('location'), `/v1/phones/default/messages/${accepted.id}`);
    await t.outbound.settled();
    assert.equal(t.outbound.get('default', accepted.id)?.state, 'sent');
    assert.deepEqual(t.port.sends.map((m) => [m.jid, m.text]), [['15551230001@s.whatsapp.net', 'hello bot']]);
    // the same idempotency key: the same message back, no second send
    const again = (await (await t.call('/v1/phones/default/messages', { method: 'POST', body: JSON.stringify({ to: '+15551230001', text: 'hello bot', idempotencyKey: 'k1' }) })).json()) as { id: string };
    assert.equal(again.id, accepted.id);
    assert.equal(t.port.sends.length, 1);
    const sent = t.port.sends[0]!;
    t.port.receipt('default', sent.waId, 'delivered');
    await t.outbound.settled();
    const record = (await (await t.call(`/v1/phones/default/messages/${accepted.id}`)).json()) as { state: string; times: Record<string, number>; reason: string | null };
    assert.equal(record.state, 'delivered');
    assert.ok(record.times.queued && record.times.sent && record.times.delivered);
    assert.equal(record.reason, null);
    assert.equal((await t.call('/v1/phones/default/messages/msg_999')).status, 404);
  } finally {
    await t.close();
  }
});

test('a held send answers 202 queued and its record says why; a number not on WhatsApp is a clear 422', async () => {
  // 02:00 UTC: inside the gate's sleep window (23:00–07:00 UTC), so the real gate holds the send
  const t = await startApiUnderTest({ clockStart: NOON_TODAY - 10 * 60 * 60 * 1000 });
  try {
    const res = await t.call('/v1/phones/default/messages', { method: 'POST', body: JSON.stringify({ to: '15551230002', text: 'later' }) });
    assert.equal(res.status, 202);
    const { id, state } = (await res.json()) as { id: string; state: string };
    assert.equal(state, 'queued');
    await t.outbound.settled();
    const record = (await (await t.call(`/v1/phones/default/messages/${id}`)).json()) as { state: string; reason: string };
    assert.equal(record.state, 'queued');
    assert.match(record.reason, /^Held: no messages inside the sleep window 23:00.07:00 \(UTC\); goes out after .*07:00/);
    assert.equal(t.port.sends.length, 0);

    const refused = await t.call('/v1/phones/default/messages', { method: 'POST', body: JSON.stringify({ to: '15559999999', text: 'hi' }) });
    assert.equal(refused.status, 422);
    const err = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(err.error.code, 'not-on-whatsapp');
    assert.match(err.error.message, /15559999999 is not on WhatsApp/);
  } finally {
    await t.close();
  }
});

test('a malformed send is a 400 naming the field; an unknown phone is a 404 and nothing is sent', async () => {
  const t = await startApiUnderTest();
  try {
    const noText = await t.call('/v1/phones/default/messages', { method: 'POST', body: JSON.stringify({ to: '15551230001' }) });
    assert.equal(noText.status, 400);
    const e = (await noText.json()) as { error: { code: string; message: string } };
    assert.equal(e.error.code, 'invalid-request');
    assert.match(e.error.message, /text/);
    const notJson = await t.call('/v1/phones/default/messages', { method: 'POST', body: '{"to":', headers: { 'content-type': 'application/json' } });
    assert.equal(notJson.status, 400);
    assert.equal(((await notJson.json()) as { error: { code: string } }).error.code, 'invalid-request');
    const unknown = await t.call('/v1/phones/ghost/messages', { method: 'POST', body: JSON.stringify({ to: '15551230001', text: 'hi' }) });
    assert.equal(unknown.status, 404);
    assert.equal(t.port.sends.length, 0);
  } finally {
    await t.close();
  }
});

test('an incoming message reaches the SSE stream and the inbox; Last-Event-ID resumes with what was missed', async () => {
  const t = await startApiUnderTest();
  try {
    const stream = await t.call('/v1/events');
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reading = readSse(stream, 2);
    t.port.receive('default', '15551230001', 'first');
    t.port.receive('default', '15551230001', 'second');
    const got = await reading;
    assert.deepEqual(got.map((m) => m.event), ['message.received', 'message.received']);
    const first = JSON.parse(got[0]!.data) as { id: string; data: { cursor: string; message: { text: string } } };
    assert.equal(first.id, got[0]!.id);
    assert.equal(first.data.message.text, 'first');

    // away after the first: the third arrives while no one listens
    t.port.receive('default', '15551230001', 'third');
    const resumed = await readSse(await t.call('/v1/events', { headers: { 'last-event-id': got[0]!.id } }), 2);
    assert.deepEqual(resumed.map((m) => (JSON.parse(m.data) as { data: { message: { text: string } } }).data.message.text), ['second', 'third']);

    // the inbox pages by cursor
    const all = (await (await t.call('/v1/phones/default/inbox')).json()) as { messages: { cursor: string; eventId: string; message: { text: string } }[]; next: string };
    assert.deepEqual(all.messages.map((m) => m.message.text), ['first', 'second', 'third']);
    assert.equal(all.messages[0]!.eventId, first.id, 'the inbox entry names the event that announced it');
    const after = (await (await t.call(`/v1/phones/default/inbox?after=${all.messages[0]!.cursor}&limit=1`)).json()) as { messages: { message: { text: string } }[]; next: string };
    assert.deepEqual(after.messages.map((m) => m.message.text), ['second']);
    const end = (await (await t.call(`/v1/phones/default/inbox?after=${all.next}`)).json()) as { messages: unknown[]; next: string };
    assert.deepEqual(end, { messages: [], next: all.next, missed: false });
  } finally {
    await t.close();
  }
});

test('the inbox and the event ids survive a restart: a bot that was down catches up', async () => {
  const t = await startApiUnderTest();
  try {
    t.port.receive('default', '15551230001', 'before');
    const before = (await (await t.call('/v1/phones/default/inbox')).json()) as { next: string; messages: { eventId: string }[] };
    await t.stop();
    await t.restart();
    t.port.receive('default', '15551230001', 'after');
    const page = (await (await t.call(`/v1/phones/default/inbox?after=${before.next}`)).json()) as { messages: { eventId: string; message: { text: string } }[] };
    assert.deepEqual(page.messages.map((m) => m.message.text), ['after']);
    assert.ok(Number(page.messages[0]!.eventId) > Number(before.messages[0]!.eventId), 'event ids keep increasing across restarts');
    const resumed = await readSse(await t.call('/v1/events', { headers: { 'last-event-id': before.messages[0]!.eventId } }), 1);
    assert.equal((JSON.parse(resumed[0]!.data) as { data: { message: { text: string } } }).data.message.text, 'after');
  } finally {
    await t.close();
  }
});

test('message.status events carry the gate\'s record as it moves from queued to sent to read', async () => {
  const t = await startApiUnderTest();
  try {
    const reading = readSse(await t.call('/v1/events'), 3);
    const { id } = (await (await t.call('/v1/phones/default/messages', { method: 'POST', body: JSON.stringify({ to: '15551230001', text: 'x' }) })).json()) as { id: string };
    await t.outbound.settled();
    const sent = t.port.sends[0]!;
    t.port.receipt('default', sent.waId, 'read');
    const events = (await reading).map((m) => JSON.parse(m.data) as { type: string; data: { id: string; state: string } });
    assert.deepEqual(events.map((e) => [e.type, e.data.id, e.data.state]), [
      ['message.status', id, 'queued'],
      ['message.status', id, 'sent'],
      ['message.status', id, 'read'],
    ]);
  } finally {
    await t.close();
  }
});

test('the OpenAPI document is valid OpenAPI 3.1 and lists every route the server answers', async () => {
  const t = await startApiUnderTest();
  try {
    const res = await t.call('/v1/openapi.json');
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.components.schemas.Event, 'the event shape (SSE data, webhook body) is documented');
    const statusEvent = doc.components.schemas.PhoneStatusEvent as { properties: Record<string, unknown>; required: string[] } | undefined;
    assert.ok(statusEvent?.required.includes('qrWaiting'), 'phone.status events document whether a QR waits…');
    assert.ok(statusEvent && !('qr' in statusEvent.properties), '…and carry no QR string');
    const result = await new Validator().validate(doc as Parameters<Validator['validate']>[0]);
    assert.equal(result.valid, true, JSON.stringify(result.errors));
    const { createApiApp } = await import('../../../main/api/app.js');
    const app = createApiApp({ token: () => TEST_TOKEN, keeper: t.keeper, outbound: t.outbound, events: t.api.events });
    const registered = app.routes
      .filter((r) => r.method !== 'ALL' && r.path !== '/v1/openapi.json')
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    assert.ok(registered.length >= 11);
    assert.deepEqual([...new Set(registered)].sort(), documented.sort());
  } finally {
    await t.close();
  }
});

test('the inbox keeps a message for the keep period, then prunes it at start and while running; cursors never repeat', async () => {
  const DAY = 24 * 60 * 60 * 1000;
  let shift = 0;
  const now = () => Date.now() + shift;
  const t = await startApiUnderTest({ inboxKeepDays: 2, now });
  type Page = { messages: { cursor: string; message: { text: string } }[]; next: string; missed: boolean };
  const inbox = async (after?: string) => (await (await t.call(`/v1/phones/default/inbox${after ? `?after=${after}` : ''}`)).json()) as Page;
  const texts = (p: Page) => p.messages.map((m) => [m.cursor, m.message.text]);
  const file = join(t.dir, 'api', 'inbox', 'default.jsonl');
  try {
    t.port.receive('default', '15551230001', 'old-1');
    t.port.receive('default', '15551230001', 'old-2');
    shift = 1.5 * DAY;
    t.port.receive('default', '15551230001', 'young');
    shift = 2.5 * DAY; // old-1 and old-2 are past the 2 days; young is 1 day old
    await t.stop();
    await t.restart();
    assert.deepEqual(texts(await inbox()), [['3', 'young']], 'pruned at start; the young one stays');
    const behind = await inbox('1');
    assert.deepEqual(texts(behind), [['3', 'young']], 'a bot behind the pruned ones gets what is left');
    assert.equal(behind.missed, true, '…and is told that old-2 is gone');
    assert.equal((await inbox('2')).missed, false, 'a bot that read old-2 missed nothing');
    assert.equal((await inbox()).missed, false, 'no cursor: from the oldest kept, nothing to miss');
    const onDisk = await readFile(file, 'utf8');
    assert.ok(!onDisk.includes('old-1') && !onDisk.includes('old-2') && onDisk.includes('young'), 'the file lost the old messages');
    t.port.receive('default', '15551230001', 'new');
    assert.deepEqual(texts(await inbox('3')), [['4', 'new']], 'the cursors go on after a prune');

    // an always-on machine: pruned while running, without a restart
    await t.stop();
    await t.restart({ inboxPruneEveryMs: 50 });
    assert.deepEqual(texts(await inbox()).map(([, text]) => text), ['young', 'new'], 'nothing younger than 2 days is dropped');
    shift = 4 * DAY; // young is 2.5 days old, new 1.5 days
    const deadline = Date.now() + 5000;
    while ((await inbox()).messages.length !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(texts(await inbox()), [['4', 'new']]);

    // everything pruned: the next message still gets a new cursor, after a restart too
    shift = 10 * DAY;
    await t.stop();
    await t.restart();
    assert.deepEqual(await inbox(), { messages: [], next: '4', missed: false }, 'an empty inbox answers the last cursor given');
    assert.equal((await inbox('3')).missed, true, 'the bot that had read up to 3 learns that 4 was pruned');
    assert.equal((await inbox('4')).missed, false);
    t.port.receive('default', '15551230001', 'later');
    assert.deepEqual(texts(await inbox('4')), [['5', 'later']]);
  } finally {
    await t.close();
  }
});
