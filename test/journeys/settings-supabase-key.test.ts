// Journey: a Supabase key belongs to the project it was given for. The person points backups at
// one Supabase URL and stores its key; changing the URL drops the key in main, and the settings
// view must say so at once (not keep showing it as "Set" until the next start).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { journeySkip, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('settings: Supabase key');

interface PageKeeper {
  getEnvironment(): Promise<{ secrets: { set: Record<string, boolean> } }>;
}

test('changing the Supabase URL drops the stored key, and the settings view shows it as not set with why', { skip, timeout: 60_000 }, async () => {
  const j = await startJourney();
  try {
    const page = await j.page();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const save = page.getByRole('button', { name: 'Save settings' });
    const status = page.locator('#settings-status');
    const keyState = page.locator('#secret-supabaseKey-state');
    const setKey = async (value: string) => {
      standIn.dialogAnswers.message.push(1);
      await page.getByLabel('Supabase key (anon or user, never service-role)').fill(value);
      await page.locator('.secret-row', { has: page.locator('#secret-supabaseKey') }).getByRole('button', { name: 'Set' }).click();
      await keyState.filter({ hasText: /^Set$/ }).waitFor();
    };

    // backups to one Supabase project (never contacted here: no phone is linked), then its key;
    // main asks before each (the stand-in's answer 1 is Continue)
    await page.getByLabel('Back up to').selectOption('supabase');
    await page.getByLabel('Supabase project URL').fill('http://127.0.0.1:9/first');
    await page.getByLabel('Bucket').fill('sessions');
    standIn.dialogAnswers.message.push(1);
    await save.click();
    await status.filter({ hasText: /^Saved\.$/ }).waitFor();
    await setKey('anon-key-for-the-first-project');

    // another project: main drops the key, and the view follows without a restart
    await page.getByLabel('Supabase project URL').fill('http://127.0.0.1:9/second');
    standIn.dialogAnswers.message.push(1);
    await save.click();
    await keyState.filter({ hasText: /^Not set$/ }).waitFor({ timeout: 5_000 });
    // the secrets line may be redrawn by a push from main a moment before the save's own re-read
    await status.filter({ hasText: /Supabase key was for the old URL and was removed/ }).waitFor({ timeout: 5_000 });
    const env = await page.evaluate(() => (globalThis as unknown as { keeper: PageKeeper }).keeper.getEnvironment());
    assert.equal(env.secrets.set.supabaseKey, false, 'main holds no key either');

    // saving again with the same URL keeps a key set since: only a new URL drops it
    await setKey('anon-key-for-the-second-project');
    await page.getByLabel('Bucket').fill('sessions-2');
    standIn.dialogAnswers.message.push(1);
    await save.click();
    await status.filter({ hasText: /^Saved\.$/ }).waitFor();
    assert.equal(await keyState.textContent(), 'Set');
    assert.deepEqual(j.pageProblems, []);
  } finally {
    await j.close();
  }
});
