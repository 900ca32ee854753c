import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../main/engine/clock.js';
import { errorCode, KeeperError } from '../../../../main/engine/errors.js';
import { OutboundQueue } from '../../../../main/engine/messaging/outbound-queue.js';
import { JOURNAL_FILE } from '../../../../main/engine/messaging/outbound-journal.js';
import type { MessageRecord } from '../../../../main/engine/messaging/types.js';
import { parseKeepAliveSettings, parseOutboundSettings, type KeepAliveSettingsInput, type OutboundSettingsInput } from '../../../../main/engine/settings-schema.js';
import type { LogEntry } from '../../../../main/engine/types.js';
import { FakeMessagingPort } from '../../../support/fake-messaging-port.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOON = Date.UTC(2027, 2, 10, 12);
const NUMBERS = Array.from({ length: 40 }, (_, i) => `4915550000${String(i).padStart(2, '0')}`);

interface Rig {
  dir: string;
  clock: ManualClock;
  port: FakeMessagingPort;
  queue: OutboundQueue;
  logs: LogEntry[];
  /** runs the clock forward in steps, letting the queue finish its disk work after each */
  run(ms: number, step?: number): Promise<void>;
  restart(over?: { outbound?: OutboundSettingsInput; port?: FakeMessagingPort }): Promise<void>;
  close(): Promise<void>;
}

interface RigOptions {
  outbound?: OutboundSettingsInput;
  keepAlive?: KeepAliveSettingsInput;
  start?: number;
  pairedAt?: number | null;
  phones?: string[];
  dir?: string;
  /** called after each log line, with the clock (to let time pass where the queue logs) */
  onLog?: (event: string, clock: ManualClock) => void;
}

async function rig(o: RigOptions = {}): Promise<Rig> {
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), 'outbound-')));
  const clock = new ManualClock(o.start ?? NOON);
  const phones = o.phones ?? ['p1'];
  const logs: LogEntry[] = [];
  const keepAlive = parseKeepAliveSettings({ timeZone: 'UTC', ...o.keepAlive });
  if (!keepAlive.ok) throw new Error('keepAlive');
  const make = (outboundInput: OutboundSettingsInput, port: FakeMessagingPort) => {
    const outbound = parseOutboundSettings({ composing: false, warmUpDays: 0, newChatsPerDay: 1000, chatGapSeconds: 0, ...outboundInput });
    if (!outbound.ok) throw new Error(JSON.stringify(outbound.problems));
    return new OutboundQueue({
      stateDir: (id) => join(dir, 'state', id),
      phoneIds: phones,
      port,
      outbound: outbound.settings,
      keepAlive: keepAlive.settings,
      clock,
      pairedAt: () => o.pairedAt ?? null,
      log: (phoneId, level, event, message, data) => {
        logs.push({ at: clock.now(), phoneId, level, event, message, ...(data ? { data } : {}) });
        o.onLog?.(event, clock);
      },
    });
  };
  const newPort = () => new FakeMessagingPort({ phoneIds: phones, onWhatsApp: NUMBERS, now: () => clock.now() });
  const r: Rig = {
    dir,
    clock,
    port: newPort(),
    queue: null as unknown as OutboundQueue,
    logs,
    async run(ms, step = 250) {
      for (let t = 0; t < ms; t += step) {
        clock.advance(Math.min(step, ms - t));
        await r.queue.settled();
      }
    },
    async restart(over = {}) {
      await r.queue.stop();
      r.port = over.port ?? newPort();
      r.queue = make(over.outbound ?? o.outbound ?? {}, r.port);
      await r.queue.start();
      await r.queue.settled();
    },
    async close() {
      await r.queue.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  r.queue = make(o.outbound ?? {}, r.port);
  await r.queue.start();
  return r;
}

const submitMany = (r: Rig, n: number, to = (i: number) => NUMBERS[i] ?? '') =>
  Promise.all(Array.from({ length: n }, (_, i) => r.queue.submit({ phoneId: 'p1', to: to(i), text: `message ${i}` })));

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] ?? 0));
}

