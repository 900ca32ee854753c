// One side of bench/vs-baileys.ts, in its own process: either the plain-Baileys program or the
// Session Keeper engine, never both. Everything engine-specific is imported dynamically, so a
// plain-Baileys child never loads (and is never charged for) the engine's modules, and the
// other way round.
//
// argv: <engine: baileys|keeper> <mode: pair|open|warm> <dataDir> <wsUrl> <phones> <rootKeyHex> <cpu: 0|1>
// Env VS_BAILEYS_HEAPSNAPSHOT=<folder>: writes <engine>-<phones>.heapsnapshot there after the samples at rest.
// Env VS_BAILEYS_CPUPROF=<file>: a V8 CPU profile of start → open (inspector, both sides alike).
//
// After open: 5 s for the post-login chatter (pre-key count, props, presence), then the CPU
// window, 10 s of this process's CPU time (every thread: V8's GC helpers too) with nothing forced
// in or before it, as the issue defines it. Then memory at rest: one full GC, a second for V8's
// background unmapper to hand the freed pages back, and 7 samples, each right after a full GC.
// V8 grows its young generation while a start allocates and shrinks it back only in a GC that
// finds the allocation rate of its last ~5 s low (Heap::ReduceNewSpaceSize: under 1 KB/ms over
// GCTracer's 5 s window); by then the window holds only what the program did while idle, so a
// quiet program's young generation shrinks there and one that keeps allocating keeps it grown.
// (Until the sixth pass memory was also sampled 2 s after open; those seven forced GCs left work
// for V8's helper threads that fell into the CPU window: docs/benchmarks.md, sixth pass.)
// Env VS_BAILEYS_SETTLE_MS=<ms> changes the 5 s before the CPU window.
// Talks to the parent over IPC: {type:'qr'} while pairing (the parent scans it), then one {type:'result'}.
import { performance } from 'node:perf_hooks';

export interface ChildResult {
  type: 'result';
  engine: 'baileys' | 'keeper';
  mode: 'pair' | 'open' | 'warm';
  phones: number;
  /** start → every phone open */
  openMs: number;
  /** at rest: median of 7 RSS samples, each right after a full GC, taken after the CPU window */
  rss: number;
  heapUsed: number;
  /** resident bytes of V8's young generation at the same samples (shrunk at rest, grown by a start) */
  youngGeneration: number;
  /** when the samples at rest began, ms after open */
  restAtMs: number;
  /** % of one core used in the 10 s that follow the 5 s after open; null if not asked */
  cpuPct: number | null;
}

export interface ChildQr {
  type: 'qr';
  phoneId: string;
  qr: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** the post-login chatter is over by then */
const SETTLE_MS = Number(process.env.VS_BAILEYS_SETTLE_MS ?? 5_000);
const CPU_WINDOW_MS = 10_000;
/** time for V8's background unmapper to return the pages a shrink freed */
const UNMAP_MS = 1_000;

interface MemorySample {
  rss: number;
  heapUsed: number;
  youngGeneration: number;
}

/** Medians of 7 samples, each right after a full GC, 150 ms apart. */
async function sampleMemory(gc: () => void): Promise<MemorySample> {
  const { getHeapSpaceStatistics } = await import('node:v8');
  const rss: number[] = [];
  const heap: number[] = [];
  const young: number[] = [];
  for (let i = 0; i < 7; i++) {
    gc();
    const m = process.memoryUsage();
    rss.push(m.rss);
    heap.push(m.heapUsed);
    young.push(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? Number.NaN);
    await sleep(150);
  }
  const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? Number.NaN;
  return { rss: med(rss), heapUsed: med(heap), youngGeneration: med(young) };
}

interface Running {
  stop(): Promise<void>;
}

/** Starts the V8 profiler in this process; the returned function stops it and writes `file`. */
async function startCpuProfile(file: string): Promise<() => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
  };
}

