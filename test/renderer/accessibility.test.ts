// What outside checkers look at, run on the real window in Chromium against a real keeper:
// axe-core (WCAG 2.1 A/AA and best practices) on every view in both themes, and the narrowest
// window a person can get (the 640 px minimum at 200 % zoom = 320 CSS px): nothing scrolls
// sideways and the QR still scans off the screen.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import type { LogEntry, LogLevel } from '../../main/engine/types.js';
import { startHarness, type Harness } from '../support/keeper-harness.js';
import { startRendererServer, type RendererServer } from '../support/renderer-bridge/bridge-server.js';
import { chromiumMissing, launchChromium, scanQrOnScreen } from '../support/renderer-bridge/chromium.js';
import { openWindow, pageProblems } from './window-page.js';

const ROOT = fileURLToPath(new URL('../../renderer/', import.meta.url));
const missing = chromiumMissing();
if (missing) console.log(`# skipping the Chromium accessibility tests: ${missing}`);

function axePath(): string | null {
  try {
    return createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  } catch {
    return null;
  }
}
const AXE = axePath();
const axeMissing = missing ?? (AXE ? null : 'the axe-core devDependency is not installed (npm ci)');
if (!missing && axeMissing) console.log(`# skipping the axe-core test: ${axeMissing}`);

let browser: Browser | null = null;
before(async () => {
  if (missing) return;
  assert.ok(existsSync(join(ROOT, 'app.js')), `the bundled renderer is missing at ${ROOT} (run npm run build)`);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

function someLog(n: number, t0: number): LogEntry[] {
  const levels: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  return Array.from({ length: n }, (_, i) => ({
    at: t0 - (n - i) * 60_000,
    phoneId: i % 2 === 0 ? 'default' : 'a-phone-with-a-rather-long-name',
    level: levels[i % levels.length] ?? 'info',
    event: 'keepalive.sent',
    message: `Session keep-alive sent #${i}; the next one is planned in about eleven hours and forty minutes from now`,
  }));
}

type View = 'Phones' | 'Log' | 'Settings';

async function showView(page: Page, view: View): Promise<void> {
  await page.locator('nav').getByRole('button', { name: view }).click();
  await page.locator(`#view-${view.toLowerCase()}:not([hidden])`).waitFor();
  if (view === 'Log') await page.waitForFunction("document.querySelectorAll('#log-rows .log-row').length > 3");
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core served from node_modules at the page's own origin (the CSP allows only 'self' scripts). */
async function loadAxe(page: Page, server: RendererServer): Promise<void> {
  assert.ok(AXE);
  const source = await readFile(AXE, 'utf8');
  const url = `${server.url}axe.min.js`;
  await page.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: source }));
  await page.addScriptTag({ url });
}

async function axeViolations(page: Page): Promise<AxeViolation[]> {
  return page.evaluate(async () => {
    type Found = Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
    type Result = { violations: Found; incomplete: Found };
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<Result> } }).axe;
    const r = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations', 'incomplete'],
    });
    // "needs review" on an ARIA rule is what outside checkers report as misuse (an aria-label on a
    // div without a role was one): counted as a violation here
    const aria = r.incomplete.filter((v) => v.id.startsWith('aria-'));
    return [...r.violations, ...aria].map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
}

async function expectNoViolations(page: Page, where: string): Promise<void> {
  const found = await axeViolations(page);
  assert.deepEqual(found, [], `axe-core in ${where}:\n${found.map((v) => `${v.id} (${v.impact ?? '?'}): ${v.help} at ${v.nodes.join(', ')}`).join('\n')}`);
}

test('axe-core finds no WCAG 2.1 A/AA or best-practice violation in any view, light or dark, pairing or linked', { skip: axeMissing ?? false }, async () => {
  const h: Harness = await startHarness();
  const server = await startRendererServer(h, ROOT, { seedLog: someLog(40, Date.now()) });
  try {
    await h.keeper.start();
    const page = await openWindow(browser, server);
    await loadAxe(page, server);
    const schemes = ['light', 'dark'] as const;
    const card = page.locator('article.card[data-phone="default"]');
    const canvas = card.locator('canvas.qr');
    await canvas.waitFor({ state: 'visible' });
    for (const colorScheme of schemes) {
      await page.emulateMedia({ colorScheme });
      await expectNoViolations(page, `the pairing card (${colorScheme})`);
    }
    const qr = await scanQrOnScreen(canvas);
    assert.ok(qr);
    await h.server.phone.scan(qr);
    await card.locator('.badge', { hasText: 'Connected' }).waitFor();
    for (const colorScheme of schemes) {
      await page.emulateMedia({ colorScheme });
      for (const view of ['Phones', 'Log', 'Settings'] as const) {
        await showView(page, view);
        await expectNoViolations(page, `${view} (${colorScheme})`);
      }
    }
    assert.deepEqual(pageProblems(page), []);
    await page.close();
  } finally {
    await server.close();
    await h.close();
  }
});

