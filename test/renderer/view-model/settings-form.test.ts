import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultAppSettings, parseAppSettings } from '../../../main/settings/schema.js';
import { fieldForPath, formFromSettings, parseWindows, validateSettingsForm } from '../../../renderer/view-model/settings-form.js';

const base = () => {
  const r = parseAppSettings({ keepAlive: { timeZone: 'UTC' } });
  assert.ok(r.ok);
  return r.settings;
};

test('the untouched form validates back to the same settings', () => {
  const s = base();
  const v = validateSettingsForm(formFromSettings(s), s);
  assert.ok(v.ok);
  assert.deepEqual(v.settings, s);
});

test('an interval of 3 hours is pinned to the interval field with the schema sentence', () => {
  const s = base();
  const v = validateSettingsForm({ ...formFromSettings(s), intervalHours: '3' }, s);
  assert.equal(v.ok, false);
  assert.ok(!v.ok);
  assert.deepEqual(v.byField.intervalHours, ['Keep-alive interval must be between 6 and 24 hours (got 3)']);
  assert.deepEqual(v.general, []);
});

test('text in a number field and an empty field are reported, not read as zero', () => {
  const s = base();
  const v = validateSettingsForm({ ...formFromSettings(s), jitterPercent: 'lots', holdSeconds: '' }, s);
  assert.ok(!v.ok);
  assert.match(v.byField.jitterPercent?.[0] ?? '', /got 'lots'/);
  assert.match(v.byField.holdSeconds?.[0] ?? '', /got ''/);
});

test('window, time zone, retry and supabase problems land on their own fields', () => {
  const s = base();
  const v = validateSettingsForm(
    { ...formFromSettings(s), sleepStart: '25:00', timeZone: 'Mars/Base', reducedWindows: '00:30–02:00, soon', unauthorizedRetries: '4', backupTarget: 'supabase', supabaseUrl: '', supabaseBucket: '' },
    s,
  );
  assert.ok(!v.ok);
  assert.match(v.byField.sleepStart?.[0] ?? '', /Sleep window start/);
  assert.deepEqual(v.byField.timeZone, ["Unknown time zone 'Mars/Base'"]);
  assert.ok(v.byField.reducedWindows?.some((m) => /got 'soon'/.test(m)));
  assert.deepEqual(v.byField.unauthorizedRetries, ['401 retries must be between 1 and 3 (got 4)']);
  assert.deepEqual(v.byField.supabaseUrl, ['Supabase backups need the project URL and a bucket name']);
});

test('an overlapping reduced window is reported on the reduced windows field', () => {
  const s = base();
  const v = validateSettingsForm({ ...formFromSettings(s), reducedWindows: '00:30–02:00' }, s);
  assert.ok(!v.ok);
  assert.match(v.byField.reducedWindows?.[0] ?? '', /overlaps the sleep window 01:00–06:00/);
});

test('edited fields come back as settings and keep what the form does not edit', () => {
  const s = { ...base(), phones: [{ id: 'shop', label: 'Shop' }] };
  const v = validateSettingsForm({ ...formFromSettings(s), intervalHours: ' 8 ', reducedWindows: '22:00-23:00', startAtLogin: true, backupKeep: '5' }, s);
  assert.ok(v.ok);
  assert.equal(v.settings.keepAlive.intervalHours, 8);
  assert.deepEqual(v.settings.keepAlive.reducedWindows, [{ start: '22:00', end: '23:00' }]);
  assert.equal(v.settings.startAtLogin, true);
  assert.equal(v.settings.backup.keep, 5);
  assert.deepEqual(v.settings.phones, [{ id: 'shop', label: 'Shop' }]);
});

test('problem paths map to the most specific field', () => {
  assert.equal(fieldForPath('keepAlive.reducedWindows.1.start'), 'reducedWindows');
  assert.equal(fieldForPath('keepAlive.sleepWindow.end'), 'sleepEnd');
  assert.equal(fieldForPath('backup.supabase'), 'supabaseUrl');
  assert.equal(fieldForPath('phones'), null);
});

test('window text accepts hyphens and en dashes and reports what it cannot read', () => {
  assert.deepEqual(parseWindows('23:00–01:00; 06:00 - 08:00'), { windows: [{ start: '23:00', end: '01:00' }, { start: '06:00', end: '08:00' }], problems: [] });
  assert.equal(parseWindows('noon').problems.length, 1);
  assert.ok(defaultAppSettings());
});
