// The window in real Chromium against a real keeper: the page gets `window.keeper` from the test
// bridge (standing in for the preload), and everything it shows comes from the engine. The QR is
// read back off the screen's pixels and scanned by the simulated phone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import { openWindow as open, pageProblems } from './window-page.js';
import { ManualClock } from '../../main/engine/clock.js';
import type { LogEntry, LogLevel } from '../../main/engine/types.js';
import { startHarness, type Harness } from '../support/keeper-harness.js';
import { installInstallationKey, installationKeyPath } from '../../main/engine/backup/key-store.js';
import { formatRecoveryKey, generateInstallationKey } from '../../main/engine/backup/recovery-key.js';
import { RECOVERY_KEY_SAVE_CONFIRM, RECOVERY_KEY_SHOW_CONFIRM } from '../../main/presenters/recovery-key-sheet.js';
import { startRendererServer, type RendererServer } from '../support/renderer-bridge/bridge-server.js';
import { chromiumMissing, launchChromium, scanQrOnScreen } from '../support/renderer-bridge/chromium.js';

const ROOT = fileURLToPath(new URL('../../renderer/', import.meta.url));
const SHOTS = process.env.RENDERER_SCREENSHOTS ?? null;
const missing = chromiumMissing();
if (missing) console.log(`# skipping the Chromium window tests: ${missing}`);
const skip = missing ?? false;

