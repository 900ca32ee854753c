// Thirty simulated days per time zone against the real Baileys client: pulses are counted where
// they matter, at the (test) WhatsApp server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../main/engine/clock.js';
import { modeAt, sleepSpanAt } from '../../../main/engine/anti-ban.js';
import { intervalBounds } from '../../../main/engine/keepalive-schedule.js';
import { parseKeepAliveSettings } from '../../../main/engine/settings-schema.js';
import { DAY, driveMinutes, MINUTE, pairedKeeper, presencesAtServer, seededRandom, sentCount } from '../../support/keepalive-driver.js';

const START = Date.UTC(2027, 2, 1, 12, 0); // 2027-03-01: New York and Jerusalem both change to DST inside the month

for (const timeZone of ['UTC', 'Asia/Jerusalem', 'America/New_York']) {
  test(`over 30 days in ${timeZone} the server sees a pulse every interval ± jitter, none in sleep, each closed after the hold`, async () => {
    const clock = new ManualClock(START);
    const parsed = parseKeepAliveSettings({ timeZone });
    assert.ok(parsed.ok);
    const settings = parsed.settings;
    const h = await pairedKeeper(clock, { keeper: { keepAlive: { timeZone }, random: seededRandom(timeZone.length) } });
    try {
      const started = clock.now();
      const typeless = () => h.server.connections.flatMap((c) => c.presences.filter((x) => x.type === undefined)).length;
      // Pairing itself announces the new push name once; after that nothing but pulses may.
      const typelessAfterPairing = typeless();
      await driveMinutes(h, clock, (30 * DAY) / MINUTE);
      const on = presencesAtServer(h, 'available');
      // Baileys itself says 'unavailable' once when a connection opens (markOnlineOnConnect false).
      const firstPulse = on[0]?.at ?? Infinity;
      const off = presencesAtServer(h, 'unavailable').filter((p) => p.at >= firstPulse);
      assert.equal(on.length, sentCount(h), 'every pulse the log calls sent reached the server, and nothing else');
      assert.ok(on.length >= 50 && on.length <= 62, `about two pulses a day (got ${on.length})`);
      assert.equal(off.length, on.length, 'every available is closed by an unavailable');

      const { min, max } = intervalBounds(settings);
      const spreadMs = settings.sleepExitSpreadMinutes * MINUTE;
      const justAfterSleep = (t: number) => {
        for (let back = 1; back <= spreadMs + 2 * MINUTE; back += MINUTE) if (sleepSpanAt(t - back, settings)) return true;
        return false;
      };
      let prev = started;
      for (const [i, p] of on.entries()) {
        assert.notEqual(modeAt(p.at, settings).mode, 'sleep', `pulse ${i} at ${new Date(p.at).toISOString()} is outside sleep`);
        const u = off[i];
        assert.ok(u);
        assert.equal(u.at - p.at, 20_000, `pulse ${i} holds 20 s`);
        if (i > 0) {
          const gap = p.at - prev;
          assert.ok(gap >= min, `pulse ${i}: ${gap / 3.6e6} h after the last is not below the interval minus jitter`);
          assert.ok(gap <= max + MINUTE || justAfterSleep(p.at), `pulse ${i}: ${gap / 3.6e6} h after the last is within interval + jitter, or was moved out of sleep`);
        }
        prev = p.at;
      }
      assert.equal(typeless(), typelessAfterPairing, 'no type-less presence announcements in 30 days');
    } finally {
      await h.close();
    }
  });
}
