// Journey: linking by phone number instead of the QR, through the real main process. The person
// opens the "Link with phone number" tab, types a number (first without country code, which is
// refused beside the field), reads the code off the screen and types it on the simulated phone;
// the card turns Connected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, journeySkip, screenshot, startJourney } from '../support/journey.js';

const skip = journeySkip('link by phone number');

test('link by phone number: the code read off the screen and typed on the phone links it, and the card says Connected', { skip, timeout: 60_000 }, async () => {
  const j = await startJourney({ server: { phoneNumber: '15550000001' } });
  try {
    const page = await j.page();
    const card = await j.card();
    await card.locator('canvas.qr').waitFor({ state: 'visible', timeout: 30_000 });

    // the tabs work from the keyboard: right arrow moves to the phone number tab
    const qrTab = card.getByRole('tab', { name: 'Scan QR code' });
    const codeTab = card.getByRole('tab', { name: 'Link with phone number' });
    assert.equal(await qrTab.getAttribute('aria-selected'), 'true');
    await qrTab.focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await codeTab.getAttribute('aria-selected'), 'true');
    assert.equal(await card.locator('canvas.qr').isVisible(), false, 'the QR panel is hidden behind its tab');

    const number = card.getByLabel('Phone number, with country code');
    await number.fill('07700 900123');
    await card.getByRole('button', { name: 'Get code' }).click();
    await card.getByRole('alert').filter({ hasText: /no country code/ }).waitFor();
    assert.equal(await number.getAttribute('aria-invalid'), 'true');

    await number.fill('+1 555 000 0001');
    await card.getByRole('button', { name: 'Get code' }).click();
    const code = card.locator('[data-pairing-code]');
    await code.waitFor({ state: 'visible', timeout: 30_000 });
    const shown = (await code.textContent()) ?? '';
    assert.match(shown, /^[1-9A-HJ-NP-TV-Z]{4}-[1-9A-HJ-NP-TV-Z]{4}$/, 'grouped 4-4 as WhatsApp shows it');
    assert.equal(await number.getAttribute('aria-invalid'), null, 'the earlier refusal is cleared');
    const countdown = card.locator('.pairing-code-countdown');
    const first = (await countdown.textContent()) ?? '';
    assert.match(first, /^Expires in 2:[0-5]\d$/);
    // the countdown is live: it moves on within a few seconds
    await countdown.filter({ hasNotText: first }).waitFor({ timeout: 3_000 });
    assert.deepEqual(await axeViolations(page) ?? [], [], 'axe finds nothing on the phone number tab');
    await screenshot(page, 'pairing-code');

    // the person types what the screen shows on the phone
    await j.server.phone.enterCode(shown);
    await card.locator('.badge', { hasText: 'Connected' }).waitFor({ timeout: 30_000 });
    assert.equal(await code.isVisible(), false, 'the code is gone once linked');
    assert.deepEqual(j.pageProblems, []);
  } finally {
    await j.close();
  }
});