test('a burst of ten messages goes out one every 4 s by default, each once, in order', async () => {
  const r = await rig();
  try {
    const records = await submitMany(r, 10);
    await r.queue.settled();
    assert.equal(r.port.sends.length, 1, 'only the first goes at once');
    await r.run(40 * SECOND);
    assert.deepEqual(r.port.sends.map((s) => s.text), records.map((_, i) => `message ${i}`));
    for (const g of gaps(r.port.sends.map((s) => s.at))) assert.ok(g >= 4 * SECOND, `gap ${g} ms`);
    const held = r.logs.filter((l) => l.event === 'outbound.held');
    assert.ok(held.length >= 9 && held.every((l) => l.data?.code === 'rate'), 'each hold is logged with its reason');
    for (const rec of records) assert.equal(r.queue.get('p1', rec.id)?.state, 'sent');
  } finally {
    await r.close();
  }
});

test('messages go out in the order they were queued, even when time passes while one of them is held', async () => {
  // each hold is journaled before the next message is looked at: a slow disk lets time pass there
  const r = await rig({ outbound: { intervalSeconds: 1, burst: 1 }, onLog: (e, clock) => e === 'outbound.held' && clock.advance(600) });
  try {
    const records = await submitMany(r, 6);
    await r.run(20 * SECOND);
    assert.deepEqual(r.port.sends.map((s) => s.text), records.map((_, i) => `message ${i}`));
  } finally {
    await r.close();
  }
});

test('with a big bucket the per-minute cap still holds: never more than 20 in any rolling minute', async () => {
  const r = await rig({ outbound: { intervalSeconds: 1, burst: 20, perMinute: 20 } });
  try {
    await submitMany(r, 30);
    await r.run(3 * MINUTE, SECOND);
    const times = r.port.sends.map((s) => s.at);
    assert.equal(times.length, 30);
    for (const t of times) assert.ok(times.filter((u) => u > t - MINUTE && u <= t).length <= 20, `window ending ${t - NOON}`);
    assert.ok(times.filter((t) => t < NOON + MINUTE).length === 20, 'the burst itself is allowed');
  } finally {
    await r.close();
  }
});

test('a message submitted in the sleep window is held and goes out once the window ends', async () => {
  const night = Date.UTC(2027, 2, 10, 2);
  const r = await rig({ start: night });
  try {
    const rec = await r.queue.submit({ phoneId: 'p1', to: NUMBERS[0] ?? '', text: 'hello' });
    await r.queue.settled();
    const held = r.queue.get('p1', rec.id);
    assert.equal(held?.state, 'queued');
    assert.match(held?.reason ?? '', /sleep window 01:00–06:00/);
    await r.run(4 * HOUR - MINUTE, MINUTE);
    assert.equal(r.port.sends.length, 0, 'nothing inside the window');
    await r.run(2 * MINUTE, SECOND);
    assert.equal(r.port.sends.length, 1);
    assert.ok((r.port.sends[0]?.at ?? 0) >= Date.UTC(2027, 2, 10, 6));
    assert.equal(r.queue.get('p1', rec.id)?.state, 'sent');
    assert.equal(r.queue.get('p1', rec.id)?.reason, null);
  } finally {
    await r.close();
  }
});

test('in refuse mode a message in the sleep window fails at once with the reason', async () => {
  const r = await rig({ start: Date.UTC(2027, 2, 10, 2), outbound: { inSleepWindow: 'refuse' } });
  try {
    const rec = await r.queue.submit({ phoneId: 'p1', to: NUMBERS[0] ?? '', text: 'hello' });
    await r.queue.settled();
    const got = r.queue.get('p1', rec.id);
    assert.equal(got?.state, 'failed');
    assert.match(got?.reason ?? '', /No messages inside the sleep window/);
    await r.run(6 * HOUR, MINUTE);
    assert.equal(r.port.sends.length, 0);
  } finally {
    await r.close();
  }
});

