// Journey: a tray app that cannot start must say why, not vanish (issue 12 item 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { journeySkip, startExpectingFailure } from '../support/journey.js';

const skip = journeySkip('startup failure');

test('a settings file that cannot be read shows an error box naming it, and the app exits 1 instead of vanishing', { skip, timeout: 30_000 }, async () => {
  const r = await startExpectingFailure(async (profile) => {
    // a folder where the settings file should be
    await mkdir(join(profile, 'userData', 'settings.json'), { recursive: true });
  });
  assert.equal(r.code, 1);
  assert.equal(r.errorBoxes.length, 1, JSON.stringify(r.errorBoxes));
  assert.equal(r.errorBoxes[0]?.title, 'Session Keeper could not start');
  assert.match(r.errorBoxes[0]?.content ?? '', /settings\.json a folder is where the file should be/);
  assert.match(r.errorBoxes[0]?.content ?? '', /Details may be in the log/);
});
