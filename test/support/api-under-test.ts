// The local API on a free loopback port with the fake messaging contract and a real keeper, plus
// small HTTP helpers: `call` sends the token; `rawRequest` can send any Host header (fetch cannot).
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeeper, type Keeper } from '../../main/engine/keeper.js';
import { startLocalApi, type LocalApi, type LocalApiOptions } from '../../main/api/local-api.js';
import { FakeMessagingPort, FakeOutboundService } from './fake-messaging.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

export interface ApiUnderTest {
  api: LocalApi;
  dir: string;
  keeper: Keeper;
  port: FakeMessagingPort;
  outbound: FakeOutboundService;
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
export async function startApiUnderTest(extra: Partial<LocalApiOptions> & { phones?: string[] } = {}): Promise<ApiUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'keeper-api-'));
  const phones = extra.phones ?? ['default'];
  const keeper = createKeeper({ dataDir: join(dir, 'data'), phones: phones.map((id) => ({ id, label: id })), backup: false });
  const port = new FakeMessagingPort({ phones, onWhatsApp: ['15551230001', '15551230002'] });
  const outbound = new FakeOutboundService(port);
  const make = (more: Partial<LocalApiOptions> = {}) =>
    startLocalApi({ port: 0, token: () => TEST_TOKEN, dir: join(dir, 'api'), keeper, messaging: port, outbound, ...extra, ...more });
  const t: ApiUnderTest = {
    api: await make(),
    dir,
    keeper,
    port,
    outbound,
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