test('new chats are capped per day, while a chat that wrote first is not a new chat', async () => {
  const r = await rig({ outbound: { newChatsPerDay: 2 } });
  try {
    r.port.receive('p1', NUMBERS[9] ?? '', 'hi there');
    const records = await submitMany(r, 3);
    const known = await r.queue.submit({ phoneId: 'p1', to: NUMBERS[9] ?? '', text: 'reply' });
    await r.run(30 * SECOND);
    assert.deepEqual(records.map((x) => r.queue.get('p1', x.id)?.state), ['sent', 'sent', 'failed']);
    assert.match(r.queue.get('p1', records[2]?.id ?? '')?.reason ?? '', /New-chat cap/);
    assert.equal(r.queue.get('p1', known.id)?.state, 'sent');
    // a chat we already sent to is known from then on
    const again = await r.queue.submit({ phoneId: 'p1', to: NUMBERS[0] ?? '', text: 'again' });
    await r.run(10 * SECOND);
    assert.equal(r.queue.get('p1', again.id)?.state, 'sent');
  } finally {
    await r.close();
  }
});

test('a freshly linked number sends at the normal rate up to its warm-up cap, and the cap rises the next day', async () => {
  const r = await rig({ pairedAt: NOON - HOUR, outbound: { warmUpDays: 5, warmUpFirstDay: 3 } });
  try {
    const first = await submitMany(r, 4);
    await r.run(20 * SECOND);
    assert.deepEqual(first.map((x) => r.queue.get('p1', x.id)?.state), ['sent', 'sent', 'sent', 'failed']);
    assert.match(r.queue.get('p1', first[3]?.id ?? '')?.reason ?? '', /Warm-up/);
    assert.deepEqual(gaps(r.port.sends.map((s) => s.at)), [4 * SECOND, 4 * SECOND], 'no slower than the rate');
    await r.run(DAY, HOUR);
    const next = await submitMany(r, 6, (i) => NUMBERS[10 + i] ?? '');
    await r.run(30 * SECOND);
    assert.deepEqual(next.map((x) => r.queue.get('p1', x.id)?.state), ['sent', 'sent', 'sent', 'sent', 'sent', 'sent'], 'day 1 allows 6');
  } finally {
    await r.close();
  }
});

test('a restriction stops sending until a person resumes it, and the stop survives a restart', async () => {
  const r = await rig();
  const stops: Array<string | null> = [];
  const listen = () => r.queue.on('stop', (_id, s) => stops.push(s ? s.reason : null));
  listen();
  try {
    r.port.failNextSend(Object.assign(new Error('account restricted'), { output: { statusCode: 463 } }));
    const a = await r.queue.submit({ phoneId: 'p1', to: NUMBERS[0] ?? '', text: 'a' });
    await r.run(5 * SECOND);
    assert.equal(r.queue.get('p1', a.id)?.state, 'failed');
    assert.match(r.queue.stopOf('p1')?.reason ?? '', /restriction/);
    assert.equal(stops.length, 1);
    const b = await r.queue.submit({ phoneId: 'p1', to: NUMBERS[1] ?? '', text: 'b' });
    await r.run(5 * SECOND);
    assert.equal(r.queue.get('p1', b.id)?.state, 'failed');
    assert.match(r.queue.get('p1', b.id)?.reason ?? '', /Sending is stopped/);
    assert.equal(r.port.sends.length, 0);
    await r.restart();
    assert.ok(r.queue.stopOf('p1'), 'still stopped after a restart');
    listen();
    assert.equal(await r.queue.resume('p1'), true, 'a stop was lifted');
    assert.deepEqual(stops.slice(-1), [null]);
    assert.equal(await r.queue.resume('p1'), false, 'resuming a phone that is not stopped says so');
    const c = await r.queue.submit({ phoneId: 'p1', to: NUMBERS[2] ?? '', text: 'c' });
    await r.run(5 * SECOND);
    assert.equal(r.queue.get('p1', c.id)?.state, 'sent');
  } finally {
    await r.close();
  }
});

