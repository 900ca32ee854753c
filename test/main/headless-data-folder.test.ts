// The machine's own faults around the data folder, as a user meets them with real headless
// processes: two processes on one folder, a killed holder, imports that would hurt the live
// session, phones that cannot start, a folder that cannot be written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOLDER_NAME } from '../../main/engine/data-folder-lock.js';
import { runHeadless, type Run } from '../support/headless-run.js';
import { installTestRoot, startWaServer, testRootPublicKey, uninstallTestRoot, type WaServer } from '../support/wa-server/index.js';
import { pairDevice } from '../support/wa-server/baileys-client.js';

/** Nothing listens here: a phone keeps trying to connect, which is all these tests need. */
const NO_SERVER = { SESSION_KEEPER_WA_URL: 'ws://127.0.0.1:9/ws/chat' };

/** Every entry under dir with its kind, mode, inode, mtime and content hash: any write shows. */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string) => {
    const path = join(dir, rel);
    const s = await stat(path);
    const what = `${s.isDirectory() ? 'dir' : 'file'} ${s.mode.toString(8)} ino=${s.ino} mtime=${s.mtimeMs}`;
    if (s.isDirectory()) {
      out[rel || '.'] = what;
      for (const name of (await readdir(path)).sort()) await walk(join(rel, name));
    } else {
      out[rel] = `${what} sha256=${createHash('sha256').update(await readFile(path)).digest('hex')}`;
    }
  };
  await walk('');
  return out;
}

async function holderPid(dataDir: string): Promise<number> {
  return (JSON.parse(await readFile(join(dataDir, HOLDER_NAME), 'utf8')) as { pid: number }).pid;
}

async function stopRun(run: Run): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill('SIGCONT');
  run.child.kill('SIGTERM');
  await run.exit;
}

test('a second process on a live data folder is refused with exit 2 naming the holder, and leaves the folder byte-identical', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-lock-'));
  const source = await mkdtemp(join(tmpdir(), 'bot-'));
  const first = runHeadless(['--data-dir', dataDir], NO_SERVER);
  try {
    await first.waitForOutput(/\[default\] (connecting|reconnecting)/);
    const pid = first.child.pid;
    assert.ok(pid);
    assert.equal(await holderPid(dataDir), pid);
    // the holder is frozen so that any change to the folder can only come from the second process
    first.child.kill('SIGSTOP');
    const before = await fingerprint(dataDir);
    for (const args of [[], ['import', source], ['backup'], ['restore']]) {
      const second = runHeadless([...args, '--data-dir', dataDir], NO_SERVER);
      assert.equal(await second.exit, 2, `${args.join(' ') || 'run'}: ${second.out()}${second.err()}`);
      assert.match(
        second.err(),
        new RegExp(`^error: The data folder .* is in use by Session Keeper \\(headless run, pid ${pid}\\) since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\. Stop it first`),
      );
      assert.doesNotMatch(second.out(), /Session Keeper headless|Imported|Backed up|Restored/);
    }
    assert.deepEqual(await fingerprint(dataDir), before, 'the refused processes wrote nothing');
    first.child.kill('SIGCONT');
    first.child.kill('SIGTERM');
    assert.equal(await first.exit, 0);
    await assert.rejects(readFile(join(dataDir, HOLDER_NAME)), /ENOENT/, 'a clean stop lets the folder go');
  } finally {
    await stopRun(first);
    await rm(dataDir, { recursive: true, force: true });
    await rm(source, { recursive: true, force: true });
  }
});

test('a SIGKILLed holder does not block the next start: its lock is taken over at once', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-lock-'));
  const first = runHeadless(['--data-dir', dataDir], NO_SERVER);
  let next: Run | null = null;
  try {
    await first.waitForOutput(/\[default\] (connecting|reconnecting)/);
    first.child.kill('SIGKILL');
    await first.exit;
    assert.equal(await holderPid(dataDir), first.child.pid, 'the killed process left its lock and record behind');
    next = runHeadless(['--data-dir', dataDir], NO_SERVER);
    await next.waitForOutput(/\[default\] (connecting|reconnecting)/, 10_000);
    assert.equal(await holderPid(dataDir), next.child.pid);
    next.child.kill('SIGTERM');
    assert.equal(await next.exit, 0, next.err());
  } finally {
    if (next) await stopRun(next);
    await rm(dataDir, { recursive: true, force: true });
  }
});

