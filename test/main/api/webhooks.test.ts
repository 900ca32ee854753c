import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { DEAD_LETTER_FILE, retryDelay } from '../../../main/api/webhooks.js';
import { PhoneStatusEventSchema } from '../../../main/api/schemas.js';
import { collectSse, startApiUnderTest } from '../../support/api-under-test.js';

interface Delivery {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A webhook receiver whose answer the test chooses per request ('hang' never answers). */
async function receiver(answer: (n: number) => number | 'hang'): Promise<{ url: string; got: Delivery[]; wait(n: number, ms?: number): Promise<void>; close(): Promise<void> }> {
  const got: Delivery[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      for (const w of waiters.splice(0)) w();
      const a = answer(got.length);
      if (a === 'hang') return;
      res.writeHead(a).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    async wait(n, ms = 5000) {
      const deadline = Date.now() + ms;
      while (got.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${got.length} of ${n} deliveries arrived`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

test('each webhook gets every event signed with its own secret over the raw body, with the event id to de-duplicate on', async () => {
  const a = await receiver(() => 204);
  const b = await receiver(() => 200);
  const t = await startApiUnderTest({ webhooks: [{ id: 'a', url: a.url, secret: 'secret-a' }, { id: 'b', url: b.url, secret: 'secret-b' }] });
  try {
    t.port.receive('default', '15551230001', 'hello hook');
    await a.wait(1);
    await b.wait(1);
    for (const [r, secret] of [[a, 'secret-a'], [b, 'secret-b']] as const) {
      const d = r.got[0]!;
      assert.equal(d.headers['x-session-keeper-signature'], sign(secret, d.body));
      const event = JSON.parse(d.body) as { id: string; type: string; data: { message: { text: string } } };
      assert.equal(event.type, 'message.received');
      assert.equal(event.data.message.text, 'hello hook');
      assert.equal(d.headers['x-session-keeper-event-id'], event.id);
      assert.equal(d.headers['x-session-keeper-event'], 'message.received');
    }
    assert.notEqual(a.got[0]!.headers['x-session-keeper-signature'], b.got[0]!.headers['x-session-keeper-signature']);
    type Hooks = { webhooks: { id: string; pending: number; lastDelivery: { ok: boolean; status: number } | null }[] };
    await waitFor(async () => ((await (await t.call('/v1/webhooks')).json()) as Hooks).webhooks.every((h) => h.lastDelivery?.ok === true));
    const after = (await (await t.call('/v1/webhooks')).json()) as Hooks;
    assert.deepEqual(after.webhooks.map((h) => [h.id, h.pending, h.lastDelivery?.status]), [['a', 0, 204], ['b', 0, 200]]);
    assert.ok(!JSON.stringify(after).includes('secret-a'), 'the list never shows a secret');
  } finally {
    await t.close();
    await a.close();
    await b.close();
  }
});

test('a failing receiver is retried with growing delays, in order, until it accepts', async () => {
  const r = await receiver((n) => (n <= 3 ? 503 : 200));
  const t = await startApiUnderTest({ webhooks: [{ id: 'bot', url: r.url, secret: 's' }], webhookOptions: { retryBaseMs: 40, retryMaxMs: 1000 } });
  try {
    t.port.receive('default', '15551230001', 'one');
    t.port.receive('default', '15551230001', 'two');
    await r.wait(5);
    const texts = r.got.map((d) => (JSON.parse(d.body) as { data: { message: { text: string } } }).data.message.text);
    assert.deepEqual(texts, ['one', 'one', 'one', 'one', 'two'], 'the first event is retried before the second goes');
    assert.deepEqual(r.got.map((d) => d.headers['x-session-keeper-delivery-attempt']), ['1', '2', '3', '4', '1']);
    assert.deepEqual([1, 2, 3, 4, 10].map((n) => retryDelay(n, 40, 1000)), [40, 80, 160, 320, 1000]);
  } finally {
    await t.close();
    await r.close();
  }
});

test('after the last attempt an event goes to the dead-letter list and the next one is delivered', async () => {
  const r = await receiver((n) => (n <= 3 ? 500 : 200));
  const t = await startApiUnderTest({ webhooks: [{ id: 'bot', url: r.url, secret: 's' }], webhookOptions: { retryBaseMs: 10, retryMaxMs: 20, maxAttempts: 3 } });
  try {
    t.port.receive('default', '15551230001', 'doomed');
    t.port.receive('default', '15551230001', 'fine');
    await r.wait(4);
    const dead = (await readFile(join(t.dir, 'api', 'webhooks', DEAD_LETTER_FILE), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { event: { data: { message: { text: string } } }; attempts: number; error: string });
    assert.equal(dead.length, 1);
    assert.equal(dead[0]!.event.data.message.text, 'doomed');
    assert.equal(dead[0]!.attempts, 3);
    assert.equal(dead[0]!.error, 'HTTP 500');
    await waitFor(async () => ((await (await t.call('/v1/webhooks')).json()) as { webhooks: { pending: number }[] }).webhooks[0]!.pending === 0);
    const view = ((await (await t.call('/v1/webhooks')).json()) as { webhooks: { deadLetters: number; lastDelivery: { ok: boolean } }[] }).webhooks[0]!;
    assert.equal(view.deadLetters, 1);
    assert.equal(view.lastDelivery.ok, true);
  } finally {
    await t.close();
    await r.close();
  }
});

test('an event SIGKILLed between receipt and delivery is delivered after a restart, with the same event id', async () => {
  let accept = false;
  const r = await receiver(() => (accept ? 200 : 'hang'));
  const dir = await mkdtemp(join(tmpdir(), 'keeper-webhook-kill-'));
  const child = fileURLToPath(new URL('../../support/api-webhook-child.js', import.meta.url));
  const run = (): { proc: ChildProcess; lines: AsyncIterator<string> } => {
    const proc = spawn(process.execPath, [child, dir, r.url, 'kill-secret'], { stdio: ['pipe', 'pipe', 'inherit'] });
    return { proc, lines: createInterface({ input: proc.stdout! })[Symbol.asyncIterator]() };
  };
  const next = async (lines: AsyncIterator<string>, prefix: string) => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error(`child ended before "${prefix}"`);
      if (value.startsWith(prefix)) return value.slice(prefix.length).trim();
    }
  };
  try {
    const first = run();
    await next(first.lines, 'ready');
    first.proc.stdin!.write('receive survive the crash\n');
    const eventId = await next(first.lines, 'queued');
    await r.wait(1); // the delivery is in flight: the receiver holds it without answering
    const exited = new Promise((res) => first.proc.once('exit', res));
    first.proc.kill('SIGKILL');
    await exited;

    accept = true;
    const second = run();
    await next(second.lines, 'ready');
    await r.wait(2);
    const redelivered = r.got[1]!;
    assert.equal(redelivered.headers['x-session-keeper-event-id'], eventId);
    assert.equal(redelivered.headers['x-session-keeper-signature'], sign('kill-secret', redelivered.body));
    assert.equal((JSON.parse(redelivered.body) as { data: { message: { text: string } } }).data.message.text, 'survive the crash');
    assert.equal(redelivered.body, r.got[0]!.body, 'the very same event, byte for byte');
    second.proc.kill('SIGKILL');
  } finally {
    await r.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a phone.status event says a QR or a pairing code is waiting but never carries either: not on the stream, not to a webhook, not on disk', async () => {
  // the receiver holds the delivery unanswered, so the event also waits in the outbox file
  const r = await receiver(() => 'hang');
  const t = await startApiUnderTest({ webhooks: [{ id: 'bot', url: r.url, secret: 's' }] });
  const sse = collectSse(await t.call('/v1/events'));
  const QR = '2@secret-link-ref,pubkey-material,identity,adv-secret';
  const CODE = 'QX7KZ9WM';
  try {
    t.keeper.emit('status', { ...t.keeper.status('default'), state: 'waiting-for-scan', qr: QR, qrExpiresAt: Date.now() + 60_000, pairingCode: { code: CODE, expiresAt: Date.now() + 60_000 } });
    const streamed = await sse.waitFor((e) => e.type === 'phone.status');
    assert.equal(streamed.data.qrWaiting, true);
    assert.equal(streamed.data.pairingCodeWaiting, true);
    assert.ok(!('qr' in streamed.data) && !('pairingCode' in streamed.data), 'no qr or pairingCode field on the stream');
    assert.deepEqual(PhoneStatusEventSchema.strict().parse(streamed.data), streamed.data, 'exactly the documented event shape');
    await r.wait(1);
    const hooked = JSON.parse(r.got[0]!.body) as { type: string; data: Record<string, unknown> };
    assert.equal(hooked.type, 'phone.status');
    assert.equal(hooked.data.qrWaiting, true);
    assert.ok(!r.got[0]!.body.includes(QR) && !r.got[0]!.body.includes(CODE), 'the webhook body has no QR string and no code');
    const files = (await readdir(join(t.dir, 'api'), { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
    assert.ok(files.some((f) => f.name === 'events.jsonl') && files.some((f) => f.name === 'outbox.jsonl'), 'the journal and the outbox were written');
    for (const f of files) {
      const text = await readFile(join(f.parentPath, f.name), 'utf8');
      assert.ok(!text.includes(QR) && !text.includes(CODE), `${f.name} holds no QR string and no code`);
    }

    t.keeper.emit('status', { ...t.keeper.status('default'), state: 'open', qr: null, qrExpiresAt: null, pairingCode: null });
    const open = await sse.waitFor((e) => e.type === 'phone.status' && e.data.state === 'open');
    assert.deepEqual([open.data.qrWaiting, open.data.pairingCodeWaiting], [false, false]);
  } finally {
    await sse.close();
    await t.close();
    await r.close();
  }
});

async function waitFor(pred: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