test('messages the server refuses stop sending once the set number is reached', async () => {
  const r = await rig({ outbound: { failuresBeforeStop: 2 } });
  try {
    await submitMany(r, 3);
    await r.run(10 * SECOND);
    assert.equal(r.port.sends.length, 3);
    r.port.receipt('p1', r.port.sends[0]?.waId ?? '', 'failed');
    await r.run(SECOND);
    assert.equal(r.queue.stopOf('p1'), null, 'one refusal is not yet a stop');
    r.port.receipt('p1', r.port.sends[1]?.waId ?? '', 'failed');
    await r.run(SECOND);
    assert.match(r.queue.stopOf('p1')?.reason ?? '', /refused 2 message/);
    assert.ok(r.logs.some((l) => l.event === 'outbound.stopped' && l.level === 'error'));
  } finally {
    await r.close();
  }
});

test('one refusal with 463 (a restricted account) stops sending at once; a refusal with another code only counts', async () => {
  const r = await rig({ outbound: { failuresBeforeStop: 3 } });
  try {
    const records = await submitMany(r, 4);
    await r.run(10 * SECOND);
    r.port.receipt('p1', r.port.sends[0]?.waId ?? '', 'failed', '479');
    await r.run(SECOND);
    assert.equal(r.queue.stopOf('p1'), null, 'a 479 is one refusal of three');
    assert.match(r.queue.get('p1', records[0]?.id ?? '')?.reason ?? '', /refused this message \(error 479\)/);
    r.port.receipt('p1', r.port.sends[1]?.waId ?? '', 'failed', '463');
    await r.run(SECOND);
    assert.match(r.queue.stopOf('p1')?.reason ?? '', /restricted this account from reaching out \(error 463\)/);
    assert.match(r.queue.get('p1', records[1]?.id ?? '')?.reason ?? '', /restricted from reaching out/);
    const late = await r.queue.submit({ phoneId: 'p1', to: NUMBERS[9] ?? '', text: 'after the stop' });
    await r.run(10 * SECOND);
    assert.equal(r.queue.get('p1', late.id)?.state, 'failed', 'nothing goes out once stopped');
    assert.equal(r.port.sends.some((s) => s.text === 'after the stop'), false);
  } finally {
    await r.close();
  }
});

test('the same idempotency key on the same phone gives the same record and one send, even when asked twice at once', async () => {
  const r = await rig({ phones: ['p1', 'p2'] });
  try {
    const req = { phoneId: 'p1', to: NUMBERS[0] ?? '', text: 'once', idempotencyKey: 'order-42' };
    const [a, b] = await Promise.all([r.queue.submit(req), r.queue.submit(req)]);
    const c = await r.queue.submit(req);
    assert.equal(a.id, b.id);
    assert.equal(a.id, c.id);
    const other = await r.queue.submit({ ...req, phoneId: 'p2' });
    assert.notEqual(other.id, a.id, 'keys are per phone');
    await r.run(10 * SECOND);
    assert.deepEqual(r.port.sends.map((s) => s.phoneId).sort(), ['p1', 'p2']);
    await r.restart();
    const after = await r.queue.submit(req);
    assert.equal(after.id, a.id, 'the key is remembered across a restart');
    assert.equal(after.state, 'sent');
    await r.run(10 * SECOND);
    assert.equal(r.port.sends.length, 0, 'the new process sent nothing again');
  } finally {
    await r.close();
  }
});

test('a number not on WhatsApp and an unknown phone are refused with their codes; nothing is queued', async () => {
  const r = await rig();
  try {
    await assert.rejects(r.queue.submit({ phoneId: 'p1', to: '+100000000', text: 'x' }), (e: unknown) => e instanceof KeeperError && e.code === 'not-on-whatsapp');
    await assert.rejects(r.queue.submit({ phoneId: 'nope', to: NUMBERS[0] ?? '', text: 'x' }), (e: unknown) => errorCode(e) === 'unknown-phone');
    await assert.rejects(r.queue.submit({ phoneId: 'p1', to: NUMBERS[0] ?? '', text: '' }), (e: unknown) => errorCode(e) === 'invalid-input');
    await r.run(10 * SECOND);
    assert.equal(r.port.sends.length, 0);
  } finally {
    await r.close();
  }
});

