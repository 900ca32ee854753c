// Keep-alive cost: bytes on the wire per pulse (counted at the test server) and the engine's idle
// CPU between pulses with 1 and 50 phones. The test server runs in a child process so its work
// is not billed to the engine.
// Run: npx tsc -p tsconfig.json --outDir .build/x && node .build/x/bench/keepalive.js
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';
import { createKeeper, type Keeper } from '../main/engine/keeper.js';
import { startWaServer, testRootPublicKey } from '../test/support/wa-server/index.js';

const IDLE_MS = 10_000;
const PULSES = 5;

type ToServer = { op: 'scan'; qr: string } | { op: 'bytes' } | { op: 'close' };
type FromServer = { op: 'ready'; url: string; root: string } | { op: 'scanned' } | { op: 'bytes'; bytesIn: number; presences: number } | { op: 'error'; message: string };

async function serverChild(): Promise<void> {
  const server = await startWaServer({});
  const reply = (m: FromServer) => process.send?.(m);
  process.on('message', (m: ToServer) => {
    if (m.op === 'scan') {
      server.phone.scan(m.qr).then(() => reply({ op: 'scanned' }), (err: unknown) => reply({ op: 'error', message: (err as Error).message }));
    } else if (m.op === 'bytes') {
      const live = server.connections.filter((c) => c.state === 'logged-in');
      reply({ op: 'bytes', bytesIn: live.reduce((n, c) => n + c.bytesIn, 0), presences: live.reduce((n, c) => n + c.presences.length, 0) });
    } else {
      void server.close().then(() => process.exit(0));
    }
  });
  reply({ op: 'ready', url: server.url, root: testRootPublicKey().toString('base64') });
}

class ServerProcess {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<{ proc: ServerProcess; url: string; root: Buffer }> {
    const child = fork(fileURLToPath(import.meta.url), ['server'], { stdio: 'inherit' });
    const proc = new ServerProcess(child);
    const ready = await proc.next();
    if (ready.op !== 'ready') throw new Error('server child did not start');
    return { proc, url: ready.url, root: Buffer.from(ready.root, 'base64') };
  }

  next(): Promise<FromServer> {
    return new Promise((resolve) => this.child.once('message', (m: FromServer) => resolve(m)));
  }

  async ask(m: ToServer): Promise<FromServer> {
    const answer = this.next();
    this.child.send(m);
    const a = await answer;
    if (a.op === 'error') throw new Error(a.message);
    return a;
  }

  close(): void {
    this.child.send({ op: 'close' });
  }
}

function waitFor(keeper: Keeper, id: string, pred: (s: ReturnType<Keeper['status']>) => boolean): Promise<ReturnType<Keeper['status']>> {
  return new Promise((resolve) => {
    const check = () => {
      const s = keeper.status(id);
      if (pred(s)) {
        keeper.off('status', check);
        resolve(s);
      }
    };
    keeper.on('status', check);
    check();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(phones: number, url: string, server: ServerProcess): Promise<{ cpuMsPerS: number[]; pulseBytes: number | null; rssMiB: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-keepalive-'));
  const ids = Array.from({ length: phones }, (_, i) => `p${i + 1}`);
  // hold 0: both presences go out at once, so one pulse fits a short measuring window
  const keeper = createKeeper({ dataDir, phones: ids.map((id) => ({ id })), socket: { waWebSocketUrl: url }, keepAlive: { holdSeconds: 0, timeZone: 'UTC' } });
  try {
    await keeper.start();
    for (const id of ids) {
      const s = await waitFor(keeper, id, (x) => x.state === 'waiting-for-scan' && x.qr !== null);
      await server.ask({ op: 'scan', qr: s.qr ?? '' });
      await waitFor(keeper, id, (x) => x.state === 'open');
    }
    await sleep(2_000); // let post-login queries settle
    let pulseBytes: number | null = null;
    if (phones === 1) {
      const sizes: number[] = [];
      for (let i = 0; i < PULSES; i++) {
        const before = await server.ask({ op: 'bytes' });
        await keeper.keepAliveNow('p1', { force: true });
        await keeper.keepAliveSettled();
        await sleep(300);
        const after = await server.ask({ op: 'bytes' });
        if (before.op === 'bytes' && after.op === 'bytes') sizes.push(after.bytesIn - before.bytesIn);
      }
      pulseBytes = Math.min(...sizes);
      await sleep(2_000); // the pulses' log and state writes are not idle time
    }
    const windows: number[] = [];
    for (let w = 0; w < 2; w++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await sleep(IDLE_MS);
      const cpu = process.cpuUsage(cpu0);
      windows.push((cpu.user + cpu.system) / 1000 / ((performance.now() - t0) / 1000));
    }
    return { cpuMsPerS: windows, pulseBytes, rssMiB: process.memoryUsage().rss / 2 ** 20 };
  } finally {
    await keeper.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { proc, url, root } = await ServerProcess.start();
  const key = Buffer.alloc(root.byteLength);
  key.set(root);
  WA_CERT_DETAILS.PUBLIC_KEY = key; // trust the child's test root (bench only)
  try {
    const rows: string[][] = [['phones', 'bytes per pulse (client→server)', `idle CPU ms/s, 1st ${IDLE_MS / 1000} s`, `idle CPU ms/s, 2nd ${IDLE_MS / 1000} s`, 'RSS MiB']];
    for (const n of [1, 50]) {
      const r = await run(n, url, proc);
      rows.push([String(n), r.pulseBytes === null ? '—' : `${r.pulseBytes} B`, ...r.cpuMsPerS.map((c) => c.toFixed(2)), r.rssMiB.toFixed(0)]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join(' | '));
    console.log('idle = between pulses: Baileys\' 30 s keep-alive pings and the keeper\'s 1-minute check timer; the test server runs in a child process.');
  } finally {
    proc.close();
  }
}

if (process.argv[2] === 'server') {
  void serverChild();
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
