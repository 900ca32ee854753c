// `npm start` checks for the Electron binary before the electron package tries to download it,
// and explains what to do (and points to `npm run headless`) when none can be had.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findElectronBinary } from '../support/electron-binary.js';
import { repoRoot } from '../support/repo-root.js';

type ElectronBinary = typeof import('../../scripts/electron-binary.mjs');

const root = repoRoot();
const { electronBinaryPath, electronCacheRoot, startPlan, zipCached, mirrorOf, DEFAULT_MIRROR } = (await import(
  pathToFileURL(join(root, 'scripts', 'electron-binary.mjs')).href
)) as ElectronBinary;
const CHECK = join(root, 'scripts', 'check-electron.mjs');

test('start when the binary is there; download only from the cache or a server that answers; otherwise refuse', () => {
  assert.deepEqual(startPlan({ binary: true, overridden: false, cached: false, reachable: null }), { action: 'start' });
  assert.equal(startPlan({ binary: false, overridden: false, cached: true, reachable: null }).action, 'download');
  assert.equal(startPlan({ binary: false, overridden: false, cached: false, reachable: true }).action, 'download');
  const offline = startPlan({ binary: false, overridden: false, cached: false, reachable: false });
  assert.equal(offline.action, 'refuse');
  assert.match(offline.action === 'refuse' ? offline.reason : '', /cannot be reached/);
  const override = startPlan({ binary: false, overridden: true, cached: false, reachable: null });
  assert.match(override.action === 'refuse' ? override.reason : '', /ELECTRON_OVERRIDE_DIST_PATH/);
});

test('the binary is found the way the electron package finds it: path.txt under dist/, or the override folder', async () => {
  const pkg = await mkdtemp(join(tmpdir(), 'electron-pkg-'));
  try {
    assert.equal(electronBinaryPath(pkg, {}), null, 'no path.txt: never installed');
    await writeFile(join(pkg, 'path.txt'), 'electron');
    assert.equal(electronBinaryPath(pkg, {}), null, 'path.txt but no dist/');
    await mkdir(join(pkg, 'dist'));
    await writeFile(join(pkg, 'dist', 'electron'), '');
    assert.equal(electronBinaryPath(pkg, {}), join(pkg, 'dist', 'electron'));
    assert.equal(electronBinaryPath(pkg, { ELECTRON_OVERRIDE_DIST_PATH: join(pkg, 'nowhere') }), null);
    assert.equal(electronBinaryPath(pkg, { ELECTRON_OVERRIDE_DIST_PATH: join(pkg, 'dist') }), join(pkg, 'dist', 'electron'));
  } finally {
    await rm(pkg, { recursive: true, force: true });
  }
});

test('a zip in @electron/get’s cache counts, in its hashed sub-folder; the cache root follows each OS', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'electron-cache-'));
  try {
    assert.equal(zipCached(cache, '45.5.0', 'linux', 'x64'), false);
    await mkdir(join(cache, 'abc123'));
    await writeFile(join(cache, 'abc123', 'electron-v45.5.0-linux-x64.zip'), '');
    assert.equal(zipCached(cache, '45.5.0', 'linux', 'x64'), true);
    assert.equal(zipCached(cache, '45.5.0', 'win32', 'x64'), false);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
  assert.equal(electronCacheRoot({}, 'linux', '/home/u'), '/home/u/.cache/electron');
  assert.equal(electronCacheRoot({}, 'darwin', '/Users/u'), '/Users/u/Library/Caches/electron');
  assert.equal(electronCacheRoot({ electron_config_cache: '/c' }, 'linux', '/home/u'), '/c');
  assert.equal(mirrorOf({}), DEFAULT_MIRROR);
  assert.equal(mirrorOf({ ELECTRON_MIRROR: 'https://npmmirror.com/mirrors/electron/' }), 'https://npmmirror.com/mirrors/electron/');
});

test('npm start’s check exits 0 with a binary, and 1 with an explanation pointing to npm run headless without one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'electron-override-'));
  try {
    const run = (env: Record<string, string>) => spawnSync(process.execPath, [CHECK], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
    await writeFile(join(dir, 'electron'), '');
    const ok = run({ ELECTRON_OVERRIDE_DIST_PATH: dir });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stderr, '');
    const missing = run({ ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'nowhere') });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /ELECTRON_OVERRIDE_DIST_PATH is set, but no Electron binary is there/);
    assert.match(missing.stderr, /npm run headless/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('without a binary, an unreachable download server is found out before trying, in seconds', { skip: 'path' in findElectronBinary() && 'this machine has an Electron binary' }, async () => {
  const cache = await mkdtemp(join(tmpdir(), 'electron-cache-'));
  try {
    const started = Date.now();
    const r = spawnSync(process.execPath, [CHECK], {
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '', ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: cache },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /not installed, and its download server cannot be reached/);
    assert.match(r.stderr, /http:\/\/127\.0\.0\.1:9\//);
    assert.match(r.stderr, /npm run headless/);
    assert.ok(Date.now() - started < 10_000);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});
