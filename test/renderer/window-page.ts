// Opening the real window page in Chromium for the renderer tests: any page error or console
// error (a CSP violation, a script error) is collected, and the tests assert there were none.
import assert from 'node:assert/strict';
import type { Browser, BrowserContextOptions, Page } from 'playwright';
import type { RendererServer } from '../support/renderer-bridge/bridge-server.js';

const problemsOf = new WeakMap<Page, string[]>();

export async function openWindow(browser: Browser | null, server: RendererServer, options: BrowserContextOptions = {}): Promise<Page> {
  assert.ok(browser);
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, colorScheme: 'light', ...options });
  const problems: string[] = [];
  problemsOf.set(page, problems);
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (m) => {
    // a CSP violation or a script error fails the test: the window must run under the real policy
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto(server.url);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

export function pageProblems(page: Page): string[] {
  return problemsOf.get(page) ?? [];
}
