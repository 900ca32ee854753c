// The phone routes against a real keeper (real Baileys and the WA test server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { startLocalApi } from '../../../main/api/local-api.js';
import { PhoneStatusSchema, UptimeReportSchema } from '../../../main/api/schemas.js';
import { startHarness } from '../../support/keeper-harness.js';
import { decodePng } from '../../support/png.js';
import { collectSse, TEST_TOKEN } from '../../support/api-under-test.js';

// jsqr is CommonJS built from ES modules: under NodeNext its default export is the namespace.
const jsQR = (jsQRModule as unknown as { default: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null }).default;

test('a headless machine links over the API: the QR as PNG and text, phone.status, keep-alive, backup and reconnect with their events', async () => {
  // the real clock: the sleep window is put hours away from now, so the forced pulse below goes
  // out as a manual one at any time of day (the default 01:00-06:00 UTC window made it 'forced' then)
  const hour = (from: number) => `${String((new Date().getUTCHours() + from) % 24).padStart(2, '0')}:00`;
  const h = await startHarness({ keeper: { keepAlive: { holdSeconds: 0, timeZone: 'UTC', sleepWindow: { start: hour(6), end: hour(8) }, reducedWindows: [] } } });
  const dir = await mkdtemp(join(tmpdir(), 'keeper-api-real-'));
  const api = await startLocalApi({ port: 0, token: () => TEST_TOKEN, dir, keeper: h.keeper, messaging: null, outbound: null });
  const call = (path: string, method = 'GET') => fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  const sse = collectSse(await call('/v1/events'));
  try {
    await h.keeper.start();
    const waiting = await h.waitForStatus('default', (s) => s.state === 'waiting-for-scan' && s.qr !== null);
    const raw = await call('/v1/phones/default/qr?format=raw');
    assert.equal(raw.status, 200);
    assert.match(raw.headers.get('content-type') ?? '', /^text\/plain/);
    const qrText = await raw.text();
    assert.equal(qrText, (await (await call('/v1/phones/default')).json() as { qr: string }).qr);
    const png = await call('/v1/phones/default/qr');
    assert.equal(png.headers.get('content-type'), 'image/png');
    const image = decodePng(Buffer.from(await png.arrayBuffer()));
    const decoded = jsQR(new Uint8ClampedArray(image.rgba), image.width, image.height);
    assert.equal(decoded?.data, qrText, 'the PNG holds the very QR string');
    assert.ok(waiting.qr);
    const qrEvent = await sse.waitFor((e) => e.type === 'phone.status' && e.data.state === 'waiting-for-scan');
    assert.equal(qrEvent.data.qrWaiting, true, 'the event says a QR waits…');
    assert.ok(!JSON.stringify(qrEvent).includes(qrText), '…without carrying it: the QR is fetched from /qr');

    await h.server.phone.scan(qrText);
    await sse.waitFor((e) => e.type === 'phone.status' && e.data.state === 'open');
    assert.equal((await call('/v1/phones/default/qr')).status, 409, 'no QR once linked');

    const pulse = await call('/v1/phones/default/keepalive?force=true', 'POST');
    assert.equal(pulse.status, 200);
    const sent = (await pulse.json()) as { sentAt: number };
    assert.ok(sent.sentAt > 0);
    const kaEvent = await sse.waitFor((e) => e.type === 'keepalive.sent');
    assert.equal(kaEvent.phoneId, 'default');
    assert.equal(kaEvent.data.trigger, 'manual');

    const backup = await call('/v1/phones/default/backup?force=true', 'POST');
    assert.equal(backup.status, 200);
    const b = (await backup.json()) as { outcome: string; generation: string | null };
    assert.equal(b.outcome, 'uploaded');
    await sse.waitFor((e) => e.type === 'backup.done' && e.data.generation === b.generation && e.data.outcome === 'uploaded');

    const before = h.server.connections.length;
    const rc = await call('/v1/phones/default/reconnect', 'POST');
    assert.equal(rc.status, 202);
    await h.waitForStatus('default', (s) => s.state === 'open');
    assert.ok(h.server.connections.length > before, 'a new connection was made');
    assert.equal((await call('/v1/phones/ghost/keepalive', 'POST')).status, 404);

    // the status on the wire is exactly the documented one: a field the schema lacks fails here
    const status = await (await call('/v1/phones/default')).json();
    assert.deepEqual(PhoneStatusSchema.strict().parse(status), status);

    // the uptime of the same phone, as the window and `headless uptime` compute it
    const up = await call('/v1/phones/default/uptime?days=7');
    assert.equal(up.status, 200);
    const report = UptimeReportSchema.strict().parse(await up.json());
    assert.equal(report.phoneId, 'default');
    assert.equal(report.days.length, 7);
    const today = report.days.at(-1);
    assert.ok(today && today.open > 0, 'the linked minutes count as open today');
    assert.ok(today.pulses >= 1 && today.backups >= 1, 'the keep-alive and backup above are marked on today');
    const direct = await h.keeper.uptime('default', { days: 7, now: report.now });
    assert.deepEqual(report.percent, direct.percent, 'the route answers what the keeper computes');
    assert.equal((await call('/v1/phones/default/uptime?days=99')).status, 400);
    assert.equal((await call('/v1/phones/ghost/uptime')).status, 404);
    // no messaging in this process: sending says so instead of pretending
    const send = await fetch(`${api.url}/v1/phones/default/messages`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ to: '15551230001', text: 'hi' }) });
    assert.equal(send.status, 503);
  } finally {
    await sse.close();
    await api.close();
    await h.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a contact writes (real Signal session): the SSE stream, the inbox and a signed webhook all carry it, with one event id', async () => {
  const h = await startHarness();
  const contact = h.server.addContact({ number: '15550000002', pushName: 'Alice' });
  const dir = await mkdtemp(join(tmpdir(), 'keeper-api-contact-'));
  const got: { sig: string; body: string }[] = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ sig: String(req.headers['x-session-keeper-signature']), body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/in`;
  const api = await startLocalApi({ port: 0, token: () => TEST_TOKEN, dir, keeper: h.keeper, messaging: h.keeper.messaging, outbound: null, webhooks: [{ id: 'bot', url: hookUrl, secret: 'hook-secret' }] });
  const call = (path: string) => fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  const sse = collectSse(await call('/v1/events'));
  try {
    await h.keeper.start();
    await h.pair();
    const waId = await contact.send('hello from Alice');
    const event = await sse.waitFor((e) => e.type === 'message.received');
    const message = event.data.message as { waId: string; text: string; chatJid: string; pushName: string };
    assert.deepEqual([message.waId, message.text, message.chatJid, message.pushName], [waId, 'hello from Alice', contact.jid, 'Alice']);

    const inbox = (await (await call('/v1/phones/default/inbox')).json()) as { messages: { eventId: string; message: { text: string } }[] };
    assert.deepEqual(inbox.messages.map((m) => [m.eventId, m.message.text]), [[event.id, 'hello from Alice']]);

    const deadline = Date.now() + 10_000;
    let delivered: { sig: string; body: string } | undefined;
    while (!(delivered = got.find((d) => (JSON.parse(d.body) as { type: string }).type === 'message.received')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(delivered, 'the webhook got the message');
    assert.equal(delivered.sig, `sha256=${createHmac('sha256', 'hook-secret').update(delivered.body).digest('hex')}`);
    assert.equal((JSON.parse(delivered.body) as { id: string }).id, event.id, 'the same event id on every channel');
  } finally {
    await sse.close();
    await api.close();
    await h.close();
    hook.closeAllConnections();
    await new Promise<void>((r) => hook.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  }
});

test('a bot sends over HTTP through the real gate: the contact reads the plaintext, and the record reaches read', async () => {
  // composing off, and a time zone where it is about noon now: no "typing…" pause, no sleep-window hold
  const h = await startHarness({ keeper: { keepAlive: { timeZone: zoneWhereItIsNoon() }, outbound: { composing: false } } });
  const contact = h.server.addContact({ number: '15550000002', pushName: 'Alice' });
  const dir = await mkdtemp(join(tmpdir(), 'keeper-api-send-'));
  const api = await startLocalApi({ port: 0, token: () => TEST_TOKEN, dir, keeper: h.keeper, messaging: h.keeper.messaging, outbound: h.keeper.outbound });
  const auth = { authorization: `Bearer ${TEST_TOKEN}` };
  try {
    await h.keeper.start();
    await h.pair();
    const res = await fetch(`${api.url}/v1/phones/default/messages`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ to: '+15550000002', text: 'hello Alice, from a bot' }) });
    assert.equal(res.status, 202);
    const { id, state } = (await res.json()) as { id: string; state: string };
    assert.ok(['queued', 'sent'].includes(state), state);
    await contact.waitForInbound(1);
    assert.deepEqual(contact.inbox.map((m) => m.text), ['hello Alice, from a bot']);
    const deadline = Date.now() + 10_000;
    type Record_ = { state: string; times: Record<string, number>; jid: string };
    let record: Record_ | null = null;
    while (Date.now() < deadline) {
      record = (await (await fetch(`${api.url}/v1/phones/default/messages/${id}`, { headers: auth })).json()) as Record_;
      if (record?.state === 'read') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(record?.state, 'read');
    assert.equal(record?.jid, contact.jid);
    assert.ok(record?.times.sent, 'the time it went out is kept');

    const refused = await fetch(`${api.url}/v1/phones/default/messages`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ to: '15559999999', text: 'nobody' }) });
    assert.equal(refused.status, 422, 'a number with no WhatsApp is refused by the real gate too');
  } finally {
    await api.close();
    await h.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/** An Etc/GMT zone whose local time is now between 11:00 and 13:00 (far from the default sleep window). */
function zoneWhereItIsNoon(): string {
  let offset = 12 - new Date().getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  // Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}
