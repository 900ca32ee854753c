// The log's Copy in real Chromium: granted, the clipboard holds the rows shown; refused (as
// Electron's permission handler used to refuse every page), the window says so where the user
// looks, and the next log entry does not wipe that message away.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright';
import type { LogEntry } from '../../main/engine/types.js';
import { startHarness, type Harness } from '../support/keeper-harness.js';
import { startRendererServer } from '../support/renderer-bridge/bridge-server.js';
import { chromiumMissing, launchChromium } from '../support/renderer-bridge/chromium.js';
import { openWindow, pageProblems } from './window-page.js';

const ROOT = fileURLToPath(new URL('../../renderer/', import.meta.url));
const missing = chromiumMissing();
if (missing) console.log(`# skipping the Chromium log-copy tests: ${missing}`);
const skip = missing ?? false;

let browser: Browser | null = null;
before(async () => {
  if (!missing) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const seed = (t0: number): LogEntry[] =>
  Array.from({ length: 5 }, (_, i) => ({ at: t0 - (5 - i) * 1000, phoneId: 'default', level: 'info', event: 'keepalive.sent', message: `Copy me #${i}` }));

test('Copy puts the shown log rows on the clipboard and says how many', { skip }, async () => {
  const h: Harness = await startHarness();
  const server = await startRendererServer(h, ROOT, { seedLog: seed(Date.now()) });
  try {
    await h.keeper.start();
    const page = await openWindow(browser, server);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.locator('nav').getByRole('button', { name: 'Log' }).click();
    await page.locator('#log-text').fill('Copy me');
    await page.locator('#log-count', { hasText: /^5 of/ }).waitFor();
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.locator('#log-result', { hasText: 'Copied 5 entries.' }).waitFor();
    const copied = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    const lines = copied.trim().split('\n');
    assert.equal(lines.length, 5);
    assert.match(lines[0] ?? '', /Copy me #4/, 'newest first, as shown');
    assert.match(lines[4] ?? '', /Copy me #0/);
    assert.deepEqual(pageProblems(page), []);
    await page.close();
  } finally {
    await server.close();
    await h.close();
  }
});

test('a refused clipboard write shows a visible failure that names Export as the way out, and it stays while entries arrive', { skip }, async () => {
  const h: Harness = await startHarness();
  const server = await startRendererServer(h, ROOT, { seedLog: seed(Date.now()) });
  try {
    await h.keeper.start();
    const page = await openWindow(browser, server);
    // the browser's own permission decision, as the app's session handler makes it: denied
    const cdp = await page.context().newCDPSession(page);
    const { targetInfo } = await cdp.send('Target.getTargetInfo');
    const where = { origin: new URL(server.url).origin, browserContextId: targetInfo.browserContextId };
    await cdp.send('Browser.setPermission', { permission: { name: 'clipboard-write', allowWithoutSanitization: false }, setting: 'denied', ...where });
    await page.locator('nav').getByRole('button', { name: 'Log' }).click();
    await page.getByRole('button', { name: 'Copy' }).click();
    const result = page.locator('#log-result');
    await result.filter({ hasText: /^Could not copy the log \(.+\)\. Use Export… to save it to a file instead\.$/ }).waitFor();
    assert.equal(await result.isVisible(), true);
    assert.match((await result.getAttribute('class')) ?? '', /tone-bad/);
    assert.equal(await result.getAttribute('role'), 'status', 'announced to screen readers too');

    const count = (await page.locator('#log-count').textContent()) ?? '';
    await h.keeper.reconnect('default');
    await page.locator('#log-count').filter({ hasNotText: count }).waitFor();
    assert.match((await result.textContent()) ?? '', /^Could not copy the log/, 'a new entry does not erase the failure');
    await page.close();
  } finally {
    await server.close();
    await h.close();
  }
});
