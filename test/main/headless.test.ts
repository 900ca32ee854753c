// The headless runner as a user runs it: a child process, its terminal output, its exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decodeTerminalQr } from '../support/terminal-qr.js';
import { installTestRoot, startWaServer, testRootPublicKey, uninstallTestRoot } from '../support/wa-server/index.js';
import { pairDevice } from '../support/wa-server/baileys-client.js';
import { start as startStorage } from '../support/supabase-server/storage-server.js';
import { runHeadless } from '../support/headless-run.js';

const here = dirname(fileURLToPath(import.meta.url));
/** the real entry point `npm run headless` starts (no test certificate root) */
const ENTRY = join(here, '..', '..', 'main', 'headless-entry.js');
const SLOW_BAILEYS = pathToFileURL(join(here, '..', 'support', 'slow-baileys.js')).href;

test('--help prints the usage and exits 0', async () => {
  const run = runHeadless(['--help']);
  assert.equal(await run.exit, 0);
  assert.match(run.out(), /Usage:/);
  assert.match(run.out(), /--data-dir/);
});

test('an unknown flag or a bad phone id is a clear error with exit code 2', async () => {
  const bad = runHeadless(['--bogus']);
  assert.equal(await bad.exit, 2);
  assert.match(bad.err(), /error: .*bogus/);
  const badPhone = runHeadless(['--phone', 'my phone!']);
  assert.equal(await badPhone.exit, 2);
  assert.match(badPhone.err(), /Phone id "my phone!" is not valid/);
});

