// Journey 8: closing the window leaves the app in the tray; starting it again focuses the first
// instance; Quit in the tray menu closes the session cleanly (the server sees the socket close,
// the creds are on disk) and the app exits 0. The next start reconnects from disk without a QR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { eventually, journeySkip, linkByScanningTheScreen, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('quit and second launch');

test('a second launch focuses the hidden window; Quit from the tray flushes the session and exits 0; the next start needs no QR', { skip, timeout: 60_000 }, async () => {
  const j = await startJourney();
  try {
    await linkByScanningTheScreen(j);
    const win = j.window();

    // closing the window hides it: the app keeps running in the tray
    win.close();
    assert.equal(win.isDestroyed(), false);
    assert.equal(win.isVisible(), false);
    assert.equal(standIn.app.exitCode, null);

    // the person starts the app again: the first instance shows and focuses its window
    const focusedBefore = win.focusCount;
    standIn.app.secondInstance();
    assert.equal(win.isVisible(), true);
    assert.equal(win.isFocused(), true);
    assert.ok(win.focusCount > focusedBefore);
    assert.equal(standIn.windows().length, 1, 'no second window');

    // Quit from the tray menu
    const live = j.server.connections.find((c) => c.state === 'logged-in');
    assert.ok(live, 'the phone is logged in on the server');
    standIn.clickTrayItem('Quit');
    assert.equal(await standIn.app.exited(), 0);
    await j.server.waitFor(() => live.state === 'closed' || undefined, 5_000, 'the session socket closed');
    assert.ok(standIn.trays.every((t) => t.isDestroyed()), 'the tray icon is gone');
    const files = await readdir(j.dataDir, { recursive: true });
    assert.ok(files.some((f) => f.endsWith('creds.json')), 'the session creds are on disk');

    // the next start logs in with the stored session: no QR, Connected
    await j.relaunch();
    const card = await j.card();
    await card.locator('.badge', { hasText: 'Connected' }).waitFor({ timeout: 30_000 });
    const latest = j.server.connections[j.server.connections.length - 1];
    assert.equal(latest?.kind, 'login', 'logged in with the stored creds, not a new registration');
    assert.equal(await card.locator('canvas.qr').isVisible(), false);
    await eventually(() => standIn.tray().toolTip.includes('all healthy'), () => `tray tooltip: ${standIn.tray().toolTip}`);
  } finally {
    await j.close();
  }
});
