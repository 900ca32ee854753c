// Journey: the computer shuts down while a phone is linked (issue 12 item 5). On Linux/macOS
// Electron emits powerMonitor 'shutdown' (and no before-quit of its own); the app stops the
// sessions cleanly, exactly as Quit does: the server sees the socket close, the creds are on disk,
// the log says so, and the next start logs in without a QR. (Windows' window events: setup-quit.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { journeySkip, linkByScanningTheScreen, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('shutdown');

test("the system shutting down (powerMonitor 'shutdown') stops the linked session cleanly; the next start needs no QR", { skip, timeout: 60_000 }, async () => {
  const j = await startJourney();
  try {
    await linkByScanningTheScreen(j);
    const live = j.server.connections.find((c) => c.state === 'logged-in');
    assert.ok(live, 'the phone is logged in on the server');

    standIn.powerMonitor.emit('shutdown');
    assert.equal(await standIn.app.exited(), 0);
    await j.server.waitFor(() => live.state === 'closed' || undefined, 5_000, 'the session socket closed');
    const files = await readdir(j.dataDir, { recursive: true });
    assert.ok(files.some((f) => f.endsWith('creds.json')), 'the session creds are on disk');
    const logs = join(j.profileDir, 'logs');
    const text = (await Promise.all((await readdir(logs)).map((f) => readFile(join(logs, f), 'utf8')))).join('');
    assert.match(text, /Session Keeper stopped/, 'the clean stop finished before the process went');

    await j.relaunch();
    const card = await j.card();
    await card.locator('.badge', { hasText: 'Connected' }).waitFor({ timeout: 30_000 });
    assert.equal(j.server.connections[j.server.connections.length - 1]?.kind, 'login', 'logged in with the stored creds');
  } finally {
    await j.close();
  }
});
