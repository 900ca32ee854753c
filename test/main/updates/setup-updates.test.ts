// The real electron-updater (its generic provider, its download, its sha512 check and its
// install-on-quit) against a local HTTP server serving latest-linux.yml and a fake release, in
// an installed build played by the electron stand-in (app.isPackaged, process.resourcesPath with
// electron-builder's app-update.yml, $APPIMAGE). Its HTTP goes through the stand-in's net.request.
// The fake release is a shell script: installing it on quit runs it, as an AppImage install does.
import '../../support/electron-stand-in/register.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import electronUpdater from 'electron-updater';
import { standIn } from '../../support/electron-stand-in/electron.js';
import { fakeRelease, sha512, updateServer, type Release } from '../../support/update-server.js';
import { ManualClock } from '../../../main/engine/clock.js';
import { setupUpdates, type Updates } from '../../../main/updates/setup-updates.js';
import { CHECK_INTERVAL_MS, FIRST_CHECK_DELAY_MS, updateLine, type UpdateState } from '../../../main/updates/update-policy.js';
import { eventually } from '../../support/eventually.js';

const skip = process.platform === 'linux' ? false : 'electron-updater updates an AppImage on Linux; Windows (NSIS) and macOS (Squirrel) are checked on those machines (docs/platforms.md)';
const CURRENT = standIn.app.getVersion();

interface Installed {
  root: string;
  appImage: string;
  marker: string;
  states: UpdateState[];
  log: string[];
  updates: Updates;
  clock: ManualClock;
  updatersMade: () => number;
}

/**
 * An installed build of this version (an AppImage unless `deb`), with the updater wired as main
 * wires it. Its feed is a local http server: the test env's allowance unless `plainHttpAllowed`.
 */
async function installedBuild(opts: { deb?: boolean; plainHttpAllowed?: boolean } = {}): Promise<Installed> {
  const root = await mkdtemp(join(tmpdir(), 'sk-updates-'));
  const resources = join(root, 'resources');
  await mkdir(resources);
  // electron-builder writes this next to app.asar when a publish provider is configured
  await writeFile(join(resources, 'app-update.yml'), 'provider: generic\nurl: https://updates.invalid/unused\nupdaterCacheDirName: session-keeper-updater\n');
  const appImage = join(root, 'apps', 'Session Keeper.AppImage');
  await mkdir(join(root, 'apps'));
  await writeFile(appImage, 'the installed version', { mode: 0o755 });
  (process as { resourcesPath?: string }).resourcesPath = resources;
  process.env.APPIMAGE = appImage;
  process.env.XDG_CACHE_HOME = join(root, 'cache');
  standIn.app.reset();
  standIn.app.becomeReady();
  standIn.app.setRoot(join(root, 'profile'));
  standIn.setPackaged(true);
  const states: UpdateState[] = [];
  const log: string[] = [];
  const clock = new ManualClock();
  let made = 0;
  const updates = setupUpdates({
    updater: () => {
      made++;
      return opts.deb ? new electronUpdater.DebUpdater() : new electronUpdater.AppImageUpdater();
    },
    isPackaged: standIn.app.isPackaged,
    plainHttpAllowed: opts.plainHttpAllowed ?? true,
    currentVersion: CURRENT,
    clock,
    log: { info: (m) => log.push(m), warn: (m) => log.push(`WARN ${m}`) },
    onChange: (s) => states.push(s),
  });
  return { root, appImage, marker: join(root, 'installed.txt'), states, log, updates, clock, updatersMade: () => made };
}

async function teardown(i: Installed): Promise<void> {
  i.updates.stop();
  standIn.setPackaged(false);
  standIn.app.reset();
  delete process.env.APPIMAGE;
  delete process.env.XDG_CACHE_HOME;
  delete (process as { resourcesPath?: string }).resourcesPath;
  await rm(i.root, { recursive: true, force: true });
}


test('with no update URL nothing is asked, not even electron-updater', { skip, timeout: 30_000 }, async () => {
  const i = await installedBuild();
  try {
    i.updates.configure('');
    assert.deepEqual(i.updates.state(), { kind: 'off', reason: 'no-url' });
    assert.equal(i.clock.pending(), 0);
    await i.updates.checkNow();
    assert.equal(i.updatersMade(), 0);
  } finally {
    await teardown(i);
  }
});

test('no newer version (the same one, or a beta offered to a release install): nothing downloaded, nothing shown; the first check comes after the start delay, the next after the interval', { skip, timeout: 30_000 }, async () => {
  let release: Release = { version: CURRENT, bytes: Buffer.from('same') };
  const server = await updateServer(() => release);
  const i = await installedBuild();
  try {
    i.updates.configure(server.url);
    assert.deepEqual(i.updates.state(), { kind: 'idle' });
    i.clock.advance(FIRST_CHECK_DELAY_MS - 1);
    assert.equal(server.requests.length, 0, 'not before the start delay');
    i.clock.advance(1);
    await eventually(() => i.updates.state().kind === 'up-to-date', () => JSON.stringify(i.states));
    assert.deepEqual(i.updates.state(), { kind: 'up-to-date', latest: CURRENT, at: i.clock.now() });
    assert.equal(updateLine(i.updates.state()), null);
    await eventually(() => i.clock.pending() === 1, () => 'the next check is planned');
    release = { version: '99.0.0-beta.1', bytes: Buffer.from('beta') };
    i.clock.advance(CHECK_INTERVAL_MS);
    await eventually(() => server.requests.length === 2, () => server.requests.join(' '));
    await eventually(() => i.updates.state().kind === 'up-to-date' && (i.updates.state() as { latest: string }).latest === '99.0.0-beta.1', () => JSON.stringify(i.updates.state()));
    assert.ok(server.requests.every((p) => p.endsWith('.yml')), `only latest.yml was fetched: ${server.requests.join(' ')}`);
  } finally {
    await teardown(i);
    await server.close();
  }
});

