// "Test connection" in the real window (Chromium) against a real keeper whose backups go to the
// Storage stand-in: the page shows, in words, the policy the Supabase project lacks, and the
// verdict changes once the policy exists.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { openWindow, pageProblems } from './window-page.js';
import { SupabaseTarget } from '../../main/engine/backup/supabase-target.js';
import { PROBE_PHONE_ID } from '../../main/engine/backup/target-check.js';
import { startHarness } from '../support/keeper-harness.js';
import { startRendererServer } from '../support/renderer-bridge/bridge-server.js';
import { chromiumMissing, launchChromium } from '../support/renderer-bridge/chromium.js';
import { start as startStorage, type StorageServer } from '../support/supabase-server/storage-server.js';

const ROOT = fileURLToPath(new URL('../../renderer/', import.meta.url));
const missing = chromiumMissing();
if (missing) console.log(`# skipping the Chromium backup-check test: ${missing}`);
const skip = missing ?? false;

let browser: Browser | null = null;
let storage: StorageServer;
before(async () => {
  storage = await startStorage({ key: 'service', roles: { anon: { insert: true, select: true } }, buckets: ['backups'] });
  if (missing) return;
  assert.ok(existsSync(join(ROOT, 'app.js')), `the bundled renderer is missing at ${ROOT} (run npm run build)`);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await storage.close();
});

test('Test connection names the missing delete policy, then reports success once the policy exists', { skip }, async () => {
  const target = new SupabaseTarget({ url: storage.url, key: 'anon', bucket: 'backups', prefix: 'sk', timeoutMs: 5_000 });
  const h = await startHarness({ keeper: { backup: { target } } });
  const server = await startRendererServer(h, ROOT);
  try {
    const page = await openWindow(browser, server);
    await page.locator('nav').getByRole('button', { name: 'Settings' }).click();
    const button = page.getByRole('button', { name: 'Test connection' });
    const result = page.locator('#backup-check-result');

    await button.click();
    await result.locator('.check-verdict', { hasText: 'Uploads work but deletes are silently refused' }).waitFor();
    assert.match((await result.locator('.check-verdict').textContent()) ?? '', /add a delete policy on storage\.objects for bucket 'backups'/);
    assert.equal(await result.getAttribute('class'), 'result tone-bad');
    assert.deepEqual(await result.locator('li').evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-step'), li.getAttribute('data-ok')])), [
      ['write', 'true'],
      ['list', 'true'],
      ['read', 'true'],
      ['remove', 'false'],
    ]);
    assert.equal(await button.isDisabled(), false, 'can be run again');
    const leftBehind = storage.objects().filter((o) => o.path.startsWith(`sk/${PROBE_PHONE_ID}/`)).length;
    assert.equal(leftBehind, 1, 'the real deletes were refused, as shown');

    storage.setPolicies('anon', { insert: true, select: true, delete: true });
    await button.click();
    await result.locator('.check-verdict', { hasText: 'Connection works' }).waitFor();
    assert.equal(await result.getAttribute('class'), 'result tone-ok');
    assert.equal(storage.objects().filter((o) => o.path.startsWith(`sk/${PROBE_PHONE_ID}/`)).length, leftBehind, 'this probe was removed');
    assert.deepEqual(pageProblems(page), []);
    await page.close();
  } finally {
    await server.close();
    await h.close();
  }
});