/** Whether anything makes the page scroll sideways, and which elements stick out past the right edge. */
async function overflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number; sticking: string[] }> {
  return page.evaluate(() => {
    type El = { tagName: string; id: string; className: string; getBoundingClientRect(): { right: number; width: number } };
    const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelectorAll(s: string): Iterable<El> } }).document;
    const width = d.documentElement.clientWidth;
    const sticking: string[] = [];
    for (const e of d.querySelectorAll('body *')) {
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 0.5) sticking.push(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${String(e.className)} (right ${Math.round(r.right)})`);
    }
    return { scrollWidth: d.documentElement.scrollWidth, clientWidth: width, sticking };
  });
}

for (const deviceScaleFactor of [1, 2]) {
  test(`at 320 CSS px wide (device pixel ratio ${deviceScaleFactor}) no view scrolls sideways, log rows take two lines, and the QR fits and still scans`, { skip: missing ?? false }, async () => {
    const h: Harness = await startHarness();
    const server = await startRendererServer(h, ROOT, { seedLog: someLog(40, Date.now()) });
    try {
      await h.keeper.start();
      const page = await openWindow(browser, server, { viewport: { width: 320, height: 640 }, deviceScaleFactor });
      const card = page.locator('article.card[data-phone="default"]');
      const canvas = card.locator('canvas.qr');
      await canvas.waitFor({ state: 'visible' });
      const fits = await overflow(page);
      assert.ok(fits.scrollWidth <= fits.clientWidth, `the pairing card fits: ${JSON.stringify(fits)}`);
      const box = await canvas.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 320, `the QR is inside the window (${JSON.stringify(box)})`);
      const drawn = await canvas.evaluate((c) => ({ width: (c as unknown as { width: number }).width }));
      assert.ok(Math.abs(box.width * deviceScaleFactor - drawn.width) < 1, 'drawn at the size shown: no resampling');
      assert.ok(Math.abs(box.height - box.width) < 1, 'still square');
      const qr = await scanQrOnScreen(canvas);
      assert.ok(qr, 'jsQR reads the QR off the narrow screen');
      assert.equal(qr, h.keeper.status('default').qr, 'and it is the QR the engine issued');

      await page.locator('nav').getByRole('button', { name: 'Log' }).click();
      await page.waitForFunction("document.querySelectorAll('#log-rows .log-row').length > 3");
      const log = await overflow(page);
      assert.ok(log.scrollWidth <= log.clientWidth, `the log fits: ${JSON.stringify(log)}`);
      const rows = await page.locator('#log-viewport').evaluate((v) => {
        const e = v as unknown as { scrollWidth: number; clientWidth: number; querySelector(s: string): { offsetHeight: number } | null };
        return { scrollWidth: e.scrollWidth, clientWidth: e.clientWidth, row: e.querySelector('.log-row')?.offsetHeight ?? 0, spacer: e.querySelector('#log-spacer')?.offsetHeight ?? 0 };
      });
      assert.ok(rows.scrollWidth <= rows.clientWidth, `no sideways scrolling inside the log either: ${JSON.stringify(rows)}`);
      assert.equal(rows.row, 44, 'a narrow log row is two lines tall');
      const total = Number(/of (\d+) entries/.exec((await page.locator('#log-count').textContent()) ?? '')?.[1]);
      assert.equal(rows.spacer, total * 44, 'the scroll maths uses the two-line height');
      const message = page.locator('#log-rows .log-row .log-message').first();
      assert.ok(await message.isVisible(), 'the message has its own line');

      await page.locator('nav').getByRole('button', { name: 'Settings' }).click();
      await page.locator('#view-settings:not([hidden])').waitFor();
      const settings = await overflow(page);
      assert.ok(settings.scrollWidth <= settings.clientWidth, `the settings fit: ${JSON.stringify(settings)}`);
      assert.deepEqual(pageProblems(page), []);
      await page.close();
    } finally {
      await server.close();
      await h.close();
    }
  });
}
