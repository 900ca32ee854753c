// Journey 2: time passes (the computer slept five hours: the clock of this process and of the
// page jump, real timers keep running). The card, the tray tooltip and the headless line all show
// the same session age — also after the window is reloaded and builds its cards from getStatuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import type { PhoneStatus } from '../../main/engine/types.js';
import { formatStatusLine } from '../../main/headless-format.js';
import { advanceClock } from '../support/electron-stand-in/clock-shift.js';
import { eventually, journeySkip, linkByScanningTheScreen, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('time passes');
const HOURS = 3_600_000;

async function statusesFromMain(page: Page): Promise<PhoneStatus[]> {
  return page.evaluate(() => (globalThis as unknown as { keeper: { getStatuses(): Promise<PhoneStatus[]> } }).keeper.getStatuses());
}

test('five hours later the card, the tray tooltip and the headless line agree on the session age, also after a reload', { skip, timeout: 60_000 }, async () => {
  const j = await startJourney();
  try {
    await linkByScanningTheScreen(j);
    const card = await j.card();
    const ageFact = card.locator('[data-fact="session-age"]');
    assert.equal(await ageFact.textContent(), '0d 0h');

    await advanceClock(5 * HOURS + 60_000);
    // the OS wakes the app after its sleep
    standIn.powerMonitor.emit('resume');
    await card.locator('[data-fact="session-age"]', { hasText: '0d 5h' }).waitFor({ timeout: 5_000 });
    await eventually(() => standIn.tray().toolTip.includes('session 0d 5h'), () => `tray tooltip: ${standIn.tray().toolTip}`);
    const [status] = await statusesFromMain(await j.page());
    assert.ok(status);
    assert.match(formatStatusLine(status, Date.now()), /session age 0d 5h/);

    // a reloaded window builds its card from getStatuses(): the same age, not twice the time since the last event
    j.window().webContents.reload();
    const page = await j.page();
    const reloaded = page.locator('article.card[data-phone="default"] [data-fact="session-age"]');
    await reloaded.waitFor();
    assert.equal(await reloaded.textContent(), '0d 5h');
    await advanceClock(20 * HOURS);
    standIn.powerMonitor.emit('resume');
    await page.locator('article.card[data-phone="default"] [data-fact="session-age"]', { hasText: '1d 1h' }).waitFor({ timeout: 5_000 });
    await eventually(() => standIn.tray().toolTip.includes('session 1d 1h'), () => `tray tooltip: ${standIn.tray().toolTip}`);
    const [later] = await statusesFromMain(page);
    assert.ok(later);
    assert.match(formatStatusLine(later, Date.now()), /session age 1d 1h/);
    assert.deepEqual(j.pageProblems, []);
  } finally {
    await j.close();
  }
});
