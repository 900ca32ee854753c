// Journey: the OS refuses to show a notification (an unsigned macOS build since Electron 42 gets
// 'failed' and shows nothing, issue 12 item 3): the news reaches the person through the window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, journeySkip, linkByScanningTheScreen, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('notification fallback');

test('a notification the OS refuses to show opens the window on that phone instead', { skip, timeout: 60_000 }, async () => {
  const j = await startJourney();
  try {
    await linkByScanningTheScreen(j);
    j.window().close();
    assert.equal(j.window().isVisible(), false);
    const shownBefore = standIn.notifications.length;
    standIn.failNotifications('Notifications are not allowed for this unsigned app');
    const live = j.server.connections.find((c) => c.state === 'logged-in');
    assert.ok(live);
    j.server.setQrRefs(0);
    j.server.injectFailure(live, 411);
    await eventually(() => standIn.notificationsFailed.length > 0, () => 'no notification was attempted', 20_000);
    await eventually(() => j.window().isVisible(), () => 'the window did not open', 5_000);
    assert.equal(standIn.notifications.length, shownBefore, 'nothing more was shown by the OS');
  } finally {
    standIn.failNotifications(null);
    await j.close();
  }
});

