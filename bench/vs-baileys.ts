// Session Keeper against plain Baileys, side by side (issue 14). Each side has its own WhatsApp
// Web test server in this (parent) process, started afresh for each of its pairings (one server
// through three pairings of 50 phones answered the later logins with 401). Every measurement runs
// in a fresh child (`node --expose-gc`) that holds either bench/plain-baileys.ts or the engine,
// never both. The two sides are interleaved run by run in ABBA order (plain, keeper, keeper,
// plain, …), so a load that drifts over minutes slows both alike; before the timed runs of each
// size one untimed run of each side warms the OS file cache and the data folders the same way.
// Prints the median of each side with its spread (min–max), and the ratio of the medians against
// the goal.
//
// Each open run measures the CPU of the 10 s that follow the 5 s after open, and then RSS at
// rest (~16 s after open, once V8's 5 s allocation window no longer holds the start;
// bench/vs-baileys-child.ts says why); both rows are medians over the runs.
//
// Run: npm run build && node dist/bench/vs-baileys.js [--phones=1,10,50] [--reps=5] [--pair-reps=3]
//      (or `npm run bench -- vs-baileys`); --reps=0 runs the pairing row only
// Env VS_BAILEYS_CPUPROF=<folder>: every child writes a V8 CPU profile of its start → open there.
import { fork } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installTestRoot, startWaServer, testRootPublicKey, uninstallTestRoot, type WaServer } from '../test/support/wa-server/index.js';
import { machineInfo, machineLine } from './support/machine.js';
import { markdownTable, median, mib, ms } from './support/stats.js';
import type { ChildQr, ChildResult } from './vs-baileys-child.js';

type Engine = ChildResult['engine'];
const ENGINES: readonly Engine[] = ['baileys', 'keeper'];
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const SIZES = (arg('phones') ?? '1,10,50').split(',').map(Number);
const REPS = Number(arg('reps') ?? 5);
const PAIR_REPS = Number(arg('pair-reps') ?? 3);
const CPUPROF = process.env.VS_BAILEYS_CPUPROF;
const MAX = Math.max(...SIZES);
const childFile = join(dirname(fileURLToPath(import.meta.url)), 'vs-baileys-child.js');

/** Scans each phone's newest QR, one at a time, like a person with one phone in hand. */
function qrScanner(server: WaServer): (m: ChildQr) => void {
  const latest = new Map<string, string>();
  let busy = false;
  const pump = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      for (let next = latest.entries().next(); !next.done; next = latest.entries().next()) {
        const [id, qr] = next.value;
        latest.delete(id);
        // an expired ref fails here; the phone's next QR comes back through `latest`
        await server.phone.scan(qr).catch(() => undefined);
      }
    } finally {
      busy = false;
    }
  };
  return (m) => {
    latest.set(m.phoneId, m.qr);
    void pump();
  };
}

let childCount = 0;
function runChild(server: WaServer, engine: Engine, mode: ChildResult['mode'], dataDir: string, phones: number, cpu: boolean): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const args = [engine, mode, dataDir, server.url, String(phones), testRootPublicKey().toString('hex'), cpu ? '1' : '0'];
    const env = CPUPROF ? { ...process.env, VS_BAILEYS_CPUPROF: join(CPUPROF, `${String(++childCount).padStart(3, '0')}-${engine}-${mode}-${phones}.cpuprofile`) } : process.env;
    const child = fork(childFile, args, { execArgv: ['--expose-gc'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const scan = qrScanner(server);
    let result: ChildResult | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('message', (m: ChildQr | ChildResult) => {
      if (m.type === 'qr') scan(m);
      else result = m;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error(`${engine} ${mode} child (${phones} phones) exited (${code ?? signal}) without a result`));
    });
  });
}

const ratio = (keeper: number, baileys: number): string => `${(keeper / baileys).toFixed(2)}×`;
const pct = (v: number): string => `${v.toFixed(2)} %`;
const points = (v: number): string => `${v < 0 ? '−' : '+'}${Math.abs(v).toFixed(2)} pt`;
const secs = (v: number): string => (v >= 1_000 ? `${(v / 1_000).toFixed(2)} s` : ms(v));
/** "median (min–max)" of one side's runs */
const spread = (runs: readonly ChildResult[], f: (r: ChildResult) => number, fmt: (v: number) => string): string => {
  const v = runs.map(f);
  return `${fmt(median(v))} (${fmt(Math.min(...v))}–${fmt(Math.max(...v))})`;
};

