// The person points updates at an address in Settings. The app would install what that address
// serves, so main asks its own native confirmation naming it: Cancel keeps the old value, Continue
// stores it. A plain-http address elsewhere is refused in the form. (The updates themselves are
// tested against a local update server in test/main/updates/setup-updates.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, journeySkip, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('update URL');

test('setting an update URL asks main\'s native confirmation naming the address; Cancel stores nothing, Continue stores it', { skip, timeout: 60_000 }, async () => {
  const j = await startJourney();
  try {
    const page = await j.page();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const url = page.getByLabel('Update URL');
    const save = page.getByRole('button', { name: 'Save settings' });
    const stored = async () => (JSON.parse(await readFile(join(j.profileDir, 'userData', 'settings.json'), 'utf8').catch(() => '{}')) as { updateUrl?: string }).updateUrl ?? '';

    await url.fill('http://updates.example/sk');
    await page.locator('#error-updateUrl').filter({ hasText: /https:\/\// }).waitFor();
    assert.equal(await save.isDisabled(), true, 'plain http elsewhere cannot be saved');

    await url.fill('https://updates.example/sk');
    standIn.dialogAnswers.message.push(0); // Cancel
    await save.click();
    const asked = () => standIn.dialogCalls.filter((c) => c.kind === 'message').map((c) => (c.options as { message: string }).message);
    await eventually(() => asked().length === 1, () => 'main asked its confirmation');
    await page.locator('#settings-status', { hasText: 'Not saved: Cancelled: nothing was changed.' }).waitFor();
    assert.match(asked()[0] ?? '', /^Install updates from updates\.example\?/, 'the native dialog names the host in its question');
    const details = standIn.dialogCalls.filter((c) => c.kind === 'message').map((c) => (c.options as { detail?: string }).detail);
    assert.equal(details[0], 'Update URL: https://updates.example/sk', 'and the full address under it');
    assert.equal(await stored(), '');

    standIn.dialogAnswers.message.push(1); // Continue
    await save.click();
    await page.locator('#settings-status', { hasText: 'Saved.' }).waitFor();
    assert.equal(await stored(), 'https://updates.example/sk');
    assert.ok(!standIn.tray().contextMenu?.labels().some((l) => /Update/.test(l)), 'a checkout (not an installed build) does not update itself, and says nothing');
    assert.deepEqual(j.pageProblems, []);
  } finally {
    await j.close();
  }
});