test('receipts move a record forward and never back, with the time of each state', async () => {
  const r = await rig();
  const seen: MessageRecord[] = [];
  r.queue.on('record', (x) => seen.push(x));
  try {
    const rec = await r.queue.submit({ phoneId: 'p1', to: `${NUMBERS[0] ?? ''}@s.whatsapp.net`, text: 'x' });
    await r.run(SECOND);
    const waId = r.queue.get('p1', rec.id)?.waId ?? '';
    assert.ok(waId.length > 0);
    r.clock.advance(SECOND);
    r.port.receipt('p1', waId, 'delivered');
    await r.run(SECOND);
    r.port.receipt('p1', waId, 'server-ack');
    await r.run(SECOND);
    assert.equal(r.queue.get('p1', rec.id)?.state, 'delivered', 'a late server ack does not move it back');
    r.port.receipt('p1', waId, 'read');
    await r.run(SECOND);
    const got = r.queue.get('p1', rec.id);
    assert.equal(got?.state, 'read');
    assert.deepEqual(Object.keys(got?.times ?? {}).sort(), ['delivered', 'queued', 'read', 'sent']);
    assert.equal(got?.jid, `${NUMBERS[0] ?? ''}@s.whatsapp.net`);
    assert.deepEqual([...new Set(seen.map((x) => x.state))], ['queued', 'sent', 'delivered', 'read']);
  } finally {
    await r.close();
  }
});

test('a receipt that arrives before the send returned is not lost', async () => {
  const r = await rig();
  try {
    const port = new FakeMessagingPort({ phoneIds: ['p1'], onWhatsApp: NUMBERS, now: () => r.clock.now(), autoAck: true });
    await r.restart({ port });
    const rec = await r.queue.submit({ phoneId: 'p1', to: NUMBERS[0] ?? '', text: 'x' });
    await r.run(SECOND);
    assert.equal(r.queue.get('p1', rec.id)?.state, 'server-ack');
  } finally {
    await r.close();
  }
});

test('a message queued while the phone is offline goes out once it connects', async () => {
  const r = await rig();
  try {
    r.port.setOpen('p1', false);
    const rec = await r.queue.submit({ phoneId: 'p1', to: NUMBERS[0] ?? '', text: 'later' });
    assert.equal(rec.jid, null, 'looked up before sending instead');
    await r.run(MINUTE, SECOND);
    assert.equal(r.queue.get('p1', rec.id)?.state, 'queued');
    assert.match(r.queue.get('p1', rec.id)?.reason ?? '', /connection/);
    r.port.setOpen('p1', true);
    r.queue.kick('p1');
    await r.run(SECOND);
    assert.equal(r.queue.get('p1', rec.id)?.state, 'sent');
    assert.equal(r.port.sends.length, 1);
  } finally {
    await r.close();
  }
});

test('a restart mid-queue: what was sent stays sent, what was queued goes out once from the new process', async () => {
  const r = await rig();
  try {
    const records = await submitMany(r, 5);
    await r.run(5 * SECOND);
    const first = r.port.sends.map((s) => s.text);
    assert.equal(first.length, 2);
    await r.restart();
    for (const x of records.slice(0, 2)) assert.equal(r.queue.get('p1', x.id)?.state, 'sent');
    await r.run(30 * SECOND);
    assert.deepEqual([...first, ...r.port.sends.map((s) => s.text)], records.map((_, i) => `message ${i}`));
    const again = r.port.sends[0]?.at ?? 0;
    assert.ok(again >= NOON + 8 * SECOND, 'the rate carries over the restart');
  } finally {
    await r.close();
  }
});

