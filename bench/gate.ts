// Outbound gate cost: decisions per second of the pure gate with a day of send history behind
// it (the token bucket replays that history), and what the queue adds per message: submit →
// journaled `queued` (one fsynced append) and the whole queued → sent path on a fake port.
// Run: npx tsc -p tsconfig.json --outDir .build/x && node .build/x/bench/gate.js
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ManualClock } from '../main/engine/clock.js';
import { decideSend } from '../main/engine/messaging/outbound-gate.js';
import { OutboundQueue } from '../main/engine/messaging/outbound-queue.js';
import { parseKeepAliveSettings, parseOutboundSettings } from '../main/engine/settings-schema.js';
import { FakeMessagingPort } from '../test/support/fake-messaging-port.js';

const NOON = Date.UTC(2027, 2, 10, 12);
const DAY = 86_400_000;
const keepAlive = parseKeepAliveSettings({ timeZone: 'Europe/Berlin' });
const outbound = parseOutboundSettings({});
const loose = parseOutboundSettings({ intervalSeconds: 1, burst: 20, perMinute: 60, chatGapSeconds: 0, newChatsPerDay: 1000, warmUpDays: 0, composing: false });
if (!keepAlive.ok || !outbound.ok || !loose.ok) throw new Error('settings');
const keepAliveSettings = keepAlive.settings;
const outboundSettings = outbound.settings;
const looseSettings = loose.settings;

function decisionsPerSecond(history: number): number {
  const sends = Array.from({ length: history }, (_, i) => NOON - DAY + ((i + 1) * DAY) / (history + 1));
  const facts = { pairedAt: NOON - 30 * DAY, sends, newChatSends: sends.slice(-5), lastToChat: null, knownChat: false, stop: null, textLength: 120 };
  let n = 0;
  const until = performance.now() + 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++) decideSend({ now: NOON + n * 7, outbound: outboundSettings, keepAlive: keepAliveSettings, facts });
    n += 100;
  }
  return n;
}

async function queuePath(messages: number): Promise<{ submitMs: number; sentMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-gate-'));
  const clock = new ManualClock(NOON);
  const numbers = Array.from({ length: messages }, (_, i) => `49155${String(i).padStart(7, '0')}`);
  const port = new FakeMessagingPort({ phoneIds: ['p'], onWhatsApp: numbers, now: () => clock.now() });
  const queue = new OutboundQueue({
    stateDir: (id) => join(dir, id),
    phoneIds: ['p'],
    port,
    outbound: looseSettings,
    keepAlive: keepAliveSettings,
    clock,
    pairedAt: () => null,
    log: () => {},
  });
  await queue.start();
  try {
    const t0 = performance.now();
    for (const to of numbers) await queue.submit({ phoneId: 'p', to, text: 'bench message' });
    const submitMs = (performance.now() - t0) / messages;
    await queue.settled();
    const t1 = performance.now();
    while (port.sends.length < messages) {
      clock.advance(1000);
      await queue.settled();
    }
    return { submitMs, sentMs: (performance.now() - t1) / messages };
  } finally {
    await queue.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const rows: string[][] = [['measure', 'value']];
for (const h of [0, 100, 1000]) rows.push([`gate decisions/s, ${h} sends in the last 24 h`, Math.round(decisionsPerSecond(h)).toLocaleString('en')]);
const q = await queuePath(200);
rows.push(['queue: submit → queued (fsynced), per message', `${q.submitMs.toFixed(2)} ms`]);
rows.push(['queue: decide → sendText → sent (2 fsyncs), per message', `${q.sentMs.toFixed(2)} ms`]);
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join(' | '));
console.log('The gate itself is far from any limit: at the default 1 message / 4 s a phone asks it a few times a minute.');
