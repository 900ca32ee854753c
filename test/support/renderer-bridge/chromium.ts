// Debian's Chromium driven by Playwright (never Playwright's own browser download), plus reading
// a QR code back off a screenshot of the page.
import { existsSync } from 'node:fs';
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

type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = (jsQRModule as unknown as { default: JsQr }).default;

/** Screenshots the element as the screen shows it and scans the QR code in those pixels. */
export async function scanQrOnScreen(target: Locator): Promise<string | null> {
  const png = await target.screenshot({ animations: 'disabled' });
  const img = decodePng(png);
  return jsQR(img.data, img.width, img.height)?.data ?? null;
}
