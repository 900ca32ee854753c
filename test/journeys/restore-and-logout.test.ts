// Journey 4: the session folder is damaged while the app is closed; the next start restores the
// newest valid backup and connects WITHOUT a QR, the session age kept. Then the person logs out
// from the window; Restore… of a generation from before the logout is refused with the reason in
// plain words (WhatsApp removed that device) and the QR is offered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright';
import type { PhoneStatus } from '../../main/engine/types.js';
import { journeySkip, linkByScanningTheScreen, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('restore and log out');

async function statusFromMain(page: Page): Promise<PhoneStatus> {
  const all = await page.evaluate(() => (globalThis as unknown as { keeper: { getStatuses(): Promise<PhoneStatus[]> } }).keeper.getStatuses());
  assert.ok(all[0]);
  return all[0];
}

test('a damaged session is restored at start without a QR; after Log out, Restore… of an older generation is refused with the reason and the QR is offered', { skip, timeout: 60_000 }, async () => {
  const j = await startJourney();
  try {
    await linkByScanningTheScreen(j);
    let card = await j.card();
    await card.locator('[data-fact="last-backup"]', { hasText: 'ok' }).waitFor({ timeout: 20_000 });
    const pairedAt = (await statusFromMain(await j.page())).pairedAt;
    assert.ok(pairedAt);

    standIn.clickTrayItem('Quit');
    assert.equal(await standIn.app.exited(), 0);
    // damage the session while the app is closed
    const creds = (await readdir(j.dataDir, { recursive: true })).filter((f) => f.endsWith('creds.json') && !f.includes('quarantine'));
    assert.equal(creds.length, 1, `one live creds.json: ${creds.join(', ')}`);
    await writeFile(join(j.dataDir, creds[0] ?? ''), '{"noiseKey": tr');

    const connections = j.server.connections.length;
    await j.relaunch();
    card = await j.card();
    await card.locator('.badge', { hasText: 'Connected' }).waitFor({ timeout: 30_000 });
    const login = j.server.connections[connections];
    assert.equal(login?.kind, 'login', 'logged in with the restored session, no new QR');
    const restored = await statusFromMain(await j.page());
    assert.equal(restored.pairedAt, pairedAt, 'the session age is kept');

    // Log out, confirmed in the window's dialog and then in main's own (Continue)
    const page = await j.page();
    standIn.dialogAnswers.message.push(1);
    await card.getByRole('button', { name: 'Log out' }).click();
    await page.locator('#confirm-dialog').getByRole('button', { name: 'Log out' }).click();
    // a new link is offered: the QR itself, or the button that asks for one
    const offered = () => card.locator('canvas.qr').or(card.getByRole('button', { name: 'Show new QR' }));
    await offered().first().waitFor({ state: 'visible', timeout: 20_000 });

    // Restore… the newest pre-logout generation: refused, with the reason, and the QR stays
    await card.getByRole('button', { name: 'Restore…' }).click();
    const dialog = page.locator('#restore-dialog');
    await dialog.waitFor({ state: 'visible' });
    standIn.dialogAnswers.message.push(1);
    await dialog.locator('#restore-ok').click();
    await card.getByText(/WhatsApp removed this device when you logged out/).waitFor({ timeout: 10_000 });
    assert.equal(await offered().first().isVisible(), true, 'a new QR is offered');
    const after = await statusFromMain(page);
    assert.notEqual(after.state, 'open');
    assert.equal(after.unlinked?.cause, 'user-logout');
    assert.deepEqual(j.pageProblems, []);
  } finally {
    await j.close();
  }
});
