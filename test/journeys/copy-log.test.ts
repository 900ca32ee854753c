// Journey 7: the person opens the Log view and presses Copy; the rows land on the clipboard.
// The page's navigator.clipboard goes through main's session permission check
// ('clipboard-sanitized-write'), as it does in Electron — so this fails while main denies it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, eventually, journeySkip, linkByScanningTheScreen, screenshot, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('copy the log');

test('Copy in the Log view puts the shown rows on the clipboard', { skip, timeout: 60_000 }, async () => {
  const j = await startJourney();
  try {
    await linkByScanningTheScreen(j);
    const page = await j.page();
    await page.getByRole('button', { name: 'Log', exact: true }).click();
    const rows = page.locator('#view-log .log-row');
    await rows.first().waitFor();
    const firstMessage = (await rows.first().locator('.log-message').textContent()) ?? '';
    assert.notEqual(firstMessage, '');

    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    const decision = () => standIn.session.decisions.find((d) => d.permission === 'clipboard-sanitized-write');
    await eventually(() => decision() !== undefined, () => 'the page never asked to write the clipboard');
    assert.deepEqual(decision(), { kind: 'check', permission: 'clipboard-sanitized-write', origin: 'app://session-keeper', granted: true }, 'main lets our page write the clipboard');
    await eventually(() => standIn.clipboard.readText().includes(firstMessage), () => `clipboard: ${JSON.stringify(standIn.clipboard.readText().slice(0, 200))}`);
    await page.locator('#view-log', { hasText: /Copied \d+ entries\./ }).waitFor({ timeout: 5_000 });
    assert.deepEqual(await axeViolations(page) ?? [], [], 'axe finds nothing on the log view');
    await screenshot(page, 'log');
    assert.deepEqual(j.pageProblems, []);
  } finally {
    await j.close();
  }
});
