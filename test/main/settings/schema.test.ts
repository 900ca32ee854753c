import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultAppSettings, parseAppSettings, supabaseUrlProblem } from '../../../main/settings/schema.js';

test('a Supabase URL is accepted over https, and over plain http only to this machine', () => {
  for (const ok of ['https://abcd.supabase.co', 'http://127.0.0.1:54321', 'http://localhost:8000', 'http://[::1]:9000']) assert.equal(supabaseUrlProblem(ok), null, ok);
  for (const bad of ['http://abcd.supabase.co', 'http://127.0.0.1.attacker.example', 'ftp://x', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url']) {
    assert.match(supabaseUrlProblem(bad) ?? '', /Supabase URL must/, bad);
  }
});

test('settings pointing Supabase at plain http elsewhere are refused with the field named; an empty URL still means unset', () => {
  const base = defaultAppSettings();
  const r = parseAppSettings({ ...base, backup: { ...base.backup, supabase: { url: 'http://backups.example', bucket: 'b', prefix: 'p' } } });
  assert.ok(!r.ok && r.problems.some((p) => p.path === 'backup.supabase.url' && /https:\/\//.test(p.message)), JSON.stringify(r));
  assert.equal(parseAppSettings(base).ok, true);
});

test('a settings file written before the outbound gate stays valid and gets its defaults; a bad outbound value is named by path', () => {
  const { outbound: _o, ...before } = defaultAppSettings();
  const r = parseAppSettings(before);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.settings.outbound.intervalSeconds, 4);
  assert.equal(r.settings.outbound.perMinute, 20);
  const bad = parseAppSettings({ ...before, outbound: { inSleepWindow: 'sometimes' } });
  assert.ok(!bad.ok && bad.problems.some((p) => p.path === 'outbound.inSleepWindow'), JSON.stringify(bad));
});
