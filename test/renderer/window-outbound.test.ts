// The window when WhatsApp made the keeper stop sending: the card says why and offers the one
// way out, "Resume sending", which only a person can press. Real Chromium, a real keeper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openWindow, pageProblems } from './window-page.js';
import { startHarness } from '../support/keeper-harness.js';
import { FakeMessagingPort } from '../support/fake-messaging-port.js';
import { startRendererServer } from '../support/renderer-bridge/bridge-server.js';
import { chromiumPerFile, RENDERER_ROOT } from '../support/renderer-bridge/chromium.js';

const ROOT = RENDERER_ROOT;
const chromium = chromiumPerFile('the Chromium window tests');
const skip = chromium.skip;

test('a restriction shows on the card with its reason, and Resume sending lifts it and goes away', { skip }, async () => {
  const port = new FakeMessagingPort({ phoneIds: ['default'], onWhatsApp: ['491555000300'] });
  const hour = new Date().getUTCHours();
  const hh = (n: number) => `${String(n % 24).padStart(2, '0')}:00`;
  const h = await startHarness({
    keeper: {
      outboundPort: port,
      keepAlive: { timeZone: 'UTC', sleepWindow: { start: hh(hour + 6), end: hh(hour + 7) }, reducedWindows: [] },
      outbound: { composing: false, warmUpDays: 0 },
    },
  });
  const server = await startRendererServer(h, ROOT);
  try {
    await h.keeper.start();
    const page = await openWindow(chromium.browser(), server);
    const card = page.locator('article.card[data-phone="default"]');
    await card.waitFor();
    const resume = card.getByRole('button', { name: 'Resume sending' });
    assert.equal(await resume.isVisible(), false, 'not offered while sending works');

    port.failNextSend(new Error('account restricted (463)'));
    await h.keeper.sendText('default', '491555000300', 'hello');
    await card.locator('.warnings li', { hasText: 'Sending stopped' }).waitFor();
    assert.match((await card.locator('.warnings').textContent()) ?? '', /restriction.*until you resume/);
    await resume.waitFor({ state: 'visible' });

    await resume.click();
    await card.locator('.result', { hasText: 'Sending resumed.' }).waitFor();
    await resume.waitFor({ state: 'hidden' });
    assert.equal(h.keeper.status('default').outboundStop, null);
    assert.equal(await card.locator('.warnings li', { hasText: 'Sending stopped' }).count(), 0);
    assert.deepEqual(pageProblems(page), []);
    await page.close();
  } finally {
    await server.close();
    await h.close();
  }
});