test('a weak SESSION_KEEPER_BACKUP_PASSPHRASE is refused before anything runs, with exit 2 and the reason', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-pass-'));
  try {
    const run = runHeadless(['backups', '--data-dir', dataDir], { SESSION_KEEPER_BACKUP_PASSPHRASE: 'secret1' });
    assert.equal(await run.exit, 2);
    assert.match(run.err(), /SESSION_KEEPER_BACKUP_PASSPHRASE is refused: The backup passphrase needs at least 12 characters \(this one has 7\)/);
    assert.deepEqual(await readdir(dataDir), ['settings.json'], 'no key, session or backup was created');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('the runner prints a QR that scans, shows the phone open, and exits 0 on SIGTERM with the session saved', async () => {
  installTestRoot();
  const server = await startWaServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-'));
  const run = runHeadless(['--data-dir', dataDir], {
    SESSION_KEEPER_WA_URL: server.url,
    WA_TEST_ROOT: testRootPublicKey().toString('hex'),
  });
  try {
    await run.waitForOutput(/Scan with WhatsApp/);
    const art = run
      .out()
      .split('\n')
      .filter((l) => l.includes('\u001b[47m'))
      .join('\n');
    const qr = decodeTerminalQr(art);
    assert.ok(qr, 'the terminal QR decodes');
    await server.phone.scan(qr);
    await run.waitForOutput(/\[default\] open · session age 0d 0h/);
    run.child.kill('SIGTERM');
    assert.equal(await run.exit, 0);
    assert.match(run.out(), /SIGTERM: stopping sessions/);
    assert.match(run.out(), /⏱️ Session duration: 0 days, 0 hours/);
    const files = await readdir(join(dataDir, 'sessions', 'default'));
    assert.ok(files.includes('creds.json'));
  } finally {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await server.close();
    uninstallTestRoot();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('backup-check names what the Supabase project lacks (exit 1) and passes once it is fixed (exit 0)', async () => {
  const storage = await startStorage({ key: 'service', roles: { anon: { insert: true, select: true } }, buckets: ['backups'] });
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-check-'));
  const env = (bucket: string) => ({ SUPABASE_URL: storage.url, SUPABASE_KEY: 'anon', SUPABASE_BUCKET: bucket, SESSION_KEEPER_SETTINGS_DIR: dataDir });
  try {
    const listed = runHeadless(['backups', '--data-dir', dataDir], env('backup'));
    assert.equal(await listed.exit, 0, listed.err());
    assert.match(listed.out(), /No backups of phone "default"\. If you expected some, run backup-check/);

    const wrongBucket = runHeadless(['backup-check', '--data-dir', dataDir], env('backup'));
    assert.equal(await wrongBucket.exit, 1);
    assert.match(wrongBucket.err(), /The bucket 'backup' does not exist or this key cannot see it/);
    assert.match(wrongBucket.out(), /FAIL write/);

    const noDelete = runHeadless(['backup-check', '--data-dir', dataDir], env('backups'));
    assert.equal(await noDelete.exit, 1);
    assert.match(noDelete.err(), /Uploads work but deletes are silently refused: add a delete policy on storage\.objects for bucket 'backups'/);
    assert.match(noDelete.out(), /ok {3}write.*\nok {3}list.*\nok {3}read.*\nFAIL remove/s);

    storage.setPolicies('anon', { insert: true, select: true, delete: true });
    const fixed = runHeadless(['backup-check', '--data-dir', dataDir], env('backups'));
    assert.equal(await fixed.exit, 0, fixed.err());
    assert.match(fixed.out(), /Connection works/);
  } finally {
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('import copies a Baileys session folder into the data folder, and backup, backups and restore work on it', async () => {
  installTestRoot();
  const server = await startWaServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-'));
  const botDir = await mkdtemp(join(tmpdir(), 'bot-'));
  try {
    const paired = await pairDevice(server, botDir);
    const run = runHeadless(['import', botDir, '--data-dir', dataDir, '--phone', 'bot']);
    assert.equal(await run.exit, 0, run.err());
    assert.match(run.out(), /Imported .* as phone "bot"/);
    const creds = join(dataDir, 'sessions', 'bot', 'creds.json');
    assert.equal((await stat(creds)).mode & 0o777, 0o600);
    assert.ok(paired.jid);
    const again = runHeadless(['import', join(botDir, 'missing'), '--data-dir', dataDir, '--phone', 'bot']);
    assert.equal(await again.exit, 1);
    assert.match(again.err(), /error: /);

    // the backup subcommands on the imported session
    const backup = runHeadless(['backup', '--data-dir', dataDir, '--phone', 'bot']);
    assert.equal(await backup.exit, 0, backup.err());
    const generation = /Backed up phone "bot" as (\S+)\./.exec(backup.out())?.[1];
    assert.ok(generation, backup.out());
    const unchanged = runHeadless(['backup', '--data-dir', dataDir, '--phone', 'bot']);
    assert.equal(await unchanged.exit, 0);
    assert.match(unchanged.out(), /Nothing changed/);
    const list = runHeadless(['backups', '--data-dir', dataDir, '--phone', 'bot']);
    assert.equal(await list.exit, 0);
    assert.match(list.out(), new RegExp(`^${generation.replace('.', '\\.')}  `, 'm'));
    const restore = runHeadless(['restore', generation, '--data-dir', dataDir, '--phone', 'bot']);
    assert.equal(await restore.exit, 0, restore.err());
    assert.match(restore.out(), /Restored .* for 15550000001/);
    assert.match(restore.out(), /moved to .*quarantine/);
    const bad = runHeadless(['restore', 'no-such-generation', '--data-dir', dataDir, '--phone', 'bot']);
    assert.equal(await bad.exit, 1);
    assert.match(bad.err(), /error: /);

    // another machine: only the backup files and the recovery key travel
    const rk = runHeadless(['recovery-key', '--data-dir', dataDir, '--phone', 'bot']);
    assert.equal(await rk.exit, 0, rk.err());
    const recoveryKey = rk.out().trim();
    assert.match(recoveryKey, /^[A-Z0-9]{4}(-[A-Z0-9]{4})+$/);
    const otherDir = await mkdtemp(join(tmpdir(), 'headless-other-'));
    try {
      await cp(join(dataDir, 'backups'), join(otherDir, 'backups'), { recursive: true });
      // no key here, and asking for one makes none (it used to print a new, useless key)
      const none = runHeadless(['recovery-key', '--data-dir', otherDir, '--phone', 'bot']);
      assert.equal(await none.exit, 1);
      assert.match(none.err(), /No recovery key to print: .*missing: only the recovery key you wrote down then can open it/);
      assert.equal(none.out(), '');
      await assert.rejects(stat(join(otherDir, 'keys', 'backup-installation.key')));
      const noKey = runHeadless(['restore', '--data-dir', otherDir, '--phone', 'bot']);
      assert.equal(await noKey.exit, 1);
      assert.match(noKey.err(), /no backup key on this computer .*restore with your recovery key/i);
      const withKey = runHeadless(['restore', '--data-dir', otherDir, '--phone', 'bot', '--recovery-key', recoveryKey]);
      assert.equal(await withKey.exit, 0, withKey.err());
      assert.match(withKey.out(), /Restored .* for 15550000001/);
      // the recovery key is now this machine's key too: one key for old and new backups
      const same = runHeadless(['recovery-key', '--data-dir', otherDir, '--phone', 'bot']);
      assert.equal(await same.exit, 0, same.err());
      assert.equal(same.out().trim(), recoveryKey);
      // with a passphrase set, the key would open nothing new: refused with the reason
      const pass = runHeadless(['recovery-key', '--data-dir', otherDir, '--phone', 'bot'], { SESSION_KEEPER_BACKUP_PASSPHRASE: 'copper lantern orbit' });
      assert.equal(await pass.exit, 0, 'the newest backup still uses the key');
      assert.equal(pass.out().trim(), recoveryKey);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  } finally {
    await server.close();
    uninstallTestRoot();
    await rm(dataDir, { recursive: true, force: true });
    await rm(botDir, { recursive: true, force: true });
  }
});

test('the runner takes its phones from the shared settings file, and an invalid file is a clear error with exit 2', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-settings-'));
  try {
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ version: 1, phones: [{ id: 'shop' }], keepAlive: { intervalHours: 3 } }));
    const bad = runHeadless(['--data-dir', dataDir]);
    assert.equal(await bad.exit, 2);
    assert.match(bad.err(), /settings file .*settings\.json is not valid/);
    assert.match(bad.err(), /keepAlive\.intervalHours: Keep-alive interval must be between 6 and 24 hours \(got 3\)/);

    await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ version: 1, phones: [{ id: 'shop', label: 'Shop' }] }));
    // no server: the phone tries to connect; its status line names the phone from the settings
    const run = runHeadless(['--data-dir', dataDir], { SESSION_KEEPER_WA_URL: 'ws://127.0.0.1:9/ws/chat' });
    await run.waitForOutput(/\[shop\] (connecting|reconnecting)/);
    run.child.kill('SIGTERM');
    assert.equal(await run.exit, 0);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a settings file that is not JSON, or a folder in its place, is an error naming the file, with exit 2', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-settings-'));
  try {
    await writeFile(join(dataDir, 'settings.json'), '{"version": 1, oops');
    const bad = runHeadless(['--data-dir', dataDir]);
    const timer = setTimeout(() => bad.child.kill('SIGKILL'), 15_000);
    assert.equal(await bad.exit, 2, bad.out());
    clearTimeout(timer);
    assert.match(bad.err(), new RegExp(`The settings file ${join(dataDir, 'settings.json').replace(/[\\.]/g, '\\$&')} is not valid`));
    assert.match(bad.err(), /not valid JSON/);

    await rm(join(dataDir, 'settings.json'));
    await mkdir(join(dataDir, 'settings.json'));
    const folder = runHeadless(['--data-dir', dataDir]);
    const timer2 = setTimeout(() => folder.child.kill('SIGKILL'), 15_000);
    assert.equal(await folder.exit, 2, folder.out());
    clearTimeout(timer2);
    assert.match(folder.err(), /settings\.json is not valid:\n {2}- \(file\): a folder is where the file should be/);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a SIGINT while the runner is still loading Baileys (its first 0.3 s) ends it with exit 0, not 130', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-sigint-'));
  // the real entry point, with Baileys' import announced and held so the signal lands inside it
  const child = spawn(process.execPath, ['--import', SLOW_BAILEYS, ENTRY, '--data-dir', join(dataDir, 'data')], {
    env: { ...process.env, SESSION_KEEPER_WA_URL: 'ws://127.0.0.1:9/ws/chat' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let err = '';
  try {
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('loading @whiskeysockets/baileys')) resolve();
      }),
    );
    child.kill('SIGINT');
    assert.equal(await exit, 0, err);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a fresh install makes its data folder 0700 and says "not linked yet — scan the QR", and r on stdin brings a new QR code', async () => {
  installTestRoot();
  const server = await startWaServer();
  const parent = await mkdtemp(join(tmpdir(), 'headless-fresh-'));
  const dataDir = join(parent, 'new', 'data');
  const run = runHeadless(['--data-dir', dataDir], { SESSION_KEEPER_WA_URL: server.url, WA_TEST_ROOT: testRootPublicKey().toString('hex') }, 'pipe');
  try {
    await run.waitForOutput(/Scan with WhatsApp/);
    if (process.platform !== 'win32') assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
    assert.match(run.out(), /INFO {2}\[default\] Not linked yet — link it on the phone/);
    assert.doesNotMatch(run.out(), /missing or unusable/);
    const firstQr = run.out().length;
    run.child.stdin?.write('r\n');
    await run.waitForOutput(/\[default\] asking for a new QR code…/);
    // a new QR after the request: the output after it holds another "Scan with WhatsApp"
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`no new QR after r:\n${run.out().slice(firstQr)}`)), 15_000);
      const poll = setInterval(() => {
        const after = run.out().slice(run.out().indexOf('asking for a new QR code'));
        if (after.includes('Scan with WhatsApp')) {
          clearInterval(poll);
          clearTimeout(deadline);
          resolve();
        }
      }, 20);
    });
    run.child.stdin?.write('qr nobody\n');
    await run.waitForOutput(/No phone "nobody" is running here \(default\)/);
    run.child.kill('SIGTERM');
    assert.equal(await run.exit, 0);
  } finally {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await server.close();
    uninstallTestRoot();
    await chmod(parent, 0o700).catch(() => undefined);
    await rm(parent, { recursive: true, force: true });
  }
});

