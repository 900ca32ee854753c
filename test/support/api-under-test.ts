// The local API on a free loopback port over a real keeper and the real outbound gate
// (OutboundQueue) on the contract-tested fake messaging port, plus small HTTP helpers: `call` sends the token; `rawRequest` can send any Host header (fetch cannot).
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeeper, type Keeper } from '../../main/engine/keeper.js';
import { startLocalApi, type LocalApi, type LocalApiOptions } from '../../main/api/local-api.js';
import { systemClock, type Clock } from '../../main/engine/clock.js';
import { OutboundQueue } from '../../main/engine/messaging/outbound-queue.js';
import { parseKeepAliveSettings, parseOutboundSettings } from '../../main/engine/settings-schema.js';
import { FakeMessagingPort } from './fake-messaging-port.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

/** Noon UTC today: outside the API tests' sleep window, whenever the tests run. */
export const NOON_TODAY = (() => {
  const d = new Date();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 12);
})();

/** Real time moved to `start`: timers are real, while the gate reads its rules at this time. */
export class ShiftedClock implements Clock {
  private offset: number;
  constructor(start: number) {
    this.offset = start - Date.now();
  }
  now(): number {
    return Date.now() + this.offset;
  }
  setTimeout = systemClock.setTimeout;
  clearTimeout = systemClock.clearTimeout;
  /** Moves time on (say, past the send rate); `kick` the queue so it looks again. */
  skip(ms: number): void {
    this.offset += ms;
  }
}

/**
 * The real gate for the API's tests: no "typing…" and no warm-up, so a message the gate lets
 * through goes out at once; up to 20 in a burst; the sleep window is 23:00–07:00 UTC.
 */
export async function startOutbound(o: { port: FakeMessagingPort; phoneIds: readonly string[]; dir: string; clock: Clock }): Promise<OutboundQueue> {
  const outbound = parseOutboundSettings({ composing: false, warmUpDays: 0, newChatsPerDay: 1000, chatGapSeconds: 0, intervalSeconds: 1, burst: 20, perMinute: 60 });
  const keepAlive = parseKeepAliveSettings({ timeZone: 'UTC', sleepWindow: { start: '23:00', end: '07:00' }, reducedWindows: [] });
  if (!outbound.ok || !keepAlive.ok) throw new Error('outbound test settings do not parse');
  const queue = new OutboundQueue({
    stateDir: (id) => join(o.dir, id),
    phoneIds: o.phoneIds,
    port: o.port,
    outbound: outbound.settings,
    keepAlive: keepAlive.settings,
    clock: o.clock,
    pairedAt: () => null,
    log: () => undefined,
  });
  await queue.start();
  return queue;
}

export interface ApiUnderTest {
  api: LocalApi;
  dir: string;
  keeper: Keeper;
  port: FakeMessagingPort;
  outbound: OutboundQueue;
  clock: ShiftedClock;
  call(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  /** stops the API (the folder stays) */
  stop(): Promise<void>;
  /** a new API on the same folder and fakes */
  restart(extra?: Partial<LocalApiOptions>): Promise<void>;
  close(): Promise<void>;
}

/**
 * An API over an unstarted keeper (its phones report 'stopped': no network) and the fakes. The
 * keeper is real, so phone routes answer with the engine's own status objects.
 */
export async function startApiUnderTest(extra: Partial<LocalApiOptions> & { phones?: string[]; clockStart?: number } = {}): Promise<ApiUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'keeper-api-'));
  const phones = extra.phones ?? ['default'];
  const keeper = createKeeper({ dataDir: join(dir, 'data'), phones: phones.map((id) => ({ id, label: id })), backup: false });
  const clock = new ShiftedClock(extra.clockStart ?? NOON_TODAY);
  const port = new FakeMessagingPort({ phoneIds: phones, onWhatsApp: ['15551230001', '15551230002'], now: () => clock.now() });
  const outbound = await startOutbound({ port, phoneIds: phones, dir: join(dir, 'outbound'), clock });
  const make = (more: Partial<LocalApiOptions> = {}) =>
    startLocalApi({ port: 0, token: () => TEST_TOKEN, dir: join(dir, 'api'), keeper, messaging: port, outbound, ...extra, ...more });
  const t: ApiUnderTest = {
    api: await make(),
    dir,
    keeper,
    port,
    outbound,
    clock,
    call(path, init = {}) {
      const { token = TEST_TOKEN, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== null) headers.set('authorization', `Bearer ${token}`);
      if (rest.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(`${t.api.url}${path}`, { ...rest, headers });
    },
    stop: () => t.api.close(),
    async restart(more) {
      t.api = await make(more);
    },
    async close() {
      await t.api.close().catch(() => undefined);
      await outbound.stop().catch(() => undefined);
      await keeper.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** A request with headers exactly as given (Host included), for the checks fetch cannot make. */
export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method ?? 'GET', headers: opts.headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Reads SSE messages from a response until `count` arrived (or the timeout). */
export async function readSse(res: Response, count: number, timeoutMs = 5000): Promise<{ id: string; event: string; data: string }[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const out: { id: string; event: string; data: string }[] = [];
  let buf = '';
  const deadline = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    while (out.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const msg = { id: '', event: '', data: '' };
        for (const line of block.split('\n')) {
          const [k, ...v] = line.split(':');
          const val = v.join(':').replace(/^ /, '');
          if (k === 'id') msg.id = val;
          else if (k === 'event') msg.event = val;
          else if (k === 'data') msg.data += val;
        }
        if (msg.data) out.push(msg);
      }
    }
  } finally {
    clearTimeout(deadline);
    await reader.cancel().catch(() => undefined);
  }
  return out;
}

export interface SseCollector {
  events: { id: string; type: string; phoneId: string; data: Record<string, unknown> }[];
  waitFor(pred: (e: SseCollector['events'][number]) => boolean, timeoutMs?: number): Promise<SseCollector['events'][number]>;
  close(): Promise<void>;
}

/** Keeps reading an SSE response in the background; `waitFor` finds (or awaits) a matching event. */
export function collectSse(res: Response): SseCollector {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseCollector['events'] = [];
  const waiters = new Set<() => void>();
  let buf = '';
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const data = buf
          .slice(0, end)
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trimStart())
          .join('');
        buf = buf.slice(end + 2);
        if (data) events.push(JSON.parse(data) as SseCollector['events'][number]);
      }
      for (const w of [...waiters]) w();
    }
  })().catch(() => undefined);
  return {
    events,
    waitFor(pred, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(pred);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.type))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      await reader.cancel().catch(() => undefined);
      await pump;
    },
  };
}
