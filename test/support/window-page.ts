// What a person does in the window, as Playwright steps on whatever page shows it: Debian's
// Chromium under the journeys, the real Electron window under the _electron e2e spec. Only the
// page: no stand-in, no Electron, so both can use it.
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright';
import { scanQrOnScreen } from './renderer-bridge/chromium.js';

/** One phone's card. */
export function phoneCard(page: Page, phoneId = 'default'): Locator {
  return page.locator(`article.card[data-phone="${phoneId}"]`);
}

/** Reads the QR off the screen, lets `scan` (the simulated phone) scan it, waits for Connected. */
export async function linkByScanningTheCard(card: Locator, scan: (qr: string) => Promise<unknown>): Promise<string> {
  const canvas = card.locator('canvas.qr');
  await canvas.waitFor({ state: 'visible', timeout: 30_000 });
  const qr = await scanQrOnScreen(canvas);
  assert.ok(qr, 'jsQR found the QR code on the screen');
  await scan(qr);
  await card.locator('.badge', { hasText: 'Connected' }).waitFor({ timeout: 30_000 });
  return qr;
}
