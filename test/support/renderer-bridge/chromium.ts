// Debian's Chromium driven by Playwright (never Playwright's own browser download), plus reading
// a QR code back off a screenshot of the page.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import jsQRModule from 'jsqr';
import { chromium, type Browser, type Locator } from 'playwright';
import { decodePng } from './png.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Why the Chromium tests cannot run here, or null when they can. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} is missing (apt-get install chromium; .ci/run does this)`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** The bundled page the window tests load (dist/renderer/). */
export const RENDERER_ROOT = fileURLToPath(new URL('../../../renderer/', import.meta.url));

/**
 * One Chromium for a test file: launched before its tests (checking the page is built), closed
 * after them. `skip` is the reason the file's tests cannot run here, or false.
 */
export function chromiumPerFile(what: string): { skip: string | false; browser: () => Browser | null } {
  const missing = chromiumMissing();
  if (missing) console.log(`# skipping ${what}: ${missing}`);
  let browser: Browser | null = null;
  before(async () => {
    if (missing) return;
    assert.ok(existsSync(join(RENDERER_ROOT, 'app.js')), `the bundled renderer is missing at ${RENDERER_ROOT} (run npm run build)`);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  return { skip: missing ?? false, browser: () => browser };
}

type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = (jsQRModule as unknown as { default: JsQr }).default;

/** Screenshots the element as the screen shows it and scans the QR code in those pixels. */
export async function scanQrOnScreen(target: Locator): Promise<string | null> {
  const png = await target.screenshot({ animations: 'disabled' });
  const img = decodePng(png);
  return jsQR(img.data, img.width, img.height)?.data ?? null;
}
