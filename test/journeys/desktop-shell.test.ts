// The desktop shell around the sessions (issue 12), as far as a Linux machine without Electron can
// show it through the stand-in: the order main sets things up in, and Linux without a keyring.
// (A refused notification and an unreadable settings file have their own journey files.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright';
import { journeySkip, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('desktop shell');

const before = (a: string, b: string) => {
  const t = standIn.timeline;
  assert.ok(t.includes(a) && t.includes(b) && t.indexOf(a) < t.indexOf(b), `${a} before ${b}: ${t.join(' → ')}`);
};

interface PageKeeper {
  getEnvironment(): Promise<{ secrets: { set: Record<string, boolean>; backend: string } }>;
  setSecret(name: string, value: string | null): Promise<unknown>;
}

test('on Linux without a keyring, a second launch before ready: no menu, plain-text secrets opted into before anything, the tray icon before the engine starts, one window once the handlers exist', { skip, timeout: 60_000 }, async () => {
  standIn.setStorageBackend('basic_text');
  const j = await startJourney({ beforeReady: () => standIn.app.secondInstance() });
  try {
    before('ready', 'plain-text-encryption true');
    before('plain-text-encryption true', 'ipc-handlers');
    before('application-menu null', 'window');
    before('ipc-handlers', 'window');
    // item 12: the icon is there before the engine is even started (which comes after the IPC
    // handlers), not at the first status
    before('tray', 'ipc-handlers');
    assert.equal(standIn.timeline.filter((e) => e === 'tray').length, 1, 'one tray icon');
    assert.equal(standIn.timeline.filter((e) => e === 'window').length, 1, 'the early second launch opened one window, not a blank extra one');
    assert.equal(standIn.applicationMenu(), null, 'no default menu with Reload');
    assert.equal(standIn.app.appUserModelId, null, 'the AUMID is a Windows thing');

    const page: Page = await j.page();
    const env = () => page.evaluate(() => (globalThis as unknown as { keeper: PageKeeper }).keeper.getEnvironment());
    assert.equal((await env()).secrets.backend, 'basic_text', 'the window is told these secrets are only obfuscated');
    standIn.dialogAnswers.message.push(1);
    await page.evaluate(() => (globalThis as unknown as { keeper: PageKeeper }).keeper.setSecret('supabaseKey', 'k'));
    assert.equal((await env()).secrets.set.supabaseKey, true, 'a secret can be saved without a keyring');
  } finally {
    await j.close();
    standIn.setStorageBackend('gnome_libsecret');
  }
});