async function main(): Promise<void> {
  const [engine, mode, dataDir, url, phones, rootKeyHex, cpu] = process.argv.slice(2);
  if ((engine !== 'baileys' && engine !== 'keeper') || (mode !== 'pair' && mode !== 'open' && mode !== 'warm')) throw new Error(`bad child args: ${process.argv.slice(2).join(' ')}`);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the child with --expose-gc');
  // Trust the parent's test server root in this process only (what installTestRoot() does in tests).
  const { WA_CERT_DETAILS } = await import('@whiskeysockets/baileys');
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(rootKeyHex ?? '', 'hex');

  const ids = Array.from({ length: Number(phones) }, (_, i) => `p${i}`);
  const pending = new Set(ids);
  let allOpen!: () => void;
  const opened = new Promise<void>((r) => (allOpen = r));
  const onOpen = (id: string) => {
    pending.delete(id);
    if (pending.size === 0) allOpen();
  };
  const onQr = (phoneId: string, qr: string) => process.send?.({ type: 'qr', phoneId, qr } satisfies ChildQr);

  // modules load before the clock starts: the row is start → open, as in the engine bench
  const plain = engine === 'baileys' ? await import('./plain-baileys.js') : null;
  const engineModule = engine === 'keeper' ? await import('../main/engine/keeper.js') : null;
  let running: Running;
  const profile = process.env.VS_BAILEYS_CPUPROF ? await startCpuProfile(process.env.VS_BAILEYS_CPUPROF) : null;
  const t0 = performance.now();
  if (plain) {
    running = await plain.startPlainBaileys(dataDir ?? '', url ?? '', ids, { onQr, onOpen });
  } else if (engineModule) {
    const keeper = engineModule.createKeeper({ dataDir: dataDir ?? '', phones: ids.map((id) => ({ id })), socket: { waWebSocketUrl: url ?? '' } });
    const lastQr = new Map<string, string>();
    keeper.on('status', (s) => {
      if (s.state === 'open') onOpen(s.phoneId);
      if (s.state === 'waiting-for-scan' && s.qr && lastQr.get(s.phoneId) !== s.qr) {
        lastQr.set(s.phoneId, s.qr);
        onQr(s.phoneId, s.qr);
      }
    });
    await keeper.start();
    running = { stop: () => keeper.stop() };
  } else throw new Error('unreachable');
  await opened;
  const openMs = performance.now() - t0;
  const openAt = performance.now();
  await profile?.();

  // 'warm' opens and stops, like 'pair' but from stored creds: it warms caches and measures nothing
  if (mode !== 'open') {
    await running.stop();
    const none = Number.NaN;
    process.send?.({ type: 'result', engine, mode, phones: ids.length, openMs, rss: none, heapUsed: none, youngGeneration: none, restAtMs: none, cpuPct: null } satisfies ChildResult, () => process.exit(0));
    return;
  }
  await sleep(Math.max(0, openAt + SETTLE_MS - performance.now()));
  let cpuPct: number | null = null;
  if (cpu === '1') {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await sleep(CPU_WINDOW_MS);
    const c = process.cpuUsage(c0);
    cpuPct = ((c.user + c.system) / 1000 / (performance.now() - w0)) * 100;
  }
  gc();
  await sleep(UNMAP_MS);
  const restAtMs = performance.now() - openAt;
  const atRest = await sampleMemory(gc);
  // VS_BAILEYS_HEAPSNAPSHOT=<folder>: a heap snapshot at rest, to compare the two by constructor
  const snapshots = process.env.VS_BAILEYS_HEAPSNAPSHOT;
  if (snapshots) {
    const { getHeapSpaceStatistics, writeHeapSnapshot } = await import('node:v8');
    const { readFile, writeFile } = await import('node:fs/promises');
    gc();
    // what RSS is made of (read before the snapshot, which grows it): anonymous (heap, native)
    // vs file-backed (the pages of the node binary and libraries that ran)
    const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
    // used and resident bytes per space: an emptied young generation stays resident until V8 shrinks it
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { used: s.space_used_size, physical: s.physical_space_size }]));
    await writeFile(
      `${snapshots}/${engine}-${phones}.memory.json`,
      JSON.stringify({ memoryUsage: process.memoryUsage(), spaces, status: status.split('\n').filter((l) => /^(VmRSS|Rss)/.test(l)) }, null, 1),
    );
    writeHeapSnapshot(`${snapshots}/${engine}-${phones}.heapsnapshot`);
  }
  await running.stop();
  const result: ChildResult = { type: 'result', engine, mode, phones: ids.length, openMs, ...atRest, restAtMs, cpuPct };
  process.send?.(result, () => process.exit(0));
}

await main();
