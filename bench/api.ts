// Local API latency over the real outbound gate and the fake messaging port: how long from
// a bot's POST to the send reaching the messaging port, from an incoming message to its SSE event,
// and to its webhook delivery (signed, through the persisted outbox).
// Run: npm run bench -- api
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { collectSse, startApiUnderTest } from '../test/support/api-under-test.js';
import { markdownTable, median, ms, p95 } from './support/stats.js';

const N = 200;

async function main(): Promise<void> {
  const arrivals: number[] = [];
  const hook = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals.push(performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const t = await startApiUnderTest({ webhooks: [{ id: 'bench', url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, secret: 'bench' }] });
  try {
    // API → messaging port
    const sendMs: number[] = [];
    const sendText = t.port.sendText.bind(t.port);
    let sentAt = 0;
    t.port.sendText = async (...args) => {
      sentAt = performance.now();
      return sendText(...args);
    };
    for (let i = 0; i < N; i++) {
      // past the gate's rate, so every message goes out at once (the gate's own holds are not measured here)
      t.clock.skip(60_000);
      const start = performance.now();
      const res = await t.call('/v1/phones/default/messages', { method: 'POST', body: JSON.stringify({ to: '15551230001', text: `bench ${i}` }) });
      if (res.status !== 202) throw new Error(`send answered ${res.status}`);
      await res.arrayBuffer();
      await until(() => t.port.sends.length === i + 1);
      sendMs.push(sentAt - start);
    }
    // let the webhook catch up with the message.status events the sends made
    await until(() => t.api.events.webhooks.views()[0]!.pending === 0);
    arrivals.length = 0;

    // incoming message → SSE event and → webhook delivery
    const sse = collectSse(await t.call('/v1/events'));
    const sseMs: number[] = [];
    const hookMs: number[] = [];
    for (let i = 0; i < N; i++) {
      const before = arrivals.length;
      const start = performance.now();
      const m = t.port.receive('default', '15551230001', `in ${i}`);
      await sse.waitFor((e) => e.type === 'message.received' && (e.data.message as { waId: string }).waId === m.waId);
      sseMs.push(performance.now() - start);
      await until(() => arrivals.length > before);
      hookMs.push(arrivals[before]! - start);
    }
    await sse.close();
    process.stdout.write(
      `${markdownTable(
        ['path', 'median', 'p95', 'n'],
        [
          ['POST /messages → MessagingPort.sendText', ms(median(sendMs)), ms(p95(sendMs)), String(N)],
          ['incoming message → SSE event', ms(median(sseMs)), ms(p95(sseMs)), String(N)],
          ['incoming message → webhook delivered', ms(median(hookMs)), ms(p95(hookMs)), String(N)],
        ],
      )}\n`,
    );
  } finally {
    await t.close();
    hook.closeAllConnections();
    await new Promise<void>((r) => hook.close(() => r()));
  }
}

async function until(pred: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('bench: timed out');
    await new Promise((r) => setImmediate(r));
  }
}

await main();
