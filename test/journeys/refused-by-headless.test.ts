// Journey: the tray app started while `npm run headless` holds the shared data folder says so in
// a box naming the holder and gives up before it writes anything (issue 10). Its own file: each
// journey file is one process, and this one launches main exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { runHeadless, type Run } from '../support/headless-run.js';
import { journeySkip, standIn, startExpectingFailure } from '../support/journey.js';

const skip = journeySkip('tray app refused by a headless holder');

async function stop(run: Run): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill('SIGTERM');
  await run.exit;
}

test('the tray app started while a headless run holds the data folder shows an error box naming it and exits before drawing a tray', { skip, timeout: 60_000 }, async () => {
  let headless: Run | null = null;
  try {
    const r = await startExpectingFailure(async (profile) => {
      const dataDir = join(dirname(profile), 'keeper');
      // no WhatsApp server needed: the run only has to hold the folder
      headless = runHeadless(['--data-dir', dataDir], { SESSION_KEEPER_WA_URL: 'ws://127.0.0.1:9/ws' });
      await headless.waitForOutput(/\[default\] (connecting|reconnecting)/);
    });
    assert.equal(r.errorBoxes.length, 1, JSON.stringify(r.errorBoxes));
    assert.match(r.errorBoxes[0]?.content ?? '', /in use by Session Keeper \(headless run, pid \d+\)/);
    assert.notEqual(r.code, 0);
    assert.equal(standIn.trays.length, 0, 'no tray icon for an app that could not start');
  } finally {
    if (headless) await stop(headless);
  }
});