/** A server, a Baileys folder paired with it (account 15550000001), imported as phone "bot" with one backup. */
async function importedBot(): Promise<{ server: WaServer; dataDir: string; botDir: string; env: Record<string, string>; close(): Promise<void> }> {
  installTestRoot();
  const server = await startWaServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-import-'));
  const botDir = await mkdtemp(join(tmpdir(), 'bot-'));
  const env = { SESSION_KEEPER_WA_URL: server.url, WA_TEST_ROOT: testRootPublicKey().toString('hex') };
  const close = async () => {
    await server.close();
    uninstallTestRoot();
    await rm(dataDir, { recursive: true, force: true });
    await rm(botDir, { recursive: true, force: true });
  };
  try {
    await pairDevice(server, botDir);
    const imported = runHeadless(['import', botDir, '--data-dir', dataDir, '--phone', 'bot']);
    assert.equal(await imported.exit, 0, imported.err());
    const backup = runHeadless(['backup', '--data-dir', dataDir, '--phone', 'bot']);
    assert.equal(await backup.exit, 0, backup.err());
  } catch (err) {
    await close();
    throw err;
  }
  return { server, dataDir, botDir, env, close };
}

test('restore while a run is live is refused, and the live session is not touched', async () => {
  const bot = await importedBot();
  const live = runHeadless(['--data-dir', bot.dataDir, '--phone', 'bot'], bot.env);
  try {
    await live.waitForOutput(/\[bot\] open/);
    const restore = runHeadless(['restore', '--data-dir', bot.dataDir, '--phone', 'bot'], bot.env);
    assert.equal(await restore.exit, 2, restore.out());
    assert.match(restore.err(), new RegExp(`in use by Session Keeper \\(headless run, pid ${live.child.pid}\\)`));
    assert.doesNotMatch(restore.out(), /Restored/);
    await assert.rejects(stat(join(bot.dataDir, 'quarantine')), /ENOENT/, 'no session files were set aside');
    assert.equal(live.child.exitCode, null, 'the live run keeps running');
    live.child.kill('SIGTERM');
    assert.equal(await live.exit, 0);
  } finally {
    await stopRun(live);
    await bot.close();
  }
});

test('import refuses a source inside the data folder, so importing the live session over itself keeps it', async () => {
  const bot = await importedBot();
  try {
    const sessionDir = join(bot.dataDir, 'sessions', 'bot');
    const before = await fingerprint(sessionDir);
    const self = runHeadless(['import', sessionDir, '--replace', '--data-dir', bot.dataDir, '--phone', 'bot']);
    assert.equal(await self.exit, 1);
    assert.match(self.err(), new RegExp(`error: cannot import ${sessionDir}: it is inside the data folder ${bot.dataDir}\\.`));
    assert.deepEqual(await fingerprint(sessionDir), before, 'the live session is where it was, unchanged');
    await assert.rejects(stat(join(bot.dataDir, 'quarantine')), /ENOENT/);
  } finally {
    await bot.close();
  }
});

test('import refuses an account already linked under another phone id, whatever its device number', async () => {
  const bot = await importedBot();
  const second = await mkdtemp(join(tmpdir(), 'bot-again-'));
  try {
    // a second linked device of the same account (same number, another device suffix)
    const again = await pairDevice(bot.server, second);
    assert.match(again.jid, /^15550000001:/);
    const creds = JSON.parse(await readFile(join(bot.dataDir, 'sessions', 'bot', 'creds.json'), 'utf8')) as { me: { id: string } };
    assert.notEqual(creds.me.id, again.jid, 'two devices');
    const refused = runHeadless(['import', second, '--data-dir', bot.dataDir, '--phone', 'other']);
    assert.equal(await refused.exit, 1);
    assert.match(refused.err(), /error: cannot import .*: its account 15550000001@s\.whatsapp\.net is already linked here as phone "bot"\./);
    await assert.rejects(stat(join(bot.dataDir, 'sessions', 'other')), /ENOENT/, 'nothing was imported');
    const sameId = runHeadless(['import', second, '--replace', '--data-dir', bot.dataDir, '--phone', 'bot']);
    assert.equal(await sameId.exit, 0, `into the phone that has it, it is a replacement: ${sameId.err()}`);
  } finally {
    await rm(second, { recursive: true, force: true });
    await bot.close();
  }
});

