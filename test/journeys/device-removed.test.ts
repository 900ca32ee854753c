// Journey 3: WhatsApp removes the device (the server answers 401 twice: the stream error, then
// the retry's login). The person gets exactly one "scan again" notification, the tray turns
// 'broken', and clicking the notification shows the window with the QR; scanning it links again.
// (The presenter words it "Needs a new link" once WhatsApp has removed the device.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import type { PhoneStatus } from '../../main/engine/types.js';
import { scanQrOnScreen } from '../support/renderer-bridge/chromium.js';
import { axeViolations, eventually, journeySkip, linkByScanningTheScreen, screenshot, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('device removed');

async function statusFromMain(page: Page): Promise<PhoneStatus> {
  const all = await page.evaluate(() => (globalThis as unknown as { keeper: { getStatuses(): Promise<PhoneStatus[]> } }).keeper.getStatuses());
  const s = all[0];
  assert.ok(s);
  return s;
}

test('a device removed by WhatsApp gives one rescan notification, a broken tray and the QR back; scanning links again', { skip, timeout: 60_000 }, async () => {
  const j = await startJourney();
  try {
    await linkByScanningTheScreen(j);
    const page = await j.page();
    const me = (await statusFromMain(page)).me ?? '';
    assert.notEqual(me, '');
    const live = j.server.connections.find((c) => c.state === 'logged-in');
    assert.ok(live);
    j.window().close(); // the person is elsewhere: the window is hidden
    const shownBefore = standIn.notifications.length;

    j.server.injectStreamError(live, 'device_removed');
    assert.ok(j.server.removeDevice(me));
    // the keeper retries the 401 once (after 10 s), meets the removed device again, and gives up
    await eventually(() => /[/\\]broken\.png$/.test(standIn.tray().image.path), () => `tray icon: ${standIn.tray().image.path}`, 30_000);
    const rescans = () => standIn.notifications.slice(shownBefore).filter((n) => /scan the QR code again|Needs a new link/.test(n.title));
    await eventually(() => rescans().length > 0, () => `notifications: ${JSON.stringify(standIn.notifications.slice(shownBefore).map((n) => n.title))}`);
    await new Promise((r) => setTimeout(r, 1_500)); // more QR refs arrive meanwhile: still one notification
    assert.equal(rescans().length, 1, `exactly one rescan notification, got ${JSON.stringify(standIn.notifications.slice(shownBefore).map((n) => n.title))}`);
    assert.match(standIn.tray().toolTip, /needs you/);

    // clicking it brings the window with the QR
    rescans()[0]?.notification.click();
    assert.equal(j.window().isVisible(), true);
    const card = await j.card();
    const canvas = card.locator('canvas.qr');
    await canvas.waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await card.locator('.badge').textContent(), 'Rescan needed');
    assert.deepEqual(await axeViolations(await j.page()) ?? [], [], 'axe finds nothing on the unlinked card');
    await screenshot(await j.page(), 'needs-rescan');
    const qr = await scanQrOnScreen(canvas);
    assert.ok(qr);
    await j.server.phone.scan(qr);
    await card.locator('.badge', { hasText: 'Connected' }).waitFor({ timeout: 30_000 });
    await eventually(() => /[/\\]ok\.png$/.test(standIn.tray().image.path), () => `tray icon: ${standIn.tray().image.path}`);
    assert.equal(rescans().length, 1, 'still one rescan notification');
    assert.deepEqual(j.pageProblems, []);
  } finally {
    await j.close();
  }
});
