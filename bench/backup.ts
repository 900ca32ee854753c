// Backup cost on a large session: 5,000 key files written by Baileys' own auth state.
// Run: npx tsc -p tsconfig.json --outDir .build/x && node .build/x/bench/backup.js
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sealBackup } from '../main/engine/backup/archive.js';
import { restoreBackup } from '../main/engine/backup/restore.js';
import { readSessionSnapshot } from '../main/engine/backup/session-snapshot.js';
import { generateInstallationKey } from '../main/engine/backup/recovery-key.js';
import type { BackupSecret } from '../main/engine/backup/envelope.js';
import { writeBaileysSession } from '../test/main/engine/backup/session-fixture.js';

const KEY_FILES = 5_000;
const RUNS = 3;
const INFO = { phoneId: 'bench', pairedAt: Date.now(), appVersion: 'bench' };

async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

const fmt = (ms: number): string => `${ms.toFixed(0)} ms`;
const kib = (n: number): string => `${(n / 1024).toFixed(0)} KiB`;

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'sk-bench-backup-'));
  try {
    const session = join(root, 'session');
    await writeBaileysSession(session, KEY_FILES);
    const names = await readdir(session);
    let raw = 0;
    for (const n of names) raw += (await stat(join(session, n))).size;

    const passphrase: BackupSecret = { passphrase: 'bench passphrase' };
    const installation: BackupSecret = { installationKey: generateInstallationKey() };
    const snapshot = await readSessionSnapshot(session);
    const sealed = await sealBackup(snapshot, INFO, passphrase, Date.now());

    const readMs = await median(() => readSessionSnapshot(session));
    const backupPassMs = await median(async () => sealBackup(await readSessionSnapshot(session), INFO, passphrase, Date.now()));
    const backupKeyMs = await median(async () => sealBackup(await readSessionSnapshot(session), INFO, installation, Date.now()));
    const sealedByKey = await sealBackup(snapshot, INFO, installation, Date.now());

    const tgz = join(root, 'session.tgz');
    const tarMs = await median(async () => execFileSync('tar', ['czf', tgz, '-C', root, 'session']));
    const tarBytes = (await stat(tgz)).size;

    let n = 0;
    const restorePassMs = await median(() => restoreBackup(sealed.bytes, passphrase, join(root, `restore-${n++}`), { binding: { phoneId: INFO.phoneId, createdAt: sealed.metadata.createdAt } }));
    const restoreKeyMs = await median(() => restoreBackup(sealedByKey.bytes, installation, join(root, `restore-${n++}`), { binding: { phoneId: INFO.phoneId, createdAt: sealedByKey.metadata.createdAt } }));
    const skipMs = await median(async () => {
      const s = await readSessionSnapshot(session);
      if (s.contentHash !== sealed.metadata.contentHash) throw new Error('hash changed');
    });

    const rows: [string, string][] = [
      ['session', `${names.length} files, ${kib(raw)}`],
      ['read folder + hash (unchanged-skip check)', fmt(skipMs)],
      ['backup, passphrase (scrypt 2^17,8,1)', fmt(backupPassMs)],
      ['backup, installation key', fmt(backupKeyMs)],
      ['  of which folder read', fmt(readMs)],
      ['archive bytes (brotli q5 + AES-GCM)', `${sealed.bytes.length} (${kib(sealed.bytes.length)}, ${((100 * sealed.bytes.length) / raw).toFixed(1)}% of raw)`],
      ['tar czf bytes', `${tarBytes} (${kib(tarBytes)}, ${((100 * tarBytes) / raw).toFixed(1)}% of raw)`],
      ['archive / tar czf', `${(sealed.bytes.length / tarBytes).toFixed(2)}×`],
      ['tar czf time', fmt(tarMs)],
      ['restore + verify, passphrase', fmt(restorePassMs)],
      ['restore + verify, installation key', fmt(restoreKeyMs)],
    ];
    const w = Math.max(...rows.map(([k]) => k.length));
    console.log(`backup bench (median of ${RUNS}, node ${process.version}, ${process.platform})`);
    for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
