// The uptime strip in real Chromium against a real keeper whose history holds a simulated month
// (a 6 h outage, two 401 retries): each day a named SVG cell, the hover and focus text naming
// what happened, the three percentages, a click that shows that day's log, both themes.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { LogEntry } from '../../main/engine/types.js';
import { ManualClock } from '../../main/engine/clock.js';
import { historyDir, historyFile } from '../../main/engine/uptime/history-store.js';
import { historyLine } from '../../main/engine/uptime/history-record.js';
import { startHarness } from '../support/keeper-harness.js';
import { startRendererServer } from '../support/renderer-bridge/bridge-server.js';
import { chromiumPerFile, RENDERER_ROOT } from '../support/renderer-bridge/chromium.js';
import { HOUR, simulatedMonth } from '../support/uptime-history.js';
import { openWindow, pageProblems } from './window-page.js';

const ROOT = RENDERER_ROOT;
const SHOTS = process.env.RENDERER_SCREENSHOTS ?? null;
const chromium = chromiumPerFile('the Chromium uptime strip test');
before(async () => {
  if (SHOTS) await mkdir(SHOTS, { recursive: true });
});

test('the card shows 30 days with the 6 h outage and the two 401 retries named on hover and focus, the percentages, and a click opens that day\'s log', { skip: chromium.skip }, async () => {
  const m = simulatedMonth('UTC', DateTime.fromMillis(Date.now(), { zone: 'UTC' }));
  const outageDay = DateTime.fromISO(m.outageDate, { zone: 'UTC' }).toMillis();
  const seedLog: LogEntry[] = [
    { at: outageDay + 10 * HOUR, phoneId: 'default', level: 'warn', event: 'disconnect.decision', message: 'Connection lost (408): reconnecting' },
    { at: outageDay + 30 * HOUR, phoneId: 'default', level: 'info', event: 'keepalive.sent', message: 'A keep-alive of the next day' },
  ];
  // the month's keeper stopped a moment ago; this one starts on a clock held at that moment, so
  // the figures do not drift while the page is driven
  const h = await startHarness({ keeper: { keepAlive: { timeZone: 'UTC' }, clock: new ManualClock(m.now) } });
  await mkdir(historyDir(join(h.dataDir, 'logs')), { recursive: true });
  await writeFile(historyFile(join(h.dataDir, 'logs'), 'default'), [...m.records, { t: m.now, k: 'stop' } as const].map(historyLine).join(''));
  const server = await startRendererServer(h, ROOT, { seedLog });
  try {
    await h.keeper.start();
    const page = await openWindow(chromium.browser(), server);
    const card = page.locator('article.card[data-phone="default"]');
    const cells = card.locator('svg.uptime-strip rect.uptime-cell');
    await cells.nth(29).waitFor();
    assert.equal(await cells.count(), 30);

    // the percentages, rounded down: the same figures `headless uptime` prints
    assert.equal(await card.locator('[data-uptime="h24"]').textContent(), '100 %');
    assert.equal(await card.locator('[data-uptime="d7"]').textContent(), '99.9 %');
    assert.equal(await card.locator('[data-uptime="d30"]').textContent(), '99.1 %');

    // each cell is a link to its day's log, named by the day
    const outage = card.getByRole('link', { name: /: open 18 h, reconnecting 6 h, reconnected once \(408\)/ });
    assert.equal(await outage.getAttribute('data-date'), m.outageDate);
    assert.equal(await outage.getAttribute('data-tone'), 'outage');
    const retry = card.getByRole('link', { name: /: open 23 h 58 min, reconnecting 2 min, reconnected twice \(401\)/ });
    assert.equal(await retry.getAttribute('data-date'), m.retryDate);
    assert.equal(await card.locator('rect.uptime-cell[data-tone="ok"]').count(), 29, 'every other day open all day');
    // a mark under each day with a reconnect, and under today: this keeper has no session and asks for a link
    assert.equal(await card.locator('circle.uptime-flag').count(), 3);
    assert.match((await cells.nth(29).getAttribute('aria-label')) ?? '', /\(today so far\): .*1 new link asked for/);

    // hover names the day in the detail line
    const detail = card.locator('.uptime-detail');
    await retry.hover();
    const retryLabel = (await retry.getAttribute('aria-label')) ?? '';
    assert.match(retryLabel, /^\w{3} \d{1,2} \w{3}: /);
    assert.equal(await detail.textContent(), retryLabel);
    await outage.hover();
    assert.match((await detail.textContent()) ?? '', /reconnecting 6 h, reconnected once \(408\)/);

    // one tab stop; arrow keys walk the days and the detail follows the focus
    assert.equal(await card.locator('rect.uptime-cell[tabindex="0"]').count(), 1);
    await page.mouse.move(0, 0);
    await card.locator('rect.uptime-cell[tabindex="0"]').focus();
    const dates = await cells.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-date')));
    const stepsBack = 29 - dates.indexOf(m.retryDate);
    for (let i = 0; i < stepsBack; i++) await page.keyboard.press('ArrowLeft');
    assert.equal(await detail.textContent(), retryLabel, 'focus on the 401 day names it');

    // colour is not the only cue: an outage is cross-hatched, a clean day solid, in both themes
    // the test build has no DOM types: the page computes the fills from source text
    const fills = (): Promise<{ ok: string; outage: string }> =>
      page.evaluate(`(() => {
        const fill = (sel) => getComputedStyle(document.querySelector(sel)).fill;
        return { ok: fill('rect.uptime-cell[data-tone="ok"]'), outage: fill('rect.uptime-cell[data-tone="outage"]') };
      })()`);
    const light = await fills();
    assert.match(light.outage, /url\(.*#uptime-pattern-outage/);
    // the README's pictures (scripts/uptime-screenshots.mjs): the strip with the 401 day in focus
    if (SHOTS) await card.locator('section.uptime').screenshot({ path: join(SHOTS, 'uptime.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await fills();
    assert.notEqual(dark.ok, light.ok, 'the dark theme has its own colours');
    if (SHOTS) await card.locator('section.uptime').screenshot({ path: join(SHOTS, 'uptime-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // Enter on the focused day (or a click) shows the log of that phone and day only
    const outageTitle = ((await outage.getAttribute('aria-label')) ?? '').split(':')[0] ?? '';
    await outage.click();
    await page.locator('#view-log:not([hidden])').waitFor();
    assert.equal(await page.locator('#log-day-text').textContent(), `Showing default on ${outageTitle} only (the entries this window holds).`);
    await page.locator('#log-rows .log-row', { hasText: 'Connection lost (408)' }).waitFor();
    assert.equal(await page.locator('#log-rows .log-row', { hasText: 'A keep-alive of the next day' }).count(), 0, 'the next day is filtered out');
    await page.getByRole('button', { name: 'Show all days' }).click();
    await page.locator('#log-rows .log-row', { hasText: 'A keep-alive of the next day' }).waitFor();
    assert.equal(await page.locator('#log-day').isHidden(), true);

    assert.deepEqual(pageProblems(page), []);
    await page.close();
  } finally {
    await server.close();
    await h.close();
  }
});
