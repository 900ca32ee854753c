// Restore of a 5,000-key session (issue 14: ≤ 0.5 s), split into its parts, and optionally side
// by side with another build's restoreBackup, alternating run by run so both see the same load.
// Run: npm run build && node dist/bench/restore.js [--reps=7] [--baseline=<other checkout>/dist] [--dir=<parent folder>]
import { execFile } from 'node:child_process';
import { scrypt } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { openBackup, sealBackup } from '../main/engine/backup/archive.js';
import { DEFAULT_SCRYPT, type BackupSecret } from '../main/engine/backup/envelope.js';
import { generateInstallationKey } from '../main/engine/backup/recovery-key.js';
import { restoreBackup } from '../main/engine/backup/restore.js';
import { readSessionSnapshot } from '../main/engine/backup/session-snapshot.js';
import { writeNewFilesSynced } from '../main/engine/auth-store/atomic-fs.js';
import { writeBaileysSession } from '../test/main/engine/backup/session-fixture.js';
import { machineInfo, machineLine } from './support/machine.js';
import { markdownTable, median, ms } from './support/stats.js';

const KEY_FILES = 5_000;
const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const reps = Number(arg('reps') ?? 7);
const baselineDir = arg('baseline');

type Restore = typeof restoreBackup;

async function main(): Promise<void> {
  const before: Restore | null = baselineDir
    ? ((await import(pathToFileURL(resolve(baselineDir, 'main/engine/backup/restore.js')).href)) as { restoreBackup: Restore }).restoreBackup
    : null;
  const root = await mkdtemp(join(arg('dir') ?? tmpdir(), 'sk-bench-restore-'));
  try {
    const session = join(root, 'session');
    await writeBaileysSession(session, KEY_FILES);
    const snapshot = await readSessionSnapshot(session);
    const info = { phoneId: 'bench', pairedAt: Date.now(), appVersion: 'bench' };
    const key: BackupSecret = { installationKey: generateInstallationKey() };
    const pass: BackupSecret = { passphrase: 'bench passphrase' };
    const byKey = await sealBackup(snapshot, info, key, 1_000);
    const byPass = await sealBackup(snapshot, info, pass, 2_000);
    const binding = (createdAt: number) => ({ binding: { phoneId: info.phoneId, createdAt } });

    const tarball = join(root, 'session.tar');
    await run('tar', ['-cf', tarball, '-C', session, '.']);

    // Every restored folder stays until the end: ext4 skips inodes freed in the last minute or so
    // when it allocates new ones (recently_deleted), so deleting 5,000 files between rounds made
    // the next round's file creations ~20× slower. /tmp of a machine running test suites is such
    // a place too: `--dir` puts the bench where the data folder would be.
    let n = 0;
    const fresh = () => join(root, `r-${n++}`);
    const samples = new Map<string, number[]>();
    const loads: number[] = [];
    const cpu = new Map<string, number[]>();
    // CPU time of this process (main thread and thread pool) says what the load cannot: the work
    const time = async (label: string, fn: () => Promise<unknown>): Promise<void> => {
      const c = process.cpuUsage();
      const t = performance.now();
      await fn();
      samples.set(label, [...(samples.get(label) ?? []), performance.now() - t]);
      const used = process.cpuUsage(c);
      cpu.set(label, [...(cpu.get(label) ?? []), (used.user + used.system) / 1000]);
    };
    // one untimed warm-up of each, then every measurement once per round, alternating
    await restoreBackup(byKey.bytes, key, fresh(), binding(1_000));
    if (before) await before(byKey.bytes, key, fresh(), binding(1_000));
    for (let i = 0; i < reps; i++) {
      loads.push(loadavg()[0] ?? 0);
      const pair: [string, Restore][] = [['after', restoreBackup]];
      if (before) pair.push(['before', before]);
      if (i % 2 === 1) pair.reverse();
      for (const [label, restore] of pair) await time(`restore + verify, installation key (${label})`, () => restore(byKey.bytes, key, fresh(), binding(1_000)));
      await time('  open: decrypt + decompress + unpack + hash check', () => openBackup(byKey.bytes, key, { phoneId: info.phoneId, createdAt: 1_000 }));
      await time('  write 5,001 files + make them durable', async () => {
        const dir = fresh();
        await mkdir(dir);
        await writeNewFilesSynced(dir, snapshot.files);
      });
      await time('  floor: `tar x` of the same files + `sync -f` (Linux)', async () => {
        const dir = fresh();
        await mkdir(dir);
        await run('tar', ['-xf', tarball, '-C', dir]);
        await run('sync', ['-f', dir]);
      });
      await time('restore + verify, passphrase', () => restoreBackup(byPass.bytes, pass, fresh(), binding(2_000)));
      await time('  of which scrypt (2^17, 8, 1) alone', () => scryptOnce());
    }
    const m = machineInfo();
    console.log(`restore bench: ${snapshot.files.length} files, ${reps} rounds, in ${root}${before ? `, before = ${baselineDir}` : ''}`);
    console.log(machineLine(m));
    console.log(`1-min load average during the rounds: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`);
    const rows = [...samples].map(([label, v]) => [label, ms(median(v)), ms(Math.min(...v)), ms(Math.max(...v)), ms(median(cpu.get(label) ?? []))]);
    console.log(markdownTable(['what', 'wall median', 'wall min', 'wall max', 'CPU median (this process)'], rows));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function run(program: string, args: string[]): Promise<void> {
  return new Promise((res, rej) => execFile(program, args, (e) => (e ? rej(e) : res())));
}

function scryptOnce(): Promise<void> {
  const { logN, r, p } = DEFAULT_SCRYPT;
  return new Promise((res, rej) => scrypt('bench passphrase', 'salt-salt-salt-s', 32, { N: 2 ** logN, r, p, maxmem: 256 * 1024 * 1024 }, (e) => (e ? rej(e) : res())));
}

await main();