let browser: Browser | null = null;
before(async () => {
  if (missing) return;
  assert.ok(existsSync(join(ROOT, 'app.js')), `the bundled renderer is missing at ${ROOT} (run npm run build)`);
  browser = await launchChromium();
  if (SHOTS) await mkdir(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
});

const openWindow = (server: RendererServer) => open(browser, server);

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

test('the QR on screen scans, the card turns Connected; backup, reconnect, log-out dialog and a 401 bring the QR back', { skip }, async () => {
  const clock = new ManualClock(Date.now());
  const h: Harness = await startHarness({ keeper: { clock, random: () => 0.5 } });
  const server = await startRendererServer(h, ROOT);
  try {
    await h.keeper.start();
    const page = await openWindow(server);
    const card = page.locator('article.card[data-phone="default"]');
    const badge = card.locator('.badge');
    const canvas = card.locator('canvas.qr');

    // pairing: the steps, a countdown, and a QR that scans off the screen
    await canvas.waitFor({ state: 'visible' });
    await assert.doesNotReject(card.getByText('Go to Settings → Linked devices.').waitFor());
    assert.equal(await badge.textContent(), 'Not linked yet', 'a first link: nothing to scan "again"');
    assert.match((await card.locator('.countdown').textContent()) ?? '', /^Expires in \d+:\d\d$/);
    await shot(page, 'pairing');
    const qr = await scanQrOnScreen(canvas);
    assert.ok(qr, 'jsQR found a QR code in the screenshot');
    assert.ok(h.statuses.some((s) => s.qr === qr), 'the screen shows a QR the engine issued');
    await h.server.phone.scan(qr);

    await card.locator('.badge', { hasText: 'Connected' }).waitFor();
    assert.match((await card.locator('[data-fact="session-age"]').textContent()) ?? '', /^\d+d \d+h$/);
    assert.equal(await canvas.isVisible(), false, 'the QR is gone once linked');
    assert.match((await card.locator('[data-fact="connected-since"]').textContent()) ?? '', /just now|ago/);

    // Back up now: a new generation, named in the result and stored by the keeper
    const before = (await h.keeper.listBackups('default')).length;
    await card.getByRole('button', { name: 'Back up now' }).click();
    const result = card.locator('.result', { hasText: 'Backup stored:' });
    await result.waitFor();
    const generation = ((await result.textContent()) ?? '').replace('Backup stored: ', '');
    const stored = await h.keeper.listBackups('default');
    assert.ok(stored.length > before, 'a new generation was stored');
    assert.ok(stored.some((b) => b.name === generation), 'the shown generation exists');
    await card.locator('[data-fact="last-backup"]', { hasText: '· ok' }).waitFor();
    await shot(page, 'healthy');
    if (SHOTS) {
      await page.emulateMedia({ colorScheme: 'dark' });
      await shot(page, 'healthy-dark');
      await page.emulateMedia({ colorScheme: 'light' });
    }

    // Reconnect: the server sees a new connection, and the card is Connected again
    const connections = h.server.connections.length;
    await card.getByRole('button', { name: 'Reconnect' }).click();
    await h.waitForStatus('default', (s) => s.state === 'open' && h.server.connections.length > connections);
    await card.locator('.badge', { hasText: 'Connected' }).waitFor();

    // Log out asks first in a real <dialog>, and Escape cancels it
    await card.getByRole('button', { name: 'Log out' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('#confirm-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.equal(await dialog.evaluate((d) => (d as unknown as { open: boolean }).open), true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(h.keeper.status('default').state, 'open', 'cancelled: still linked');

    // A 401, retried after 10 s on the keeper's clock, meets a removed device: rescan, QR back
    const me = h.keeper.status('default').me ?? '';
    const live = [...h.server.connections].reverse().find((c) => c.state === 'logged-in');
    assert.ok(live);
    h.server.injectStreamError(live, 'device_removed');
    await card.locator('.badge', { hasText: 'Reconnecting' }).waitFor();
    assert.ok(h.server.removeDevice(me));
    clock.advance(10_000);
    await card.locator('.badge', { hasText: 'Rescan needed' }).waitFor();
    await canvas.waitFor({ state: 'visible' });
    assert.match((await card.locator('.reason').textContent()) ?? '', /.+/);
    assert.match((await card.locator('.next-step').textContent()) ?? '', /Linked devices/);
    const again = await scanQrOnScreen(canvas);
    assert.equal(again, h.keeper.status('default').qr, 'the new QR is on screen');
    await shot(page, 'needs-rescan');
    assert.deepEqual(pageProblems(page), []);
    await page.close();
  } finally {
    await server.close();
    await h.close();
  }
});

/**
 * A keeper whose sleep window starts `sleepStartsIn` hours from now (UTC), with its window open
 * and the phone linked by scanning the QR off the screen.
 */
async function linkedWindow(sleepStartsIn: number, sleepHours: number) {
  // the page counts QR expiry on the real clock, so the keeper's clock starts now
  const clock = new ManualClock(Date.now());
  const hh = (n: number) => `${String(n % 24).padStart(2, '0')}:00`;
  const hour = new Date().getUTCHours();
  const sleepWindow = { start: hh(hour + sleepStartsIn), end: hh(hour + sleepStartsIn + sleepHours) };
  const keepAlive = { timeZone: 'UTC', holdSeconds: 0, sleepWindow, reducedWindows: [] };
  const h: Harness = await startHarness({ keeper: { clock, random: () => 0.5, keepAlive } });
  const server = await startRendererServer(h, ROOT);
  const close = async () => {
    await server.close();
    await h.close();
  };
  try {
    await h.keeper.start();
    const page = await openWindow(server);
    const card = page.locator('article.card[data-phone="default"]');
    const canvas = card.locator('canvas.qr');
    await canvas.waitFor({ state: 'visible' });
    const qr = await scanQrOnScreen(canvas);
    assert.ok(qr);
    await h.server.phone.scan(qr);
    await card.locator('.badge', { hasText: 'Connected' }).waitFor();
    return { h, server, page, card, sleepWindow, close };
  } catch (err) {
    await close();
    throw err;
  }
}

test('Keep-alive now sends a pulse the server sees, and Restore… puts the chosen generation back and reconnects', { skip }, async () => {
  // the sleep window is put half a day away so the manual pulse is allowed without forcing
  const { h, page, card, close } = await linkedWindow(12, 1);
  try {
    const live = [...h.server.connections].reverse().find((c) => c.state === 'logged-in');
    assert.ok(live);
    const available = () => live.presences.filter((p) => p.type === 'available').length;
    const before = available();
    await card.getByRole('button', { name: 'Keep-alive now' }).click();
    await card.locator('.result', { hasText: 'Keep-alive sent.' }).waitFor();
    await h.server.waitFor(() => available() > before, 5_000, 'the pulse at the server');
    assert.notEqual(h.keeper.status('default').lastKeepAliveAt, null);

    await h.waitForStatus('default', (s) => s.lastBackupAt !== null);
    const newest = (await h.keeper.listBackups('default'))[0];
    assert.ok(newest);
    await card.getByRole('button', { name: 'Restore…' }).click();
    const dialog = page.locator('#restore-dialog');
    await dialog.waitFor({ state: 'visible' });
    await dialog.getByText(newest.name, { exact: false }).waitFor();
    // choose it explicitly: on the test's frozen clock several generations share one timestamp
    await dialog.locator(`input[value="${newest.name}"]`).check();
    await page.locator('#restore-ok').click();
    const result = card.locator('.result', { hasText: 'Restored ' });
    await result.waitFor();
    assert.match((await result.textContent()) ?? '', new RegExp(`Restored ${newest.name.replace(/[.]/g, '\\.')}\\.`));
    assert.match((await result.textContent()) ?? '', /moved aside/);
    await h.waitForStatus('default', (s) => s.state === 'open');
    await card.locator('.badge', { hasText: 'Connected' }).waitFor();
    assert.match((await result.textContent()) ?? '', /^Restored /, 'the outcome stays once the phone is connected again');
    assert.deepEqual(pageProblems(page), []);
    await page.close();
  } finally {
    await close();
  }
});

test('Keep-alive now inside the sleep window shows the reason it was refused, not a generic failure', { skip }, async () => {
  // the sleep window is put around now, so the gate refuses a manual pulse that is not forced
  const { h, server, page, card, sleepWindow, close } = await linkedWindow(0, 2);
  try {
    await card.getByRole('button', { name: 'Keep-alive now' }).click();
    const result = card.locator('.result', { hasText: 'sleep window' });
    await result.waitFor();
    const text = (await result.textContent()) ?? '';
    assert.match(text, new RegExp(`sleep window ${sleepWindow.start}–${sleepWindow.end}`));
    assert.doesNotMatch(text, /Something went wrong/);
    assert.equal(h.keeper.status('default').lastKeepAliveAt, null, 'no pulse went out');
    await shot(page, 'keepalive-refused-sleep');

    // The contrast: a failure nobody meant (the save dialog answers a folder, so main's write
    // fails with EISDIR) shows a plain sentence and where to look, not errno text.
    const taken = join(h.dataDir, 'exported-log.jsonl');
    await mkdir(taken);
    server.state.pickSaveFile = () => taken;
    await page.locator('nav').getByRole('button', { name: 'Log' }).click();
    await page.locator('#log-export').click();
    const exportResult = page.locator('#log-result', { hasText: 'Could not export' });
    await exportResult.waitFor();
    const failure = (await exportResult.textContent()) ?? '';
    assert.match(failure, /Something went wrong/);
    assert.match(failure, /log file/);
    assert.doesNotMatch(failure, /EISDIR/);
    assert.deepEqual(pageProblems(page), []);
    await page.close();
  } finally {
    await close();
  }
});

function syntheticLog(n: number, t0: number): LogEntry[] {
  const levels: LogLevel[] = ['debug', 'info', 'info', 'warn', 'error'];
  return Array.from({ length: n }, (_, i) => ({
    at: t0 - (n - i) * 1000,
    phoneId: i % 3 === 0 ? 'shop' : 'default',
    level: levels[i % levels.length] ?? 'info',
    // the keeper's own few entries push the oldest out of the 10,000: keep matches clear of them
    event: i % 7 === 0 && i >= 100 ? 'backup.uploaded' : 'keepalive.sent',
    message: i % 7 === 0 && i >= 100 ? `Backup generation ${i} uploaded` : `Session keep-alive sent #${i}`,
  }));
}

test('ten thousand log entries keep only the visible rows in the page, and the filters narrow the list', { skip }, async () => {
  const h = await startHarness();
  const server = await startRendererServer(h, ROOT, { seedLog: syntheticLog(10_000, Date.now()) });
  try {
    await h.keeper.start();
    const page = await openWindow(server);
    await page.locator('nav').getByRole('button', { name: 'Log' }).click();
    const count = page.locator('#log-count');
    await count.filter({ hasText: /^10,000 of 10,000 entries$/ }).waitFor();
    const rows = page.locator('#log-rows .log-row');
    // the window of rows is drawn for the viewport's height once laid out: wait for that frame
    await page.waitForFunction("document.querySelectorAll('#log-rows .log-row').length > 10");
    const drawn = await rows.count();
    assert.ok(drawn > 10 && drawn < 60, `only the visible rows are in the DOM (${drawn})`);
    assert.equal(await page.locator('#log-spacer').evaluate((e) => (e as unknown as { offsetHeight: number }).offsetHeight), 10_000 * 26);
    await page.locator('#log-text').fill('backup generation');
    await count.filter({ hasText: /^1,414 of 10,000 entries$/ }).waitFor();
    // newest first: the first row is the last matching entry
    assert.match((await rows.first().textContent()) ?? '', /Backup generation 9996 uploaded/);
    for (const text of await rows.allTextContents()) assert.match(text, /Backup generation/);

    await page.locator('#log-phone').selectOption('shop');
    await count.filter({ hasText: /^472 of 10,000 entries$/ }).waitFor();
    await page.locator('#log-level').selectOption('error');
    await count.filter({ hasText: /^94 of 10,000 entries$/ }).waitFor();
    for (const text of await rows.allTextContents()) assert.match(text, /error\s*shop\s*Backup generation/);

    // scrolled to the end, the last row drawn is the last match
    await page.locator('#log-text').fill('');
    await page.locator('#log-level').selectOption('all');
    await page.locator('#log-phone').selectOption('all');
    await count.filter({ hasText: /^10,000 of/ }).waitFor();
    await page.locator('#log-viewport').evaluate((v) => {
      const el = v as unknown as { scrollTop: number; scrollHeight: number };
      el.scrollTop = el.scrollHeight;
    });
    await page.locator('#log-rows .log-row[aria-posinset="10000"]').waitFor();
    await page.locator('#log-viewport').evaluate((v) => ((v as unknown as { scrollTop: number }).scrollTop = 0));
    await page.locator('#log-rows .log-row[aria-posinset="1"]').waitFor();
    await shot(page, 'log');
    assert.deepEqual(pageProblems(page), []);
    await page.close();
  } finally {
    await server.close();
    await h.close();
  }
});

test('an interval of 3 hours shows its message by the field and Save stays disabled; a valid one saves', { skip }, async () => {
  const h = await startHarness();
  const server = await startRendererServer(h, ROOT, { secretsBackend: 'basic_text' });
  try {
    await h.keeper.start();
    const page = await openWindow(server);
    await page.locator('nav').getByRole('button', { name: 'Settings' }).click();
    await assert.doesNotReject(page.getByText('secrets are stored only obfuscated').waitFor());
    const interval = page.getByLabel('Keep-alive interval (hours)');
    const save = page.getByRole('button', { name: 'Save settings' });
    assert.equal(await interval.inputValue(), '12');
    assert.equal(await save.isDisabled(), true, 'nothing to save yet');

    await interval.fill('3');
    const error = page.locator('#error-intervalHours');
    await error.filter({ hasText: 'Keep-alive interval must be between 6 and 24 hours (got 3)' }).waitFor();
    assert.equal(await interval.getAttribute('aria-invalid'), 'true');
    assert.equal(await save.isDisabled(), true);
    await shot(page, 'settings-invalid', true);
    await page.keyboard.press('Enter');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(server.state.saved.length, 0, 'nothing reached the keeper');
    assert.equal(server.state.settings.keepAlive.intervalHours, 12);

    await interval.fill('8');
    await error.filter({ hasText: /^$/ }).waitFor({ state: 'attached' });
    assert.equal(await interval.getAttribute('aria-invalid'), 'false');
    assert.equal(await save.isDisabled(), false);
    await save.click();
    await page.locator('#settings-status', { hasText: 'Saved.' }).waitFor();
    assert.equal(server.state.saved.length, 1);
    assert.equal(server.state.settings.keepAlive.intervalHours, 8);

    // secrets are write-only: set, then the field is empty and only "Set" is shown
    await page.getByLabel('Backup passphrase').fill('correct horse');
    await page.locator('.secret-row', { hasText: 'Backup passphrase' }).getByRole('button', { name: 'Set' }).click();
    await page.locator('#secret-backupPassphrase-state', { hasText: /^Set$/ }).waitFor();
    assert.equal(await page.getByLabel('Backup passphrase').inputValue(), '');
    assert.equal(server.state.secrets.backupPassphrase, true);
    // main asked for the passphrase, not for the interval
    assert.deepEqual(server.state.confirmations.map((c) => c.message), ['Change the backup passphrase? New backups will be encrypted with it.']);
    assert.deepEqual(pageProblems(page), []);
    await page.close();
  } finally {
    await server.close();
    await h.close();
  }
});

test('a new Supabase URL is saved only once the person agrees in main’s dialog, and then the key given for the old URL is removed', { skip }, async () => {
  const h = await startHarness();
  const server = await startRendererServer(h, ROOT);
  try {
    const page = await openWindow(server);
    await page.locator('nav').getByRole('button', { name: 'Settings' }).click();
    const url = page.getByLabel('Supabase project URL');
    const save = page.getByRole('button', { name: 'Save settings' });
    const status = page.locator('#settings-status');
    await page.locator('#field-backupTarget').selectOption('supabase');
    await url.fill('https://abcd.supabase.co');
    await page.getByLabel('Bucket').fill('backups');
    await save.click();
    await status.filter({ hasText: /^Saved\.$/ }).waitFor();
    const key = page.getByLabel('Supabase key (anon or user, never service-role)');
    await key.fill('anon-key');
    await page.locator('.secret-row', { hasText: 'Supabase key' }).getByRole('button', { name: 'Set' }).click();
    await page.locator('#secret-supabaseKey-state', { hasText: /^Set$/ }).waitFor();
    assert.equal(server.state.secrets.supabaseKey, true);
    const saves = server.state.saved.length;

    server.state.declineConfirm = true;
    await url.fill('https://wxyz.supabase.co');
    await save.click();
    await status.filter({ hasText: 'Not saved: Cancelled: nothing was changed.' }).waitFor();
    assert.equal(server.state.saved.length, saves, 'declined: nothing saved');
    assert.equal(server.state.settings.backup.supabase.url, 'https://abcd.supabase.co');
    assert.equal(server.state.secrets.supabaseKey, true, 'declined: the key stays');

    server.state.declineConfirm = false;
    await save.click();
    await status.filter({ hasText: 'The Supabase key was for the old URL and was removed' }).waitFor();
    assert.equal(server.state.settings.backup.supabase.url, 'https://wxyz.supabase.co');
    assert.equal(server.state.secrets.supabaseKey, false);
    await page.locator('#secret-supabaseKey-state', { hasText: /^Not set$/ }).waitFor();
    // main's own questions, from its confirmation table, with the full address underneath
    assert.deepEqual(
      server.state.confirmations.map((c) => [c.message, c.detail]),
      [
        ['Change the backup target from local to supabase, the Supabase URL to abcd.supabase.co, the Supabase bucket to "backups"? Your session backups will be sent there.', 'Supabase URL: https://abcd.supabase.co/'],
        ['Store a new Supabase key? Backups will be sent with it.', null],
        ['Change the Supabase URL to wxyz.supabase.co? Your session backups will be sent there.', 'Supabase URL: https://wxyz.supabase.co/'],
        ['Change the Supabase URL to wxyz.supabase.co? Your session backups will be sent there.', 'Supabase URL: https://wxyz.supabase.co/'],
      ],
    );
    assert.deepEqual(pageProblems(page), []);
    await page.close();
  } finally {
    await server.close();
    await h.close();
  }
});

test('Export recovery key… shows the key that opens the backups only after the confirmation, and saves it as a sheet', { skip }, async () => {
  const h = await startHarness();
  const server = await startRendererServer(h, ROOT);
  try {
    const page = await openWindow(server);
    await page.locator('nav').getByRole('button', { name: 'Settings' }).click();
    const exportBtn = page.getByRole('button', { name: 'Export recovery key…' });
    const status = page.locator('#recovery-key-status');

    // no key yet: the reason, and no key on screen
    await exportBtn.click();
    await status.filter({ hasText: 'No recovery key: there is no backup key yet' }).waitFor();
    assert.equal(await page.locator('#recovery-key-text').isVisible(), false);

    const key = generateInstallationKey();
    await installInstallationKey(installationKeyPath(h.dataDir), key);
    server.state.declineConfirm = true;
    await exportBtn.click();
    await status.filter({ hasText: 'Not shown.' }).waitFor();
    assert.equal(await page.locator('#recovery-key-text').isVisible(), false);

    server.state.declineConfirm = false;
    await exportBtn.click();
    await page.locator('#recovery-key-text', { hasText: formatRecoveryKey(key) }).waitFor();
    await page.getByRole('button', { name: 'Save as text file…' }).click();
    await status.filter({ hasText: /^Saved to .*recovery-key\.txt/ }).waitFor();
    assert.deepEqual(
      server.state.confirmations.map((c) => c.message),
      [RECOVERY_KEY_SHOW_CONFIRM, RECOVERY_KEY_SHOW_CONFIRM, RECOVERY_KEY_SAVE_CONFIRM],
      'main asked before each showing and before saving',
    );
    await page.getByRole('button', { name: 'Hide' }).click();
    assert.equal(await page.locator('#recovery-key-text').isVisible(), false);
    assert.deepEqual(pageProblems(page), []);
    await page.close();
  } finally {
    await server.close();
    await h.close();
  }
});
