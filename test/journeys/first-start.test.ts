// Journey 1, through the real main process: a first start with no phone linked. The window shows
// the QR, the simulated phone scans it off the screen, the card turns Connected, the tray tooltip
// shows the session age and a backup generation exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { scanQrOnScreen } from '../support/renderer-bridge/chromium.js';
import { axeViolations, eventually, journeySkip, screenshot, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('first start');

async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

test('first start: the QR on screen links the phone, the card says Connected, the tray shows the session age and a backup exists', { skip, timeout: 60_000 }, async () => {
  const shownBefore = standIn.notifications.length;
  const j = await startJourney();
  try {
    // the window main opened is hardened and shows our page through the real app:// handler
    const win = j.window();
    const prefs = win.options.webPreferences ?? {};
    assert.deepEqual([prefs.contextIsolation, prefs.sandbox, prefs.nodeIntegration], [true, true, false]);
    assert.deepEqual(standIn.privilegedSchemes.map((s) => s.scheme), ['app'], 'app:// was registered as privileged before ready');
    const page = await j.page();
    assert.equal(await page.title(), 'Session Keeper');
    assert.equal(win.webContents.getURL(), 'app://session-keeper/index.html');
    assert.match(win.webContents.documentHeaders['content-security-policy'] ?? '', /default-src 'none'.*object-src 'none'/, 'the page got the CSP header');

    // no phone linked: the QR is on screen; the tray says so
    const card = await j.card();
    const canvas = card.locator('canvas.qr');
    await canvas.waitFor({ state: 'visible', timeout: 30_000 });
    // nothing to "re"scan and nothing failed: the person is asked to act, not told of a fault
    assert.equal(await card.locator('.badge').textContent(), 'Not linked yet');
    assert.match(standIn.tray().toolTip, /no linked session/);
    assert.match(standIn.tray().image.path, /[/\\]attention\.png$/);
    assert.deepEqual(await axeViolations(page) ?? [], [], 'axe finds nothing on the pairing view');
    await screenshot(page, 'pairing');

    const qr = await scanQrOnScreen(canvas);
    assert.ok(qr, 'jsQR found the QR code on the screen');
    await j.server.phone.scan(qr);

    await card.locator('.badge', { hasText: 'Connected' }).waitFor({ timeout: 30_000 });
    assert.equal(await canvas.isVisible(), false, 'the QR is gone once linked');
    const age = (await card.locator('[data-fact="session-age"]').textContent()) ?? '';
    assert.match(age, /^\d+d \d+h$/);

    // a phone never linked is asked for its first link and told it is linked: nothing says "again"
    const titles = () => standIn.notifications.slice(shownBefore).map((n) => n.title);
    await eventually(() => titles().some((t) => /linked — session age starts now$/.test(t)), () => `notifications: ${JSON.stringify(titles())}`);
    assert.deepEqual(titles(), ['WhatsApp: scan the QR code to link WhatsApp', 'WhatsApp: linked — session age starts now']);

    // the tray follows: healthy icon, the session age in the tooltip
    await eventually(() => standIn.tray().toolTip.includes(`session ${age}`), () => `tray tooltip: ${standIn.tray().toolTip}`);
    assert.match(standIn.tray().image.path, /[/\\]ok\.png$/);
    assert.equal(standIn.tray().image.isEmpty(), false, 'the tray icon file exists');

    // pairing was backed up: the card says so and an encrypted generation is on disk
    await card.locator('[data-fact="last-backup"]', { hasText: 'ok' }).waitFor({ timeout: 20_000 });
    const generations = await filesUnder(join(j.dataDir, 'backups'));
    assert.ok(generations.length > 0, `a backup generation exists under ${j.dataDir}/backups`);
    assert.deepEqual(await axeViolations(page) ?? [], [], 'axe finds nothing on the linked card');
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.deepEqual(await axeViolations(page) ?? [], [], 'axe finds nothing in the dark theme');
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, 'healthy');
    await screenshot(page, 'healthy-dark', { dark: true });

    // the session's permission handlers are main's: everything the page might ask is denied
    for (const permission of ['notifications', 'geolocation', 'media', 'clipboard-read']) {
      assert.equal(standIn.session.check(win.webContents, permission, 'app://session-keeper/index.html'), false, `${permission} is denied`);
      assert.equal(await standIn.session.request(win.webContents, permission, 'app://session-keeper/index.html'), false, `${permission} request is denied`);
    }
    // main's window policy: the page can neither navigate away nor open pop-ups
    await page.evaluate(() => (globalThis as unknown as { open(u: string): unknown }).open('https://example.com/'));
    await page.evaluate(() => ((globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/'));
    await eventually(() => win.webContents.refused.length === 2, () => `refused: ${JSON.stringify(win.webContents.refused)}`);
    assert.deepEqual(win.webContents.refused, [{ what: 'window.open', url: 'https://example.com/' }, { what: 'navigation', url: 'https://example.com/' }]);
    assert.equal(win.webContents.getURL(), 'app://session-keeper/index.html', 'still on our page');
    assert.deepEqual(j.pageProblems, []);
  } finally {
    await j.close();
  }
});
