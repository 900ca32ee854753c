// Updates in a real, packaged Electron app on Linux (issue 12): the e2e build made by
// `npx electron-builder --config electron-builder.e2e.yml --dir` (app-update.yml in its resources,
// the inspector fuse on for Playwright), its Update URL pointed at a local update server serving
// a newer release. Electron's own net stack fetches latest-linux.yml and the release, electron-
// updater checks the sha512, the window says the update is ready, and quitting installs it: the
// AppImage named by $APPIMAGE is replaced and run, as an AppImage update does. The release here is
// a shell script that records it ran. Skips, saying why, without the packaged build or a display.
// (Windows NSIS and macOS installs: the manual steps in docs/platforms.md.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { _electron, type ElectronApplication } from 'playwright';
import { repoRoot } from '../support/repo-root.js';
import { fakeRelease, updateServer } from '../support/update-server.js';

const PACKAGED = process.env.SESSION_KEEPER_E2E_PACKAGED ?? join(repoRoot(), 'out', 'e2e', 'linux-unpacked', 'session-keeper');

function skipReason(): string | false {
  if (process.platform !== 'linux') return 'the packaged update spec runs the Linux AppImage path; Windows and macOS are manual (docs/platforms.md)';
  if (!existsSync(PACKAGED)) return `no packaged e2e build at ${PACKAGED} (npm run build && npx electron-builder --config electron-builder.e2e.yml --dir)`;
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display for Electron windows (run the tests under xvfb-run)';
  return false;
}

const skip = skipReason();
if (skip) process.stdout.write(`# electron updates e2e skipped: ${skip}\n`);

test('an installed build with an update URL downloads a newer release in the background, says it is ready, and installs it on quit', { skip, timeout: 150_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sk-e2e-updates-'));
  const marker = join(dir, 'installed.txt');
  const release = fakeRelease('99.0.0', marker);
  const server = await updateServer(() => ({ version: '99.0.0', bytes: release }));
  const config = join(dir, 'config');
  // userData on Linux is $XDG_CONFIG_HOME/<productName>: the settings the person saved
  await mkdir(join(config, 'Session Keeper'), { recursive: true });
  await writeFile(join(config, 'Session Keeper', 'settings.json'), JSON.stringify({ version: 1, updateUrl: server.url }));
  const appImage = join(dir, 'Session Keeper.AppImage');
  await writeFile(appImage, 'the installed version', { mode: 0o755 });
  let app: ElectronApplication | undefined;
  try {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    app = await _electron.launch({
      executablePath: PACKAGED,
      env: {
        ...env,
        XDG_CONFIG_HOME: config,
        XDG_CACHE_HOME: join(dir, 'cache'),
        APPIMAGE: appImage,
        SESSION_KEEPER_DATA_DIR: join(dir, 'keeper'),
        // no WhatsApp needed here: the sessions fail to connect and keep retrying
        SESSION_KEEPER_WA_URL: 'wss://127.0.0.1:9/ws/chat',
        // the update server is plain http on this machine: an installed build takes that only in tests
        SESSION_KEEPER_TEST_HTTP_UPDATES: '1',
      },
      timeout: 30_000,
    });
    const page = await app.firstWindow({ timeout: 30_000 });
    // the first check comes 30 s after start (FIRST_CHECK_DELAY_MS)
    await page.locator('#update-line', { hasText: 'Update ready — installs when you quit (version 99.0.0)' }).waitFor({ timeout: 90_000 });
    assert.ok(server.requests.some((p) => p.endsWith('/Session-Keeper-99.0.0.AppImage')), server.requests.join(' '));
    assert.equal(existsSync(marker), false, 'nothing installed before quit');

    await app.close();
    assert.deepEqual(await readFile(appImage), release, 'the AppImage was replaced by the verified download');
    assert.equal((await readFile(marker, 'utf8')).trim(), 'installed 99.0.0 silent=true');
  } finally {
    if (app && app.process().exitCode === null) {
      await Promise.race([app.close(), sleep(10_000)]);
      if (app.process().exitCode === null) app.process().kill('SIGKILL');
    }
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
