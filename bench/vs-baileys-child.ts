// One side of bench/vs-baileys.ts, in its own process: either the plain-Baileys program or the
// Session Keeper engine, never both. Everything engine-specific is imported dynamically, so a
// plain-Baileys child never loads (and is never charged for) the engine's modules, and the
// other way round.
//
// argv: <engine: baileys|keeper> <mode: pair|open|warm> <dataDir> <wsUrl> <phones> <rootKeyHex> <cpu: 0|1>
// Env VS_BAILEYS_HEAPSNAPSHOT=<folder>: writes <engine>-<phones>.heapsnapshot there after the samples at rest.
// Env VS_BAILEYS_CPUPROF=<file>: a V8 CPU profile of start → open (inspector, both sides alike).
//
// Memory is sampled twice, each time 7 samples right after a full GC: 2 s after open (what the
// start left behind) and at rest. V8 grows its young generation while a start allocates and
// shrinks it back only in a GC that finds the allocation rate of its last ~5 s low
// (Heap::ReduceNewSpaceSize: under 1 KB/ms over GCTracer's 5 s window). The samples after open are
// such GCs, but their window still holds the start, so they read a young generation of 18–32 MiB
// that is empty yet resident. REST_MS after them one more GC finds a window that holds only what
// the program did while idle: a quiet program's young generation shrinks there, one that keeps
// allocating keeps it grown. V8's background unmapper hands the freed pages back within a second,
// and then the samples at rest are taken (docs/benchmarks.md, fifth pass: with a GC every second
// after open, both sides shrank at the 6th or 7th and their RSS fell by the next).
// Env VS_BAILEYS_REST_MS=<ms> changes that wait.
// Talks to the parent over IPC: {type:'qr'} while pairing (the parent scans it), then one {type:'result'}.
import { performance } from 'node:perf_hooks';

export interface ChildResult {
  type: 'result';
  engine: 'baileys' | 'keeper';
  mode: 'pair' | 'open' | 'warm';
  phones: number;
  /** start → every phone open */
  openMs: number;
  /** at rest: median of 7 RSS samples, each right after a full GC, REST_MS after the samples after open */
  rss: number;
  heapUsed: number;
  /** resident bytes of V8's young generation at the same samples (shrunk at rest, grown by a start) */
  youngGeneration: number;
  /** when the samples at rest began, ms after open */
  restAtMs: number;
  /** the same medians 2 s after open (informational: what the start left behind) */
  rssAfterOpen: number;
  heapUsedAfterOpen: number;
  /** % of one core used in the 10 s that follow the samples at rest; null if not asked */
  cpuPct: number | null;
}

export interface ChildQr {
  type: 'qr';
  phoneId: string;
  qr: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const AFTER_OPEN_MS = 2_000;
/** V8's 5 s allocation-throughput window plus a margin */
const REST_MS = Number(process.env.VS_BAILEYS_REST_MS ?? 5_500);
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
    process.send?.({ type: 'result', engine, mode, phones: ids.length, openMs, rss: none, heapUsed: none, youngGeneration: none, restAtMs: none, rssAfterOpen: none, heapUsedAfterOpen: none, cpuPct: null } satisfies ChildResult, () => process.exit(0));
    return;
  }
  // the post-login chatter (pre-key count, props, presence) is over by then
  await sleep(Math.max(0, openAt + AFTER_OPEN_MS - performance.now()));
  const afterOpen = await sampleMemory(gc);
  await sleep(REST_MS);
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
  // the CPU window starts after the samples at rest, so their GCs are not in it
  let cpuPct: number | null = null;
  if (cpu === '1') {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await sleep(10_000);
    const c = process.cpuUsage(c0);
    cpuPct = ((c.user + c.system) / 1000 / (performance.now() - w0)) * 100;
  }
  await running.stop();
  const result: ChildResult = { type: 'result', engine, mode, phones: ids.length, openMs, ...atRest, restAtMs, rssAfterOpen: afterOpen.rss, heapUsedAfterOpen: afterOpen.heapUsed, cpuPct };
  process.send?.(result, () => process.exit(0));
}

await main();
