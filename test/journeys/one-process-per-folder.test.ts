// Journey: the tray app and `npm run headless` share the default data folder, as the README says.
// Two of them on one folder would upload different pre-keys and overwrite each other's restores,
// so whichever comes second is refused, naming the one that holds the folder (issue 10).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runHeadless, type Run } from '../support/headless-run.js';
import { journeySkip, linkByScanningTheScreen, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('one process per data folder');
const HOLDER = 'keeper.lock.json';

async function stop(run: Run): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill('SIGTERM');
  await run.exit;
}

test('a headless run on the tray app\'s live data folder is refused with exit 2 naming the tray app, and the app stays connected', { skip, timeout: 60_000 }, async () => {
  const j = await startJourney();
  try {
    await linkByScanningTheScreen(j);
    const holder = JSON.parse(await readFile(join(j.dataDir, HOLDER), 'utf8')) as { pid: number; command: string };
    assert.equal(holder.pid, process.pid);
    assert.equal(holder.command, 'tray app');
    const second = runHeadless(['--data-dir', j.dataDir], { SESSION_KEEPER_WA_URL: process.env.SESSION_KEEPER_WA_URL ?? '' });
    try {
      assert.equal(await second.exit, 2);
      assert.match(second.err() + second.out(), /in use by Session Keeper \(tray app, pid \d+\)/);
    } finally {
      await stop(second);
    }
    const card = await j.card();
    assert.equal(await card.locator('.badge').textContent(), 'Connected');
    // Quit lets the folder go: the next process may take it
    standIn.clickTrayItem('Quit');
    assert.equal(await standIn.app.exited(), 0);
    await assert.rejects(access(join(j.dataDir, HOLDER)), 'the holder record is gone after a clean quit');
  } finally {
    await j.close();
  }
});