test('journal and folder are private, hold no text once sent, and old records are pruned on start', async () => {
  const r = await rig({ outbound: { keepRecordsDays: 2 } });
  try {
    const old = await r.queue.submit({ phoneId: 'p1', to: NUMBERS[0] ?? '', text: 'secret words' });
    await r.run(5 * SECOND);
    const path = join(r.dir, 'state', 'p1', JOURNAL_FILE);
    if (process.platform !== 'win32') {
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      assert.equal((await stat(join(r.dir, 'state', 'p1'))).mode & 0o777, 0o700);
    }
    await r.restart();
    assert.doesNotMatch(await readFile(path, 'utf8'), /secret words/, 'compaction drops the text of sent messages');
    assert.ok(!r.logs.some((l) => l.message.includes('secret words') || JSON.stringify(l.data ?? {}).includes('secret words')), 'never in the log');
    r.clock.advance(3 * DAY);
    await r.restart();
    assert.equal(r.queue.get('p1', old.id), null);
  } finally {
    await r.close();
  }
});

test('"typing…" is shown before a message for a time that grows with its text', async () => {
  const r = await rig({ outbound: { composing: true, composingMsPerChar: 100, composingMaxSeconds: 5 } });
  try {
    await r.queue.submit({ phoneId: 'p1', to: NUMBERS[0] ?? '', text: 'x'.repeat(20) });
    // the pump waits on the clock while "typing…": step without waiting for it to settle
    for (let i = 0; i < 100 && r.port.sends.length === 0; i++) {
      await new Promise((res) => setTimeout(res, 10));
      r.clock.advance(100);
    }
    await r.queue.settled();
    const p = r.port.presences[0];
    const s = r.port.sends[0];
    assert.ok(p && s);
    assert.equal(p.presence, 'composing');
    // 20 characters × 100 ms; the upper bound leaves room for the journal's fsync while the test clock runs on
    assert.ok(s.at - p.at >= 2000 && s.at - p.at <= 3000, `typing for ${s.at - p.at} ms`);
  } finally {
    await r.close();
  }
});

test('a stopped queue refuses new messages, and started again in place it reads its journal anew without sending twice', async () => {
  const r = await rig();
  try {
    const records = await submitMany(r, 3);
    await r.run(SECOND);
    await r.queue.stop();
    await assert.rejects(r.queue.submit({ phoneId: 'p1', to: NUMBERS[5] ?? '', text: 'late' }), (e: unknown) => errorCode(e) === 'not-open');
    await r.queue.start();
    await r.run(20 * SECOND);
    assert.deepEqual(r.port.sends.map((s) => s.text), ['message 0', 'message 1', 'message 2']);
    assert.deepEqual(records.map((x) => r.queue.get('p1', x.id)?.state), ['sent', 'sent', 'sent']);
  } finally {
    await r.close();
  }
});

test('a connection that drops between look-up and send: the message waits without spinning and goes once when the phone is back', async () => {
  const r = await rig();
  try {
    const [a, b] = await submitMany(r, 2);
    await r.run(SECOND);
    r.port.setOpen('p1', false);
    const before = r.logs.length;
    await r.run(2 * MINUTE, SECOND);
    assert.equal(r.queue.get('p1', b?.id ?? '')?.state, 'queued');
    assert.match(r.queue.get('p1', b?.id ?? '')?.reason ?? '', /connection/);
    const tries = r.logs.slice(before).filter((l) => l.event === 'outbound.send').length;
    assert.ok(tries >= 1 && tries <= 6, `${tries} send attempts in 2 minutes (retry every 30 s)`);
    r.port.setOpen('p1', true);
    r.queue.kick('p1');
    await r.run(SECOND);
    assert.deepEqual([a, b].map((x) => r.queue.get('p1', x?.id ?? '')?.state), ['sent', 'sent']);
    assert.equal(r.port.sends.length, 2);
  } finally {
    await r.close();
  }
});