test('--pair-code prints a code instead of the QR; typed on the phone it links, and the run shows the phone open', async () => {
  installTestRoot();
  const server = await startWaServer({ phoneNumber: '15550000001' });
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-code-'));
  const run = runHeadless(['--data-dir', dataDir, '--pair-code', '+1 555 000 0001'], {
    SESSION_KEEPER_WA_URL: server.url,
    WA_TEST_ROOT: testRootPublicKey().toString('hex'),
  });
  try {
    await run.waitForOutput(/Code [1-9A-HJ-NP-TV-Z]{4}-[1-9A-HJ-NP-TV-Z]{4} expires in 2:[0-5]\d\./);
    const code = /^\s+([1-9A-HJ-NP-TV-Z]{4}-[1-9A-HJ-NP-TV-Z]{4})$/m.exec(run.out())?.[1];
    assert.ok(code, 'the code stands on a line of its own');
    assert.match(run.out(), /Link with phone number instead/);
    assert.doesNotMatch(run.out(), /Scan with WhatsApp/, 'no QR code is drawn for a phone linking by number');
    await server.waitFor(() => server.connections.find((c) => c.linkCodeFor === '15550000001@s.whatsapp.net'), 5000, 'the companion_hello');
    await server.phone.enterCode(code);
    await run.waitForOutput(/\[default\] open · session age 0d 0h/);
    run.child.kill('SIGTERM');
    assert.equal(await run.exit, 0);
    assert.ok((await readdir(join(dataDir, 'sessions', 'default'))).includes('creds.json'));
  } finally {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await server.close();
    uninstallTestRoot();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('--pair-code with a number lacking its country code exits 2 before anything runs, saying why', async () => {
  const run = runHeadless(['--pair-code', '07700 900123']);
  assert.equal(await run.exit, 2);
  assert.match(run.err(), /--pair-code: .*no country code/);
});
