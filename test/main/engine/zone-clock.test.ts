import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime, IANAZone } from 'luxon';
import { formatLocal, wallTimeToInstant } from '../../../main/engine/anti-ban.js';
import { isKnownZone, localFields, processZoneName, zoneOffsets } from '../../../main/engine/zone-clock.js';

const HOUR = 3_600_000;

// Node re-reads TZ when it is assigned, so `Date` then computes local time in that zone.
function inProcessZone<T>(zone: string, body: () => T): T {
  const before = process.env.TZ;
  process.env.TZ = zone;
  try {
    return body();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

// Around New York's 2027 spring-forward (14 March, 02:00 → 03:00) and fall-back (7 November, 02:00 → 01:00).
const around = (t: number) => Array.from({ length: 49 }, (_, i) => t - 12 * HOUR + i * (HOUR / 2));
const instants = [...around(Date.UTC(2027, 2, 14, 7)), ...around(Date.UTC(2027, 10, 7, 6))];

test('the process zone, answered by Date, gives the offsets, wall clock and text luxon gives across both DST changes', () => {
  inProcessZone('America/New_York', () => {
    assert.equal(processZoneName(), 'America/New_York');
    const byDate = zoneOffsets('America/New_York');
    const byIntl = IANAZone.create('America/New_York');
    for (const t of instants) {
      const where = new Date(t).toISOString();
      assert.equal(byDate(t), byIntl.offset(t), where);
      const d = DateTime.fromMillis(t, { zone: 'America/New_York' });
      assert.deepEqual(localFields(t, 'America/New_York'), { year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute }, where);
      assert.equal(formatLocal(t, 'America/New_York'), d.toFormat('yyyy-MM-dd HH:mm'), where);
    }
  });
});

test('a window edge in the gap or the doubled hour lands on the same instant by Date as by luxon (US/Eastern is the same zone under a name Date does not answer)', () => {
  inProcessZone('America/New_York', () => {
    for (const ymd of [{ year: 2027, month: 3, day: 14 }, { year: 2027, month: 11, day: 7 }]) {
      for (let minute = 0; minute < 4 * 60; minute += 15) {
        for (const pick of ['earliest', 'latest'] as const) {
          assert.equal(
            wallTimeToInstant('America/New_York', ymd, minute, pick),
            wallTimeToInstant('US/Eastern', ymd, minute, pick),
            `${ymd.month}/${ymd.day} minute ${minute} ${pick}`,
          );
        }
      }
    }
  });
});

test('UTC and its aliases are known and read with offset 0; a made-up zone is not known', () => {
  for (const z of ['UTC', 'Etc/UTC']) {
    assert.equal(isKnownZone(z), true);
    assert.equal(zoneOffsets(z)(Date.UTC(2027, 6, 1)), 0);
    assert.equal(formatLocal(Date.UTC(2027, 6, 1, 9, 5), z), '2027-07-01 09:05');
  }
  assert.equal(isKnownZone('Mars/Base'), false);
});

test('a POSIX TZ rule is not taken for an IANA name', () => {
  inProcessZone('EST5EDT,M3.2.0,M11.1.0', () => assert.equal(processZoneName(), null));
  inProcessZone(':Europe/Berlin', () => assert.equal(processZoneName(), 'Europe/Berlin'));
  inProcessZone('Etc/UTC', () => assert.equal(processZoneName(), 'UTC'));
});
