import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'valibot';
import {
  defaultKeepAliveSettings,
  keepAliveSettingsSchema,
  parseHhMm,
  parseKeepAliveSettings,
  systemTimeZone,
  type SettingsProblem,
} from '../../../main/engine/settings-schema.js';

function problems(input: unknown): SettingsProblem[] {
  const r = parseKeepAliveSettings(input);
  assert.equal(r.ok, false, `expected ${JSON.stringify(input)} to be rejected`);
  return r.ok ? [] : r.problems;
}

test('no input yields the documented defaults with the system time zone', () => {
  const r = parseKeepAliveSettings(undefined);
  assert.ok(r.ok);
  assert.deepEqual(r.settings, {
    intervalHours: 12,
    jitterPercent: 10,
    holdSeconds: 20,
    timeZone: systemTimeZone(),
    sleepWindow: { start: '01:00', end: '06:00' },
    reducedWindows: [
      { start: '23:00', end: '01:00' },
      { start: '06:00', end: '08:00' },
    ],
    reconnectBudgetPerHour: 30,
    staggerMinutes: 5,
    sleepExitSpreadMinutes: 30,
  });
  assert.deepEqual(defaultKeepAliveSettings(), r.settings);
  assert.deepEqual(parse(keepAliveSettingsSchema, {}), r.settings);
});

test('given values are kept, windows may cross midnight and may touch without overlapping', () => {
  const r = parseKeepAliveSettings({
    intervalHours: 6,
    jitterPercent: 0,
    holdSeconds: 0,
    timeZone: 'Asia/Jerusalem',
    sleepWindow: { start: '22:00', end: '05:00' },
    reducedWindows: [{ start: '21:00', end: '22:00' }, { start: '05:00', end: '07:30' }],
  });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.settings.intervalHours, 6);
  assert.equal(r.settings.holdSeconds, 0);
  assert.equal(r.settings.timeZone, 'Asia/Jerusalem');
  assert.deepEqual(r.settings.sleepWindow, { start: '22:00', end: '05:00' });
});

test('an interval of 3 hours is rejected with the allowed range and the given value', () => {
  assert.deepEqual(problems({ intervalHours: 3 }), [
    { path: 'intervalHours', message: 'Keep-alive interval must be between 6 and 24 hours (got 3)' },
  ]);
  assert.deepEqual(problems({ intervalHours: 25 })[0]?.message, 'Keep-alive interval must be between 6 and 24 hours (got 25)');
});

test('a jitter of 25 % is rejected', () => {
  assert.deepEqual(problems({ jitterPercent: 25 }), [
    { path: 'jitterPercent', message: 'Keep-alive jitter must be between 0 % and 20 % (got 25 %)' },
  ]);
});

test('an unknown time zone is named in the message', () => {
  assert.deepEqual(problems({ timeZone: 'Mars/Base' }), [{ path: 'timeZone', message: "Unknown time zone 'Mars/Base'" }]);
});

test('an empty sleep window is rejected', () => {
  assert.deepEqual(problems({ sleepWindow: { start: '01:00', end: '01:00' } }), [
    { path: 'sleepWindow', message: 'Sleep window 01:00–01:00 is empty' },
  ]);
});

test('an empty reduced window is rejected', () => {
  assert.deepEqual(problems({ reducedWindows: [{ start: '07:00', end: '07:00' }] }), [
    { path: 'reducedWindows.0', message: 'Reduced window 07:00–07:00 is empty' },
  ]);
});

test('a reduced window overlapping the sleep window is rejected with both windows named', () => {
  assert.deepEqual(problems({ reducedWindows: [{ start: '00:30', end: '02:00' }] }), [
    { path: 'reducedWindows.0', message: 'Reduced window 00:30–02:00 overlaps the sleep window 01:00–06:00' },
  ]);
});

test('two reduced windows overlapping across midnight are rejected', () => {
  assert.deepEqual(problems({ reducedWindows: [{ start: '23:00', end: '01:00' }, { start: '00:00', end: '00:30' }] }), [
    { path: 'reducedWindows.1', message: 'Reduced window 00:00–00:30 overlaps the reduced window 23:00–01:00' },
  ]);
});

test('a malformed time such as 25:00 is rejected with the field named', () => {
  assert.deepEqual(problems({ sleepWindow: { start: '25:00', end: '06:00' } }), [
    { path: 'sleepWindow.start', message: "Sleep window start must be a time as HH:MM between 00:00 and 23:59 (got '25:00')" },
  ]);
  assert.equal(problems({ reducedWindows: [{ start: '6:00', end: '08:00' }] })[0]?.path, 'reducedWindows.0.start');
});

test('wrong types get a sentence too, and every problem is reported at once', () => {
  const p = problems({ intervalHours: '12h', jitterPercent: 25, reducedWindows: [{ start: '00:30', end: '02:00' }] });
  assert.deepEqual(
    p.map((x) => x.message),
    [
      "Keep-alive interval must be a number of hours (got '12h')",
      'Keep-alive jitter must be between 0 % and 20 % (got 25 %)',
      'Reduced window 00:30–02:00 overlaps the sleep window 01:00–06:00',
    ],
  );
  assert.match(problems({ reconnectBudgetPerHour: 2.5 })[0]?.message ?? '', /Reconnect budget must be a whole number/);
});

test('keep-alive settings that are not an object (null, a list) are refused with a sentence, not a crash', () => {
  assert.deepEqual(problems(null), [{ path: '', message: 'Invalid input: expected object, received null' }]);
  assert.deepEqual(problems([]), [{ path: '', message: 'Invalid input: expected object, received array' }]);
});

test('a window missing its end says so by name', () => {
  assert.deepEqual(problems({ sleepWindow: { start: '01:00' } }), [{ path: 'sleepWindow.end', message: 'Sleep window end must be a time as HH:MM (got nothing)' }]);
});

test('HH:MM parsing accepts 00:00–23:59 only', () => {
  assert.equal(parseHhMm('00:00'), 0);
  assert.equal(parseHhMm('23:59'), 1439);
  assert.equal(parseHhMm('24:00'), null);
  assert.equal(parseHhMm('7:00'), null);
  assert.equal(parseHhMm(700), null);
});
