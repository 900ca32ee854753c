// Session engine bench (issue 2): reconnect latencies and memory per open phone, measured with
// the real Baileys client against the local WhatsApp Web test server.
// Run: npx tsc -p tsconfig.json --outDir .build/bench && node .build/bench/bench/engine.js
//      (or after `npm run build`: node dist/bench/engine.js). Options: --runs=N (default 20).
//
// The test server lives in this (parent) process for the whole run; memory is measured in a
// fresh child per size that runs only the keeper, so server state never inflates the numbers.
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';
import { DEFAULT_BACKOFF } from '../main/engine/backoff.js';
import { createKeeper, type Keeper, type KeeperOptions } from '../main/engine/keeper.js';
import type { PhoneStatus } from '../main/engine/types.js';
import { installTestRoot, startWaServer, testRootPublicKey, uninstallTestRoot, type WaConnection, type WaServer } from '../test/support/wa-server/index.js';
import { machineInfo, machineLine } from './support/machine.js';
import { markdownTable, median, mib, ms, p95 } from './support/stats.js';

const RUNS = Number(/^--runs=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--runs=')) ?? '')?.[1] ?? 20);
const SIZES = [1, 10, 50] as const;
const PHONES = Math.max(...SIZES);
const phoneId = (i: number): string => `p${i}`;

// ---- shared helpers ---------------------------------------------------------------------------

function waitStatus(keeper: Keeper, id: string, pred: (s: PhoneStatus) => boolean, timeoutMs = 30_000): Promise<PhoneStatus> {
  return new Promise((resolve, reject) => {
    const done = (s: PhoneStatus) => {
      clearTimeout(timer);
      keeper.off('status', onStatus);
      resolve(s);
    };
    const onStatus = (s: PhoneStatus) => {
      if (s.phoneId === id && pred(s)) done(s);
    };
    const timer = setTimeout(() => {
      keeper.off('status', onStatus);
      const s = keeper.status(id);
      reject(new Error(`timed out after ${timeoutMs} ms waiting on ${id}; it is ${s.state}: ${s.detail}`));
    }, timeoutMs);
    keeper.on('status', onStatus);
    const now = keeper.status(id);
    if (pred(now)) done(now);
  });
}

const waitAllOpen = (keeper: Keeper, ids: readonly string[]): Promise<PhoneStatus[]> =>
  Promise.all(ids.map((id) => waitStatus(keeper, id, (s) => s.state === 'open', 120_000)));

function keeperFor(dataDir: string, url: string, ids: readonly string[], extra: Partial<KeeperOptions> = {}): Keeper {
  const keeper = createKeeper({ dataDir, phones: ids.map((id) => ({ id })), socket: { waWebSocketUrl: url }, ...extra });
  keeper.setMaxListeners(0); // one short-lived waiter per phone: 50 at once is expected here
  return keeper;
}

/** The server side of a phone's current login: its device jid is the keeper's `me`. */
function liveLogin(server: WaServer, me: string | null): WaConnection {
  const conn = [...server.connections].reverse().find((c) => c.state === 'logged-in' && c.jid === me);
  if (!conn) throw new Error(`no logged-in server connection for ${me ?? 'an unpaired phone'}`);
  return conn;
}

// ---- memory child -----------------------------------------------------------------------------

interface MemoryResult {
  phones: number;
  baseRss: number;
  baseHeap: number;
  openMs: number;
  rss: number;
  heapUsed: number;
  gcRss: number | null;
  gcHeapUsed: number | null;
}

async function memoryChild(dataDir: string, url: string, count: number, rootKeyHex: string): Promise<void> {
  // installTestRoot() makes a fresh root per process; this child must trust the parent server's.
  const realRoot = WA_CERT_DETAILS.PUBLIC_KEY;
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(rootKeyHex, 'hex');
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage();
  const ids = Array.from({ length: count }, (_, i) => phoneId(i));
  const keeper = keeperFor(dataDir, url, ids);
  const t0 = performance.now();
  await keeper.start();
  await waitAllOpen(keeper, ids);
  const openMs = performance.now() - t0;
  // Let the post-login chatter (pre-key count, props, presence) finish before sampling.
  await new Promise((r) => setTimeout(r, 2_000));
  const open = process.memoryUsage();
  gc?.();
  const after = gc ? process.memoryUsage() : null;
  const result: MemoryResult = {
    phones: count,
    baseRss: base.rss,
    baseHeap: base.heapUsed,
    openMs,
    rss: open.rss,
    heapUsed: open.heapUsed,
    gcRss: after?.rss ?? null,
    gcHeapUsed: after?.heapUsed ?? null,
  };
  await keeper.stop();
  WA_CERT_DETAILS.PUBLIC_KEY = realRoot;
  process.send?.(result);
  process.disconnect?.();
}

function runMemoryChild(dataDir: string, url: string, count: number): Promise<MemoryResult> {
  return new Promise((resolve, reject) => {
    const args = ['--memory-child', dataDir, url, String(count), testRootPublicKey().toString('hex')];
    const child = fork(fileURLToPath(import.meta.url), args, {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: MemoryResult | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('message', (m) => {
      result = m as MemoryResult;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error(`memory child for ${count} phones exited (${code ?? signal}) without a result`));
    });
  });
}

// ---- latency benches (parent) -------------------------------------------------------------------

/** Links every bench phone once through the simulated phone, then stops (sessions stay on disk). */
async function pairAll(dataDir: string, server: WaServer): Promise<number> {
  const ids = Array.from({ length: PHONES }, (_, i) => phoneId(i));
  const keeper = keeperFor(dataDir, server.url, ids);
  const t0 = performance.now();
  await keeper.start();
  for (const id of ids) {
    const waiting = await waitStatus(keeper, id, (s) => s.state === 'waiting-for-scan' && s.qr !== null);
    await server.phone.scan(waiting.qr ?? '');
    await waitStatus(keeper, id, (s) => s.state === 'open');
  }
  const took = performance.now() - t0;
  await keeper.stop();
  return took;
}

/** Total, and the part until start() resolves (session loaded from disk, socket created). */
async function startToOpen(dataDir: string, url: string): Promise<{ total: number[]; started: number[] }> {
  const out = { total: [] as number[], started: [] as number[] };
  for (let i = -1; i < RUNS; i++) {
    const keeper = keeperFor(dataDir, url, [phoneId(0)]);
    const t0 = performance.now();
    await keeper.start();
    const started = performance.now() - t0;
    await waitStatus(keeper, phoneId(0), (s) => s.state === 'open');
    const t = performance.now() - t0;
    if (i >= 0) {
      // run -1 warms up the JIT and the disk cache
      out.total.push(t);
      out.started.push(started);
    }
    await keeper.stop();
  }
  return out;
}

async function restartToOpen(dataDir: string, server: WaServer): Promise<number[]> {
  const id = phoneId(0);
  const keeper = keeperFor(dataDir, server.url, [id]);
  await keeper.start();
  let status = await waitStatus(keeper, id, (s) => s.state === 'open');
  const times: number[] = [];
  try {
    for (let i = -1; i < RUNS; i++) {
      const conn = liveLogin(server, status.me);
      const since = Date.now();
      const t0 = performance.now();
      server.injectStreamError(conn, 515);
      status = await waitStatus(keeper, id, (s) => s.state === 'open' && (s.connectedSince ?? 0) >= since && s.lastDisconnect?.code === 515);
      if (i >= 0) times.push(performance.now() - t0);
    }
  } finally {
    await keeper.stop();
  }
  return times;
}

interface DropResult {
  total: number[];
  delay: number[];
  excluding: number[];
}

/**
 * Abrupt close (428) with the default first backoff step (2 s ±25 %). `factor: 1` keeps every
 * run at that first step although the streak only resets after a minute open, and the pause
 * threshold is raised so 20 drops in a row never pause the phone.
 */
async function dropToOpen(dataDir: string, server: WaServer): Promise<DropResult> {
  const id = phoneId(0);
  const keeper = keeperFor(dataDir, server.url, [id], {
    policy: { backoff: { ...DEFAULT_BACKOFF, factor: 1 }, maxConsecutiveFailures: 100 },
  });
  await keeper.start();
  let status = await waitStatus(keeper, id, (s) => s.state === 'open');
  const out: DropResult = { total: [], delay: [], excluding: [] };
  try {
    for (let i = 0; i < RUNS; i++) {
      const conn = liveLogin(server, status.me);
      const since = Date.now();
      const t0 = performance.now();
      const scheduled = waitStatus(keeper, id, (s) => s.state === 'reconnecting' && s.reconnect.nextAt !== null && s.updatedAt >= since);
      server.destroy(conn);
      const waiting = await scheduled;
      status = await waitStatus(keeper, id, (s) => s.state === 'open' && (s.connectedSince ?? 0) >= since);
      const total = performance.now() - t0;
      // nextAt − the moment it was scheduled = the deliberate wait; the rest is detection + reconnect
      const delay = (waiting.reconnect.nextAt ?? waiting.updatedAt) - waiting.updatedAt;
      if (waiting.lastDisconnect?.code !== 428) throw new Error(`expected a 428 close, got ${waiting.lastDisconnect?.code ?? 'none'}`);
      out.total.push(total);
      out.delay.push(delay);
      out.excluding.push(total - delay);
    }
  } finally {
    await keeper.stop();
  }
  return out;
}

// ---- report -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const machine = machineInfo();
  console.log(`engine bench: ${machineLine(machine)}; ${RUNS} runs per latency row\n`);
  installTestRoot();
  const server = await startWaServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'sk-bench-engine-'));
  try {
    const pairMs = await pairAll(dataDir, server);
    console.log(`paired ${PHONES} phones through the simulated phone in ${ms(pairMs)} (${ms(pairMs / PHONES)} each)`);

    const start = await startToOpen(dataDir, server.url);
    const restart = await restartToOpen(dataDir, server);
    const drop = await dropToOpen(dataDir, server);
    const latency = markdownTable(
      ['measurement', 'runs', 'median', 'p95', 'min', 'max'],
      [
        ['start → open, stored creds (new keeper)', start.total],
        ['  of which start() (load session, make socket)', start.started],
        ['515 restart → open', restart],
        ['428 abrupt close → open, total', drop.total],
        ['  of which scheduled backoff delay', drop.delay],
        ['  excluding the backoff delay', drop.excluding],
      ].map(([label, v]) => {
        const values = v as number[];
        return [label as string, String(values.length), ms(median(values)), ms(p95(values)), ms(Math.min(...values)), ms(Math.max(...values))];
      }),
    );
    console.log(`\nlatency (ms from the trigger to status 'open')\n${latency}`);

    const memory: MemoryResult[] = [];
    for (const n of SIZES) memory.push(await runMemoryChild(dataDir, server.url, n));
    const one = memory[0];
    const rows = memory.map((m) => {
      const rss = m.gcRss ?? m.rss;
      const oneRss = one ? (one.gcRss ?? one.rss) : rss;
      return [
        String(m.phones),
        ms(m.openMs),
        mib(m.rss),
        mib(m.heapUsed),
        m.gcRss === null ? '–' : mib(m.gcRss),
        m.gcHeapUsed === null ? '–' : mib(m.gcHeapUsed),
        mib(rss - m.baseRss),
        m.phones > 1 ? mib((rss - oneRss) / (m.phones - 1)) : '–',
      ];
    });
    const mem = markdownTable(
      ['phones open', 'all open after', 'RSS', 'heapUsed', 'RSS after GC', 'heapUsed after GC', 'RSS over baseline', 'per extra phone'],
      rows,
    );
    const base = one ? `RSS ${mib(one.baseRss)}, heapUsed ${mib(one.baseHeap)}` : '–';
    console.log(`\nmemory (fresh child per size, node --expose-gc; baseline = modules loaded, no keeper yet: ${base})\n${mem}`);
  } finally {
    await server.close();
    uninstallTestRoot();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--memory-child') {
  const [, , , dataDir, url, count, rootKeyHex] = process.argv;
  await memoryChild(dataDir ?? '', url ?? '', Number(count), rootKeyHex ?? '');
} else {
  await main();
  // Everything is closed; if some library still holds a handle, do not hang the caller.
  setTimeout(() => {
    console.error('engine bench: a handle was still open after the run; exiting anyway');
    process.exit(0);
  }, 3_000).unref();
}
