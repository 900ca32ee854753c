// A restore killed at any moment leaves either no session folder under its name or the whole,
// byte-identical session: its files are written and synced as a batch in a hidden temp folder,
// which is published by one rename only after that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sealBackup } from '../../../../main/engine/backup/archive.js';
import { generateInstallationKey } from '../../../../main/engine/backup/recovery-key.js';
import { readSessionSnapshot } from '../../../../main/engine/backup/session-snapshot.js';
import { writeBaileysSession } from './session-fixture.js';

const CHILD = fileURLToPath(new URL('../../../support/backup/restore-child.js', import.meta.url));
const ROUNDS = 12;

function runRestore(args: string[], killAfterMs: number | null): Promise<{ done: boolean; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let t0 = 0;
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (t0 === 0 && out.includes('ready\n')) {
        t0 = performance.now();
        if (killAfterMs !== null) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`restore child failed (${code ?? signal}): ${err}`));
      else resolve({ done: out.includes('done\n'), ms: performance.now() - t0 });
    });
  });
}

test('a restore SIGKILLed at random moments leaves no session folder or the complete one, never a partial one', { timeout: 120_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'sk-restore-crash-'));
  try {
    const session = join(root, 'session');
    await writeBaileysSession(session, 1_500);
    const snapshot = await readSessionSnapshot(session);
    const key = generateInstallationKey();
    const createdAt = Date.now();
    const sealed = await sealBackup(snapshot, { phoneId: 'p0', pairedAt: createdAt, appVersion: 'test' }, { installationKey: key }, createdAt);
    const file = join(root, 'backup.skb');
    await writeFile(file, sealed.bytes);
    const expected = new Map(snapshot.files.map((f) => [f.name, Buffer.from(f.bytes)]));
    const args = (dest: string) => [file, key.toString('hex'), dest, 'p0', String(sealed.metadata.createdAt)];

    const full = await runRestore(args(join(root, 'calibrate')), null);
    assert.equal(full.done, true);
    let complete = 0;
    let absent = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const dest = join(root, `restore-${round}`);
      const { done } = await runRestore(args(dest), Math.random() * full.ms * 1.1);
      const names = await readdir(dest).catch(() => null);
      if (names === null) {
        assert.equal(done, false, 'a restore that reported done must have published its folder');
        absent += 1;
        continue;
      }
      assert.deepEqual(names.sort(), [...expected.keys()].sort(), `round ${round}: a published folder holds every file`);
      for (const name of names) assert.ok((await readFile(join(dest, name))).equals(expected.get(name) ?? Buffer.alloc(0)), `round ${round}: ${name} is whole`);
      complete += 1;
    }
    // the kills must have landed before and after the publish, or the test proved nothing
    assert.ok(absent > 0, `no kill landed before the publish (${complete} complete)`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