test('a message whose record cannot be written is refused with storage-error and never sent', async () => {
  const r = await rig();
  try {
    const stateDir = join(r.dir, 'state', 'p1');
    await rm(stateDir, { recursive: true, force: true });
    // the start no longer rewrites an empty journal, so it may not have made the folders
    await mkdir(join(r.dir, 'state'), { recursive: true });
    await writeFile(stateDir, 'not a folder');
    await assert.rejects(r.queue.submit({ phoneId: 'p1', to: NUMBERS[0] ?? '', text: 'x', idempotencyKey: 'k' }), (e: unknown) => errorCode(e) === 'storage-error');
    await r.run(10 * SECOND);
    assert.equal(r.port.sends.length, 0);
    await rm(stateDir, { force: true });
    const again = await r.queue.submit({ phoneId: 'p1', to: NUMBERS[0] ?? '', text: 'x', idempotencyKey: 'k' });
    assert.equal(again.state, 'queued', 'the key was not taken by the record that never existed');
    await r.run(SECOND);
    assert.equal(r.port.sends.length, 1);
  } finally {
    await r.close();
  }
});

test('a recipient that is neither a number nor a JID is refused at submit with invalid-input', async () => {
  const r = await rig();
  try {
    await assert.rejects(r.queue.submit({ phoneId: 'p1', to: 'call me maybe', text: 'x' }), (e: unknown) => errorCode(e) === 'invalid-input');
    r.port.setOpen('p1', false);
    await assert.rejects(r.queue.submit({ phoneId: 'p1', to: 'call me maybe', text: 'x' }), (e: unknown) => errorCode(e) === 'invalid-input', 'offline too: nothing queued that could never go');
    await r.run(MINUTE, SECOND);
    assert.equal(r.port.sends.length, 0);
  } finally {
    await r.close();
  }
});

test('a send that failed on the way (it may have gone out) still counts against the rate; one refused for no connection does not', async () => {
  const r = await rig();
  try {
    r.port.failNextSend(new Error('timed out'));
    const [a, b] = await submitMany(r, 2);
    await r.run(SECOND);
    assert.equal(r.queue.get('p1', a?.id ?? '')?.state, 'failed');
    assert.match(r.queue.get('p1', a?.id ?? '')?.reason ?? '', /not retried, so it cannot arrive twice/);
    assert.equal(r.queue.get('p1', b?.id ?? '')?.state, 'queued', 'held by the rate the failed attempt used');
    await r.run(4 * SECOND);
    assert.equal(r.port.sends[0]?.at, NOON + 4 * SECOND);
  } finally {
    await r.close();
  }
});

test('a message refused because its number is not on WhatsApp: the record keeps the number, the event log only its last four digits', async () => {
  const r = await rig();
  const stranger = '+49 1555 9876543';
  try {
    r.port.setOpen('p1', false);
    const rec = await r.queue.submit({ phoneId: 'p1', to: stranger, text: 'hello' });
    r.port.setOpen('p1', true);
    r.queue.kick('p1');
    await r.run(5 * SECOND);
    const failed = r.queue.get('p1', rec.id);
    assert.equal(failed?.state, 'failed');
    assert.match(failed?.reason ?? '', /not on WhatsApp/);
    const refused = r.logs.find((l) => l.event === 'outbound.refused');
    assert.match(refused?.message ?? '', /…6543 is not on WhatsApp/);
    for (const l of r.logs) {
      const text = `${l.message} ${JSON.stringify(l.data ?? {})}`;
      assert.ok(!text.includes(stranger) && !text.replace(/\D/g, '').includes('4915559876543'), `no full number in ${text}`);
    }
  } finally {
    await r.close();
  }
});

test('compaction forgets a chat talked to longer ago than the records are kept: the journal holds no trace of its number', async () => {
  const r = await rig({ outbound: { keepRecordsDays: 2 } });
  try {
    const chat = NUMBERS[3] ?? '';
    await r.queue.submit({ phoneId: 'p1', to: chat, text: 'hi' });
    await r.run(5 * SECOND);
    const path = join(r.dir, 'state', 'p1', JOURNAL_FILE);
    await r.restart();
    assert.match(await readFile(path, 'utf8'), new RegExp(chat), 'a recent chat is kept');
    r.clock.advance(3 * DAY);
    await r.restart();
    assert.doesNotMatch(await readFile(path, 'utf8'), new RegExp(chat));
  } finally {
    await r.close();
  }
});