test('when no phone could start, the runner exits 1 with one line per phone instead of idling', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-start-'));
  try {
    await mkdir(join(dataDir, 'sessions'), { recursive: true });
    for (const id of ['shop', 'home']) await writeFile(join(dataDir, 'sessions', id), 'not a folder');
    const run = runHeadless(['--data-dir', dataDir, '--phone', 'shop', '--phone', 'home'], NO_SERVER);
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 15_000);
    const code = await run.exit;
    clearTimeout(timer);
    assert.equal(code, 1, `exit code (null: still running after 15 s)\n${run.out()}${run.err()}`);
    const lines = run.err().trim().split('\n');
    assert.equal(lines[0], 'error: no phone could start:');
    assert.match(lines[1] ?? '', /^ {2}\[shop\] could not start: .*sessions\/shop exists and is not a folder$/);
    assert.match(lines[2] ?? '', /^ {2}\[home\] could not start: .*sessions\/home exists and is not a folder$/);
    await assert.rejects(readFile(join(dataDir, HOLDER_NAME)), /ENOENT/, 'the folder was let go');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a data folder under a regular file (ENOTDIR) or under /proc (ENOENT) is a clear error naming the folder and the reason, with exit 2', async () => {
  const base = await mkdtemp(join(tmpdir(), 'headless-unwritable-'));
  try {
    await writeFile(join(base, 'a-file'), 'x');
    const dataDir = join(base, 'a-file', 'keeper');
    for (const args of [[], ['import', base], ['backup'], ['restore']]) {
      const run = runHeadless([...args, '--data-dir', dataDir], NO_SERVER);
      assert.equal(await run.exit, 2, `${args.join(' ') || 'run'}: ${run.out()}${run.err()}`);
      assert.equal(
        run.err(),
        `error: The data folder ${dataDir} cannot be written: a part of its path is a file, not a folder (ENOTDIR). Choose a writable folder (--data-dir or SESSION_KEEPER_DATA_DIR) or fix its permissions.\n`,
      );
    }
    if (process.platform === 'linux') {
      // Node's own recursive mkdir never returns here: the runner used to sit idle forever
      const underProc = '/proc/session-keeper-test/keeper';
      const run = runHeadless(['--data-dir', underProc], NO_SERVER);
      const timer = setTimeout(() => run.child.kill('SIGKILL'), 15_000);
      assert.equal(await run.exit, 2, `exit code (null: still running after 15 s)\n${run.out()}${run.err()}`);
      clearTimeout(timer);
      assert.match(run.err(), /^error: The data folder \/proc\/session-keeper-test\/keeper cannot be written: a folder on its path does not exist and cannot be created \(ENOENT\)\./);
    }
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

/** A read-only tmpfs at a new folder, when this process may mount one (root with CAP_SYS_ADMIN). */
async function readOnlyMount(): Promise<{ dir: string; unmount(): Promise<void> } | null> {
  const dir = await mkdtemp(join(tmpdir(), 'headless-rofs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir]).status === 0;
  if (!mounted) {
    await rm(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    unmount: async () => {
      spawnSync('umount', [dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

test('a data folder on a read-only file system is a clear error naming the folder and EROFS, with exit 2', async (t) => {
  const ro = await readOnlyMount();
  if (!ro) {
    t.skip('mounting a read-only tmpfs is not permitted here (needs root with CAP_SYS_ADMIN)');
    return;
  }
  try {
    for (const dataDir of [ro.dir, join(ro.dir, 'keeper')]) {
      const run = runHeadless(['--data-dir', dataDir], NO_SERVER);
      assert.equal(await run.exit, 2, run.out() + run.err());
      assert.match(run.err(), new RegExp(`^error: The data folder ${dataDir} cannot be written: it is on a read-only file system \\(EROFS\\)\\.`));
      assert.doesNotMatch(run.out(), /Session Keeper headless/);
    }
  } finally {
    await ro.unmount();
  }
});
