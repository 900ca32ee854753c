// The tray app as a person meets it, driven by Playwright's _electron: the real Electron main
// process (started through test/support/electron-under-test.js, which installs the local
// WhatsApp test server's certificate root and nothing else), the real sandboxed page, the real
// Baileys client talking to the local test server. Skips, saying why, where no Electron binary
// is installed (its installer downloads from GitHub) or, on Linux, where there is no display.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { _electron, type ElectronApplication } from 'playwright';
import jsQRModule from 'jsqr';
import { findElectronBinary } from '../support/electron-binary.js';
import { installTestRoot, startWaServer, testRootPublicKey, uninstallTestRoot } from '../support/wa-server/index.js';

// jsqr is CommonJS built from ES modules: under NodeNext its default export is the namespace.
type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = (jsQRModule as unknown as { default: JsQr }).default;

/** The bits of a canvas the page function touches (tests compile without the DOM lib). */
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

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

test('the tray app shows the QR, pairs, reconnects on request, is hardened and keeps running with its window closed', { skip, timeout: 120_000 }, async (t) => {
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

    await t.test('the window shows a QR code that scans, and scanning it links the phone', async () => {
      const qr = page.getByRole('img', { name: /QR code/ });
      await qr.first().waitFor({ state: 'visible', timeout: 30_000 });
      const image = await qr.first().evaluate((el) => {
        const canvas = el as unknown as CanvasLike;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        return { width: canvas.width, height: canvas.height, data: data ? Array.from(data) : [] };
      });
      const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
      assert.ok(code, 'the drawn QR decodes');
      await server.phone.scan(code.data);
      await page.getByRole('button', { name: 'Reconnect' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    });

    await t.test('Reconnect makes the server see a new connection', async () => {
      const before = server.connections.length;
      const next = server.nextConnection(30_000);
      await page.getByRole('button', { name: 'Reconnect' }).first().click();
      await next;
      assert.ok(server.connections.length > before);
    });

    await t.test('closing the window leaves the app running in the tray', async () => {
      await electronApp.evaluate(({ BrowserWindow }) => {
        BrowserWindow.getAllWindows()[0]?.close();
      });
      await sleep(1_000);
      assert.equal(electronApp.process().exitCode, null, 'the process is alive');
      assert.equal(await electronApp.evaluate(({ app: a }) => a.isReady()), true);
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
