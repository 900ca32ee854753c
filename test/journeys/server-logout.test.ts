// Journey 5: the server logs the device out (411) and no QR can be shown any more (the server
// sends no refs). The phone must end as "needs a new link" (state 'logged-out' with the reason in
// status.unlinked, a broken tray icon) — not "paused". Asking for a new QR then links again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import type { PhoneStatus } from '../../main/engine/types.js';
import { eventually, journeySkip, linkByScanningTheScreen, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('server logout');

async function statusFromMain(page: Page): Promise<PhoneStatus> {
  const all = await page.evaluate(() => (globalThis as unknown as { keeper: { getStatuses(): Promise<PhoneStatus[]> } }).keeper.getStatuses());
  assert.ok(all[0]);
  return all[0];
}

test('a server logout (411) with the QR refs run out ends as "needs a new link" with its reason, not paused; a new QR links again', { skip, timeout: 60_000 }, async () => {
  const j = await startJourney();
  try {
    await linkByScanningTheScreen(j);
    const page = await j.page();
    const live = j.server.connections.find((c) => c.state === 'logged-in');
    assert.ok(live);

    j.server.setQrRefs(0); // the next pairing gets no refs: Baileys ends it at once (408)
    j.server.injectFailure(live, 411);
    await eventually(() => !/[/\\]ok\.png$/.test(standIn.tray().image.path), () => 'the tray still says ok', 20_000);
    let s = await statusFromMain(page);
    for (const until = performance.now() + 20_000; (s.state !== 'logged-out' || s.unlinked === null) && performance.now() < until; ) {
      await new Promise((r) => setTimeout(r, 200));
      s = await statusFromMain(page);
    }
    assert.equal(s.state, 'logged-out', `needs a new link, not ${s.state}: ${s.detail}`);
    assert.equal(s.unlinked?.cause, 'server-logout', 'the reason is on the status');
    await eventually(() => /[/\\]broken\.png$/.test(standIn.tray().image.path), () => `tray icon: ${standIn.tray().image.path}`);
    const card = await j.card();
    assert.notEqual(await card.locator('.badge').textContent(), 'Paused');
    assert.match((await card.locator('.reason').textContent()) ?? '', /.+/);

    // the person asks for a new QR and scans it
    j.server.setQrRefs(6);
    await card.getByRole('button', { name: 'Show new QR' }).click();
    await linkByScanningTheScreen(j);
    await eventually(() => /[/\\]ok\.png$/.test(standIn.tray().image.path), () => `tray icon: ${standIn.tray().image.path}`);
    assert.deepEqual(j.pageProblems, []);
  } finally {
    await j.close();
  }
});