async function main(): Promise<void> {
  console.log(`vs-baileys bench: ${machineLine(machineInfo())}; ${REPS} interleaved runs per size (ABBA, after one untimed run of each), ${PAIR_REPS} pairing runs\n`);
  installTestRoot();
  const servers = {} as Record<Engine, WaServer>;
  const dirs = { baileys: await mkdtemp(join(tmpdir(), 'sk-vs-plain-')), keeper: await mkdtemp(join(tmpdir(), 'sk-vs-keeper-')) };
  const rows: string[][] = [];
  const verdicts: string[] = [];
  const goal = (what: string, r: number, max: number) => verdicts.push(`${r <= max ? 'PASS' : 'MISS'} ${what}: ${r.toFixed(2)}× (goal ≤ ${max}×)`);
  /** ABBA…: rep 0 plain first, rep 1 keeper first, and so on */
  const orderOf = (rep: number): readonly Engine[] => (rep % 2 === 0 ? ENGINES : [...ENGINES].reverse());
  try {
    if (CPUPROF) await mkdir(CPUPROF, { recursive: true });
    // pairing: every rep links every phone afresh into an emptied folder; the last rep's sessions
    // are the stored creds the open runs start from
    const pairs: Record<Engine, ChildResult[]> = { baileys: [], keeper: [] };
    for (let rep = 0; rep < PAIR_REPS; rep++) {
      for (const e of orderOf(rep)) {
        await rm(dirs[e], { recursive: true, force: true });
        await mkdir(dirs[e], { recursive: true });
        await servers[e]?.close();
        servers[e] = await startWaServer();
        pairs[e].push(await runChild(servers[e], e, 'pair', dirs[e], MAX, false));
      }
    }
    const pairB = median(pairs.baileys.map((r) => r.openMs));
    const pairK = median(pairs.keeper.map((r) => r.openMs));
    rows.push([String(MAX), `pair all by QR (${PAIR_REPS} runs)`, spread(pairs.baileys, (r) => r.openMs, secs), spread(pairs.keeper, (r) => r.openMs, secs), ratio(pairK, pairB)]);
    goal(`pair ${MAX} phones`, pairK / pairB, 1.2);

    for (const n of REPS > 0 ? SIZES : []) {
      // untimed: the same warm-up for both sides (file cache, first open of these phones)
      for (const e of ENGINES) await runChild(servers[e], e, 'warm', dirs[e], n, false);
      const runs: Record<Engine, ChildResult[]> = { baileys: [], keeper: [] };
      for (let rep = 0; rep < REPS; rep++) {
        // every run measures its CPU window: one 10 s window swung by ±0.8 pt (docs/benchmarks.md, sixth pass)
        for (const e of orderOf(rep)) runs[e].push(await runChild(servers[e], e, 'open', dirs[e], n, true));
      }
      const med = (e: Engine, f: (r: ChildResult) => number) => median(runs[e].map(f));
      const rssB = med('baileys', (r) => r.rss);
      const rssK = med('keeper', (r) => r.rss);
      const openB = med('baileys', (r) => r.openMs);
      const openK = med('keeper', (r) => r.openMs);
      const cpuB = med('baileys', (r) => r.cpuPct ?? Number.NaN);
      const cpuK = med('keeper', (r) => r.cpuPct ?? Number.NaN);
      rows.push([String(n), `RSS at rest, from ${secs(median([...runs.baileys, ...runs.keeper].map((r) => r.restAtMs)))} after open (median of 7 post-GC samples; median of ${REPS} runs, min–max)`, spread(runs.baileys, (r) => r.rss, mib), spread(runs.keeper, (r) => r.rss, mib), ratio(rssK, rssB)]);
      rows.push([String(n), '  heapUsed at the same samples', spread(runs.baileys, (r) => r.heapUsed, mib), spread(runs.keeper, (r) => r.heapUsed, mib), ratio(med('keeper', (r) => r.heapUsed), med('baileys', (r) => r.heapUsed))]);
      rows.push([String(n), '  young generation resident at the same samples', spread(runs.baileys, (r) => r.youngGeneration, mib), spread(runs.keeper, (r) => r.youngGeneration, mib), '']);
      rows.push([String(n), 'start → open, stored creds (all phones)', spread(runs.baileys, (r) => r.openMs, secs), spread(runs.keeper, (r) => r.openMs, secs), ratio(openK, openB)]);
      rows.push([String(n), `CPU in the 10 s after the 5 s that follow open (% of one core; median of ${REPS} runs, min–max)`, spread(runs.baileys, (r) => r.cpuPct ?? Number.NaN, pct), spread(runs.keeper, (r) => r.cpuPct ?? Number.NaN, pct), points(cpuK - cpuB)]);
      goal(`RSS at rest, ${n} phones`, rssK / rssB, 1.1);
      goal(`start → open, ${n} phones`, openK / openB, 1.2);
      verdicts.push(`${cpuK - cpuB <= 0.5 ? 'PASS' : 'MISS'} CPU after open, ${n} phones: ${points(cpuK - cpuB)} (goal ≤ +0.50 pt)`);
    }
    console.log(markdownTable(['phones', 'what', 'plain Baileys', 'Session Keeper', 'ratio'], rows));
    console.log(`\n${verdicts.join('\n')}\n(1-minute load average at the end: ${loadavg()[0]?.toFixed(2)})`);
  } finally {
    for (const server of Object.values(servers)) await server.close();
    uninstallTestRoot();
    for (const d of Object.values(dirs)) await rm(d, { recursive: true, force: true });
  }
}

await main();
setTimeout(() => process.exit(0), 3_000).unref();