test('a release whose bytes do not match latest.yml\'s sha512 is rejected, shown as an error, and nothing is installed on quit', { skip, timeout: 30_000 }, async () => {
  const i = await installedBuild();
  const server = await updateServer(() => ({ version: '98.0.0', bytes: fakeRelease('98.0.0', i.marker), sha512: sha512(Buffer.from('what was really published')) }));
  try {
    i.updates.configure(server.url);
    await i.updates.checkNow();
    const s = i.updates.state();
    assert.equal(s.kind, 'error', JSON.stringify(i.states));
    assert.deepEqual(updateLine(s), { text: 'Update failed: the download did not match its sha512 checksum and was discarded', tone: 'problem' });
    assert.ok(server.requests.includes('/updates/Session-Keeper-98.0.0.AppImage'), 'the release was downloaded');
    assert.ok(i.log.some((l) => /sha512 checksum mismatch/.test(l)), 'electron-updater itself found the mismatch');
    standIn.app.quit();
    assert.equal(await readFile(i.appImage, 'utf8'), 'the installed version');
    assert.equal(existsSync(i.marker), false);
  } finally {
    await teardown(i);
    await server.close();
  }
});

test('a newer release with the right sha512 downloads in the background, is shown ready, and installs when the app quits', { skip, timeout: 30_000 }, async () => {
  const i = await installedBuild();
  const bytes = fakeRelease('97.0.0', i.marker);
  const server = await updateServer(() => ({ version: '97.0.0', bytes }));
  try {
    i.updates.configure(server.url);
    await i.updates.checkNow();
    assert.deepEqual(i.updates.state(), { kind: 'ready', version: '97.0.0' }, JSON.stringify(i.states));
    assert.ok(i.states.some((s) => s.kind === 'downloading'), 'it said it was downloading first');
    assert.deepEqual(updateLine(i.updates.state()), { text: 'Update ready — installs when you quit (version 97.0.0)', tone: 'ready' });
    assert.equal(existsSync(i.marker), false, 'nothing runs before quit');

    standIn.app.quit();
    assert.deepEqual(await readFile(i.appImage), bytes, 'the AppImage was replaced by the verified download');
    assert.equal((await readFile(i.marker, 'utf8')).trim(), 'installed 97.0.0 silent=true');
  } finally {
    await teardown(i);
    await server.close();
  }
});

test('turning updates off after a release was downloaded: nothing is installed on quit', { skip, timeout: 30_000 }, async () => {
  const i = await installedBuild();
  const server = await updateServer(() => ({ version: '96.0.0', bytes: fakeRelease('96.0.0', i.marker) }));
  try {
    i.updates.configure(server.url);
    await i.updates.checkNow();
    assert.equal(i.updates.state().kind, 'ready', JSON.stringify(i.states));
    i.updates.configure('');
    assert.deepEqual(i.updates.state(), { kind: 'off', reason: 'no-url' });
    assert.equal(i.clock.pending(), 0, 'no check planned');
    standIn.app.quit();
    assert.equal(await readFile(i.appImage, 'utf8'), 'the installed version');
    assert.equal(existsSync(i.marker), false);
  } finally {
    await teardown(i);
    await server.close();
  }
});

test('an installed build refuses a plain-http feed on this machine (another user could serve that port): updates stay off and nothing is asked', { skip, timeout: 30_000 }, async () => {
  const server = await updateServer(() => ({ version: '95.0.0', bytes: Buffer.from('x') }));
  const i = await installedBuild({ plainHttpAllowed: false });
  try {
    i.updates.configure(server.url);
    assert.deepEqual(i.updates.state(), { kind: 'off', reason: 'insecure-url' });
    await i.updates.checkNow();
    i.clock.advance(FIRST_CHECK_DELAY_MS);
    assert.equal(i.updatersMade(), 0);
    assert.deepEqual(server.requests, []);
  } finally {
    await teardown(i);
    await server.close();
  }
});

test('a deb install is told where to download a newer release; nothing is downloaded and nothing runs as root on quit', { skip, timeout: 30_000 }, async () => {
  const i = await installedBuild({ deb: true });
  const server = await updateServer(() => ({ version: '94.0.0', bytes: fakeRelease('94.0.0', i.marker) }));
  try {
    i.updates.configure(server.url);
    await i.updates.checkNow();
    assert.deepEqual(i.updates.state(), { kind: 'available', version: '94.0.0', from: server.url }, JSON.stringify(i.states));
    assert.deepEqual(updateLine(i.updates.state()), { text: `Update available: download version 94.0.0 from ${server.url}`, tone: 'ready' });
    assert.ok(server.requests.every((p) => p.endsWith('.yml')), `only latest.yml was fetched: ${server.requests.join(' ')}`);
    standIn.app.quit();
    assert.equal(existsSync(i.marker), false);
  } finally {
    await teardown(i);
    await server.close();
  }
});
