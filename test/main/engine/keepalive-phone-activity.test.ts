// WhatsApp logs a linked device out when the phone goes unused for 14 days: the keeper tracks
// when it last saw the phone (device 0 of the account) and warns at 12 days.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../main/engine/clock.js';
import { isOwnPrimaryDevice, phoneInactive, stanzaFromOwnPhone } from '../../../main/engine/phone-activity.js';
import { DAY, driveMinutes, MINUTE, pairedKeeper } from '../../support/keepalive-driver.js';
import type { Harness } from '../../support/keeper-harness.js';

const me = { id: '15550000001:3@s.whatsapp.net', lid: '100000000000001:3@lid' };

test('only device 0 of our own account counts as the phone, by number or by LID', () => {
  assert.equal(isOwnPrimaryDevice('15550000001@s.whatsapp.net', me), true);
  assert.equal(isOwnPrimaryDevice('15550000001:0@s.whatsapp.net', me), true);
  assert.equal(isOwnPrimaryDevice('100000000000001@lid', me), true);
  assert.equal(isOwnPrimaryDevice('15550000001:3@s.whatsapp.net', me), false, 'our own companion is not the phone');
  assert.equal(isOwnPrimaryDevice('15550000001:7@s.whatsapp.net', me), false, 'another linked device is not the phone');
  assert.equal(isOwnPrimaryDevice('15559999999@s.whatsapp.net', me), false, 'a contact is not our phone');
  assert.equal(isOwnPrimaryDevice('15550000001@lid', me), false, 'a phone number is not compared with the LID');
  assert.equal(isOwnPrimaryDevice('120363000000000001@g.us', me), false);
  assert.equal(isOwnPrimaryDevice(undefined, me), false);
  assert.equal(isOwnPrimaryDevice('15550000001@s.whatsapp.net', null), false);
  assert.equal(stanzaFromOwnPhone({ from: '120363000000000001@g.us', participant: '15550000001@s.whatsapp.net' }, me), true);
  assert.equal(stanzaFromOwnPhone({ from: '15559999999@s.whatsapp.net' }, me), false);
});

test('the inactivity warning starts at 12 days, and an unknown last sighting never warns', () => {
  assert.equal(phoneInactive(null, 100 * DAY), false);
  assert.equal(phoneInactive(0, 12 * DAY - 1), false);
  assert.equal(phoneInactive(0, 12 * DAY), true);
});

function receipt(h: Harness, from: string, id: string): void {
  const conn = [...h.server.connections].reverse().find((c) => c.state === 'logged-in');
  assert.ok(conn, 'a logged-in connection');
  h.server.sendNode(conn, { tag: 'receipt', attrs: { from, id, t: String(Math.floor(Date.now() / 1000)) } });
}

test('a receipt from the phone moves phoneLastSeenAt; 12 days without one raise phoneInactive and one warning', async () => {
  const clock = new ManualClock(Date.UTC(2027, 4, 10, 12, 0));
  const h = await pairedKeeper(clock, { keeper: { keepAlive: { timeZone: 'UTC' } } });
  try {
    const paired = h.keeper.status('default');
    assert.equal(paired.phoneLastSeenAt, paired.pairedAt, 'pairing counts as seeing the phone');
    assert.equal(paired.phoneInactive, false);
    const number = h.server.phone.number;

    await driveMinutes(h, clock, (2 * DAY) / MINUTE);
    receipt(h, `${number}:5@s.whatsapp.net`, 'OTHER-DEVICE');
    receipt(h, '15559999999@s.whatsapp.net', 'CONTACT');
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(h.keeper.status('default').phoneLastSeenAt, paired.pairedAt, 'other devices and contacts are not the phone');
    receipt(h, `${number}@s.whatsapp.net`, 'PHONE-1');
    const seen = await h.waitForStatus('default', (s) => s.phoneLastSeenAt === clock.now());
    assert.equal(seen.phoneInactive, false);
    const seenAt = clock.now();

    await driveMinutes(h, clock, (12 * DAY) / MINUTE - 2);
    assert.equal(h.keeper.status('default').phoneInactive, false, 'not yet at 12 days minus a moment');
    await driveMinutes(h, clock, 3);
    const inactive = h.keeper.status('default');
    assert.equal(inactive.phoneInactive, true);
    assert.equal(inactive.phoneLastSeenAt, seenAt);
    await driveMinutes(h, clock, DAY / MINUTE);
    const warnings = h.logs.filter((e) => e.event === 'phone.inactive');
    assert.equal(warnings.length, 1, 'warned once for the transition, not every tick');
    assert.equal(warnings[0]?.level, 'warn');
    assert.match(warnings[0]?.message ?? '', /open WhatsApp on the phone/);

    receipt(h, `${number}@s.whatsapp.net`, 'PHONE-2');
    const back = await h.waitForStatus('default', (s) => s.phoneInactive === false);
    assert.equal(back.phoneLastSeenAt, clock.now());
    assert.ok(h.logs.some((e) => e.event === 'phone.active'));
  } finally {
    await h.close();
  }
});
