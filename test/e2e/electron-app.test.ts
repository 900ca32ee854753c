// The tray app as a person meets it, driven by Playwright's _electron: the real Electron main
// process (started through test/support/electron-under-test.js, which installs the local
// WhatsApp test server's certificate root and nothing else), the real sandboxed page, the real
// Baileys client talking to the local test server. It walks the journeys the stand-in runs
// (test/journeys/) where only real Electron can show them: first start → QR, link, reconnect,
// settings saved, window closed to the tray, quit. Page steps are the journeys' own
// (test/support/window-page.ts). Skips, saying why, where no Electron binary is installed (its
// installer downloads from GitHub) or, on Linux, where there is no display.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { _electron, type ElectronApplication } from 'playwright';
import { findElectronBinary } from '../support/electron-binary.js';
import { installTestRoot, startWaServer, testRootPublicKey, uninstallTestRoot } from '../support/wa-server/index.js';
import { linkByScanningTheCard, phoneCard } from '../support/window-page.js';

const here = dirname(fileURLToPath(import.meta.url));
const LAUNCHER = join(here, '..', 'support', 'electron-under-test.js');

function skipReason(): string | false {
  const binary = findElectronBinary();
  if ('missing' in binary) return binary.missing;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display for Electron windows (run the tests under xvfb-run on a headless Linux)';
  }
  return false;
}

const skip = skipReason();
if (skip) process.stdout.write(`# electron e2e skipped: ${skip}\n`);

function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, ...extra };
}

test('the tray app: first start shows the QR, it links, reconnects, saves settings, keeps running with its window closed and quits cleanly', { skip, timeout: 180_000 }, async (t) => {
  const binary = findElectronBinary();
  assert.ok('path' in binary);
  installTestRoot();
  const server = await startWaServer();
  const dir = await mkdtemp(join(tmpdir(), 'sk-e2e-'));
  let app: ElectronApplication | undefined;
  try {
    app = await _electron.launch({
      executablePath: binary.path,
      args: [LAUNCHER],
      env: childEnv({
        SESSION_KEEPER_DATA_DIR: join(dir, 'keeper'),
        SESSION_KEEPER_E2E_USER_DATA: join(dir, 'userData'),
        SESSION_KEEPER_WA_URL: server.url,
        WA_TEST_ROOT: testRootPublicKey().toString('hex'),
      }),
      timeout: 30_000,
    });
    const electronApp = app;
    const page = await electronApp.firstWindow({ timeout: 30_000 });

    await t.test('the window is titled Session Keeper', async () => {
      assert.equal(await page.title(), 'Session Keeper');
    });

    await t.test('the page runs isolated and sandboxed, without Node', async () => {
      // getLastWebPreferences() exists at run time but is missing from electron.d.ts 45: reached
      // through a structural type, and reported plainly if a later Electron drops it.
      const prefs = await electronApp.evaluate(({ BrowserWindow }) => {
        const wc = BrowserWindow.getAllWindows()[0]?.webContents as unknown as
          | { getLastWebPreferences?: () => Record<string, unknown> | null }
          | undefined;
        if (typeof wc?.getLastWebPreferences !== 'function') return 'getLastWebPreferences() is not available';
        const p = wc.getLastWebPreferences();
        return p ? { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration } : null;
      });
      assert.deepEqual(prefs, { contextIsolation: true, sandbox: true, nodeIntegration: false });
      // The same seen from the page: no Node globals leak into it.
      const pageGlobals = await page.evaluate(() => [typeof (globalThis as Record<string, unknown>).require, typeof (globalThis as Record<string, unknown>).process]);
      assert.deepEqual(pageGlobals, ['undefined', 'undefined']);
    });

    const card = phoneCard(page);

    await t.test('first start: the QR is on screen and the card says Not linked yet, not a rescan', async () => {
      await card.locator('canvas.qr').waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await card.locator('.badge').textContent(), 'Not linked yet');
    });

    await t.test('the QR on screen scans, and scanning it links the phone', async () => {
      await linkByScanningTheCard(card, (qr) => server.phone.scan(qr));
      assert.equal(await card.locator('canvas.qr').isVisible(), false, 'the QR is gone once linked');
    });

    await t.test('Reconnect makes the server see a new connection', async () => {
      const before = server.connections.length;
      const next = server.nextConnection(30_000);
      await page.getByRole('button', { name: 'Reconnect' }).first().click();
      const conn = await next;
      assert.ok(server.connections.length > before);
      await server.waitFor(() => conn.state === 'logged-in' || undefined, 30_000, 'logged in again');
    });

    await t.test('Settings: a new keep-alive interval is stored and the sessions restart with it', async () => {
      const live = [...server.connections].reverse().find((c) => c.state === 'logged-in');
      assert.ok(live, 'the phone is logged in on the server');
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      await page.getByLabel('Keep-alive interval (hours)').fill('8');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.locator('#settings-status', { hasText: 'Saved.' }).waitFor();
      const stored = JSON.parse(await readFile(join(dir, 'userData', 'settings.json'), 'utf8')) as { keepAlive: { intervalHours: number } };
      assert.equal(stored.keepAlive.intervalHours, 8);
      await server.waitFor(() => live.state === 'closed' || undefined, 15_000, 'the old session closed for the restart');
      await server.waitFor(() => server.connections.some((c) => c.id > live.id && c.state === 'logged-in') || undefined, 30_000, 'a new login after the restart');
      await page.getByRole('button', { name: 'Phones', exact: true }).click();
      await card.locator('.badge', { hasText: 'Connected' }).waitFor({ timeout: 30_000 });
    });

    await t.test('closing the window leaves the app running in the tray', async () => {
      await electronApp.evaluate(({ BrowserWindow }) => {
        BrowserWindow.getAllWindows()[0]?.close();
      });
      await sleep(1_000);
      assert.equal(electronApp.process().exitCode, null, 'the process is alive');
      assert.equal(await electronApp.evaluate(({ app: a }) => a.isReady()), true);
    });

    await t.test('Quit (the tray item calls app.quit) closes the session, keeps its creds and exits 0', async () => {
      const live = [...server.connections].reverse().find((c) => c.state === 'logged-in');
      assert.ok(live, 'the phone is logged in on the server');
      const proc = electronApp.process();
      const exited = once(proc, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      // quit on the next turn, so this evaluate answers before the process goes away
      await electronApp.evaluate(({ app: a }) => {
        setTimeout(() => a.quit(), 0);
      });
      const [code] = await exited;
      assert.equal(code, 0);
      await server.waitFor(() => live.state === 'closed' || undefined, 5_000, 'the session socket closed');
      const files = await readdir(join(dir, 'keeper'), { recursive: true });
      assert.ok(files.some((f) => f.endsWith('creds.json')), 'the session creds are on disk');
    });
  } finally {
    if (app) {
      await Promise.race([app.close(), sleep(10_000)]);
      if (app.process().exitCode === null) app.process().kill('SIGKILL');
    }
    await server.close();
    uninstallTestRoot();
    await rm(dir, { recursive: true, force: true });
  }
});
