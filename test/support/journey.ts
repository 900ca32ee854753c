// Starts the REAL main process (dist/main/index.js) in this test process against the electron
// stand-in and the WhatsApp test server, the way a person starts the app: fresh temporary
// folders for the sessions (SESSION_KEEPER_DATA_DIR) and the profile, the sessions pointed at the
// test server (SESSION_KEEPER_WA_URL), and the test server's certificate root installed here,
// in test code only. A "relaunch" imports main again (a new module instance of index.js) after
// the first one has quit, as a second start of the app would.
import './electron-stand-in/register.js';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright';
import { standIn } from './electron-stand-in/electron.js';
import { shutDownWindows, type StandInBrowserWindow } from './electron-stand-in/browser-window.js';
import { chromiumMissing } from './renderer-bridge/chromium.js';
import { repoRoot } from './repo-root.js';
import { linkByScanningTheCard, phoneCard } from './window-page.js';
import { installTestRoot, startWaServer, uninstallTestRoot, type WaServer, type WaServerOptions } from './wa-server/index.js';

export { standIn };

const MAIN_ENTRY = new URL('../../main/index.js', import.meta.url).href;

/** Why the journeys cannot run here (no Chromium), or false. Printed once per file. */
export function journeySkip(name: string): string | false {
  const missing = chromiumMissing();
  if (!missing) return false;
  process.stdout.write(`# skipping the ${name} journey: ${missing}\n`);
  return missing;
}

export interface Journey {
  server: WaServer;
  dataDir: string;
  profileDir: string;
  /** the app's main window (the first one it opened) */
  window(): StandInBrowserWindow;
  /** its page once the renderer says it is ready; errors on the page are collected */
  page(): Promise<Page>;
  /** CSP violations and script errors the page reported */
  pageProblems: string[];
  /** the card of one phone */
  card(phoneId?: string): Promise<Locator>;
  /** starts main again after it quit (same folders) */
  relaunch(): Promise<void>;
  /** quits the app if it still runs and tears everything down */
  close(): Promise<void>;
}

let launches = 0;

async function launchMain(beforeReady?: () => void): Promise<void> {
  standIn.timeline.length = 0;
  // each launch is a fresh module instance of index.js, like a new process would load it
  await import(`${MAIN_ENTRY}?launch=${++launches}`);
  // what the OS may deliver between the script's first turn and 'ready' (a second launch…)
  beforeReady?.();
  // Electron emits 'ready' once the main script's first turn is over
  standIn.app.becomeReady();
}

export async function startJourney(opts: { server?: WaServerOptions; beforeReady?: () => void } = {}): Promise<Journey> {
  assert.ok(existsSync(new URL(MAIN_ENTRY)), 'dist/main/index.js is missing (run npm run build)');
  installTestRoot();
  const server = await startWaServer(opts.server ?? {});
  const root = await mkdtemp(join(tmpdir(), 'sk-journey-'));
  const dataDir = join(root, 'keeper');
  const profileDir = join(root, 'profile');
  standIn.app.setRoot(profileDir);
  process.env.SESSION_KEEPER_DATA_DIR = dataDir;
  process.env.SESSION_KEEPER_WA_URL = server.url;
  const pageProblems: string[] = [];
  const watched = new WeakSet<Page>();

  const window = (): StandInBrowserWindow => {
    const w = standIn.windows()[0];
    if (!w) throw new Error('the app has no window open');
    return w;
  };
  const page = async (): Promise<Page> => {
    // main opens its window after 'ready', the logger and the settings
    for (const until = performance.now() + 20_000; standIn.windows().length === 0; ) {
      if (performance.now() > until) throw new Error('the app opened no window within 20 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    const p = await window().page();
    if (!watched.has(p)) {
      watched.add(p);
      p.on('pageerror', (err) => pageProblems.push(err.message));
      p.on('console', (m) => {
        if (m.type() === 'error') pageProblems.push(m.text());
      });
    }
    await p.locator('body[data-ready="true"]').waitFor();
    return p;
  };

  await launchMain(opts.beforeReady);
  await page();
  return {
    server,
    dataDir,
    profileDir,
    window,
    page,
    pageProblems,
    card: async (phoneId = 'default') => phoneCard(await page(), phoneId),
    async relaunch() {
      assert.notEqual(standIn.app.exitCode, null, 'the first instance must have quit before a relaunch');
      standIn.resetForRelaunch();
      await launchMain();
      await page();
    },
    async close() {
      if (standIn.app.exitCode === null) {
        standIn.app.quit();
        await Promise.race([standIn.app.exited(), new Promise((r) => setTimeout(r, 10_000).unref())]);
      }
      await shutDownWindows();
      await server.close();
      uninstallTestRoot();
      delete process.env.SESSION_KEEPER_DATA_DIR;
      delete process.env.SESSION_KEEPER_WA_URL;
      await rm(root, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

/**
 * Starts main in a profile that `prepare` has damaged and waits for it to give up: the exit code
 * and the error boxes it showed. No window is expected.
 */
export async function startExpectingFailure(prepare: (profileDir: string) => Promise<void>): Promise<{ code: number; errorBoxes: { title: string; content: string }[] }> {
  const root = await mkdtemp(join(tmpdir(), 'sk-journey-fail-'));
  const profileDir = join(root, 'profile');
  standIn.app.setRoot(profileDir);
  process.env.SESSION_KEEPER_DATA_DIR = join(root, 'keeper');
  try {
    await prepare(profileDir);
    await launchMain();
    const code = await Promise.race([standIn.app.exited(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the app did not exit within 20 s')), 20_000).unref())]);
    return { code, errorBoxes: [...standIn.errorBoxes] };
  } finally {
    delete process.env.SESSION_KEEPER_DATA_DIR;
    await rm(root, { recursive: true, force: true, maxRetries: 5 });
  }
}

/** The person's first step: scan the QR on screen with the simulated phone until the card says Connected. */
export async function linkByScanningTheScreen(j: Journey, phoneId = 'default'): Promise<string> {
  return linkByScanningTheCard(await j.card(phoneId), (qr) => j.server.phone.scan(qr));
}

/** Polls a condition on the test side (the tray, the clipboard…). */
export { eventually } from './eventually.js';

const SHOTS = process.env.JOURNEY_SCREENSHOTS ?? null;

/** Saves what the window shows as <JOURNEY_SCREENSHOTS>/<name>.png (README's Window section); a no-op otherwise. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean; dark?: boolean } = {}): Promise<void> {
  if (!SHOTS) return;
  await mkdir(SHOTS, { recursive: true });
  if (opts.dark) await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: opts.fullPage ?? false, animations: 'disabled' });
  if (opts.dark) await page.emulateMedia({ colorScheme: 'light' });
}

/** axe-core's WCAG 2.1 A/AA + best-practice violations on the page, or null where axe-core is not installed. */
export async function axeViolations(page: Page): Promise<{ id: string; nodes: number }[] | null> {
  let source: string;
  try {
    const require = createRequire(join(repoRoot(), 'package.json'));
    source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  } catch {
    return null;
  }
  // evaluated through the debugger protocol, so the page's CSP (no inline script) does not apply
  await page.evaluate(source);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe;
    const r = await axe.run({ exclude: [] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.length }));
  });
}
