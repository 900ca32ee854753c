import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHeadlessArgs, USAGE, UsageError } from '../../main/headless-args.js';
import { defaultDataDir } from '../../main/engine/data-dir.js';

test('no arguments run the phones of the settings file in the default data folder', () => {
  assert.deepEqual(parseHeadlessArgs([]), { kind: 'run', dataDir: null, phones: null, verbose: false, api: null, webhooks: [] });
});

test('several --phone flags run several phones', () => {
  const cmd = parseHeadlessArgs(['--phone', 'shop', '--phone', 'home', '--data-dir', '/tmp/x']);
  assert.deepEqual(cmd, { kind: 'run', dataDir: '/tmp/x', phones: ['shop', 'home'], verbose: false, api: null, webhooks: [] });
});

test('import takes exactly one folder and one phone', () => {
  assert.deepEqual(parseHeadlessArgs(['import', './sessions', '--phone', 'bot', '--replace']), {
    kind: 'import',
    dataDir: null,
    phone: 'bot',
    from: './sessions',
    replace: true,
  });
  assert.throws(() => parseHeadlessArgs(['import']), /exactly one folder/);
  assert.throws(() => parseHeadlessArgs(['import', 'a', 'b']), /exactly one folder/);
  assert.throws(() => parseHeadlessArgs(['import', 'a', '--phone', 'x', '--phone', 'y']), /one --phone/);
});

test('bad input is a UsageError that says what is wrong', () => {
  assert.throws(() => parseHeadlessArgs(['--nope']), UsageError);
  assert.throws(() => parseHeadlessArgs(['--phone', '../etc']), /not valid/);
  assert.throws(() => parseHeadlessArgs(['--phone', 'a', '--phone', 'a']), /twice/);
  assert.throws(() => parseHeadlessArgs(['frobnicate']), /Unknown command "frobnicate"/);
  assert.throws(() => parseHeadlessArgs(['--replace']), /only goes with import/);
  assert.throws(() => parseHeadlessArgs(['--data-dir', ' ']), /needs a folder/);
});

test('--help wins over everything else', () => {
  assert.deepEqual(parseHeadlessArgs(['--phone', 'x', '-h']), { kind: 'help' });
});

test('the default data folder matches Electron\'s userData on each OS, and the env var overrides it', () => {
  assert.equal(defaultDataDir('linux', {}, '/home/a'), '/home/a/.config/Session Keeper/keeper');
  assert.equal(defaultDataDir('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/a'), '/cfg/Session Keeper/keeper');
  assert.equal(defaultDataDir('darwin', {}, '/Users/a'), '/Users/a/Library/Application Support/Session Keeper/keeper');
  assert.match(defaultDataDir('win32', { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'C:\\Users\\a'), /Session Keeper/);
  assert.equal(defaultDataDir('linux', { SESSION_KEEPER_DATA_DIR: '/data' }, '/home/a'), '/data');
});

test('backup, backups and restore take one phone; restore takes an optional generation', () => {
  assert.deepEqual(parseHeadlessArgs(['backup', '--force']), { kind: 'backup', dataDir: null, phone: 'default', force: true });
  assert.deepEqual(parseHeadlessArgs(['backups', '--phone', 'p']), { kind: 'backups', dataDir: null, phone: 'p' });
  assert.deepEqual(parseHeadlessArgs(['restore']), { kind: 'restore', dataDir: null, phone: 'default', generation: null, recoveryKey: null });
  assert.deepEqual(parseHeadlessArgs(['restore', 'g1', '--recovery-key', 'ABCD']), {
    kind: 'restore',
    dataDir: null,
    phone: 'default',
    generation: 'g1',
    recoveryKey: 'ABCD',
  });
  assert.deepEqual(parseHeadlessArgs(['recovery-key']), { kind: 'recovery-key', dataDir: null, phones: null });
  assert.deepEqual(parseHeadlessArgs(['recovery-key', '--phone', 'shop']), { kind: 'recovery-key', dataDir: null, phones: ['shop'] });
  assert.deepEqual(parseHeadlessArgs(['backup-check', '--data-dir', '/d']), { kind: 'backup-check', dataDir: '/d' });
  assert.throws(() => parseHeadlessArgs(['backup-check', 'extra']), /backup-check takes no arguments/);
  assert.throws(() => parseHeadlessArgs(['backup', '--recovery-key', 'x']), /only goes with restore/);
  assert.throws(() => parseHeadlessArgs(['restore', 'a', 'b']), /at most one generation/);
  assert.throws(() => parseHeadlessArgs(['backup', '--phone', 'a', '--phone', 'b']), /one --phone/);
  assert.throws(() => parseHeadlessArgs(['--force']), /only goes with backup/);
});

test('--help lists the commands typed into a running runner and says a --pair-code run keeps only that phone alive', () => {
  for (const word of ['r, qr', 'qr <phone>', 'c, code', 'resume <phone>', 'h, help']) assert.ok(USAGE.includes(word), `--help names ${word}`);
  assert.match(USAGE, /Only that phone runs: the others are not kept alive/);
});

test('--api takes a loopback address and --webhook repeats; a public address or a webhook without --api is a usage error', () => {
  const cmd = parseHeadlessArgs(['--api', '127.0.0.1:8787', '--webhook', 'http://127.0.0.1:9000/hook', '--webhook', 'https://bot.example/in']);
  assert.deepEqual(cmd, {
    kind: 'run',
    dataDir: null,
    phones: null,
    verbose: false,
    api: { host: '127.0.0.1', port: 8787 },
    webhooks: ['http://127.0.0.1:9000/hook', 'https://bot.example/in'],
  });
  assert.deepEqual((parseHeadlessArgs(['--api', '[::1]:0']) as { api: unknown }).api, { host: '::1', port: 0 });
  assert.throws(() => parseHeadlessArgs(['--api', '0.0.0.0:8787']), (e: unknown) => e instanceof UsageError && /only on this machine/.test(e.message));
  assert.throws(() => parseHeadlessArgs(['--api', '8787']), (e: unknown) => e instanceof UsageError && /127\.0\.0\.1:8787/.test(e.message));
  assert.throws(() => parseHeadlessArgs(['--webhook', 'http://127.0.0.1:9000/hook']), (e: unknown) => e instanceof UsageError && /needs --api/.test(e.message));
  assert.throws(() => parseHeadlessArgs(['--api', '127.0.0.1:1', '--webhook', 'ftp://x']), (e: unknown) => e instanceof UsageError && /must start with https/.test(e.message));
  assert.throws(() => parseHeadlessArgs(['--api', '127.0.0.1:1', '--webhook', 'http://bot.example/hook']), (e: unknown) => e instanceof UsageError && /plain http only for 127\.0\.0\.1/.test(e.message));
  assert.throws(() => parseHeadlessArgs(['backup', '--api', '127.0.0.1:1']), (e: unknown) => e instanceof UsageError && /only go with a run/.test(e.message));
});
