import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultAppSettings, parseAppSettings, supabaseUrlProblem, updateUrlProblem } from '../../../main/settings/schema.js';

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

test('the update URL follows the Supabase URL\'s rule: https, plain http only to this machine; empty (the default) means no updates', () => {
  const base = defaultAppSettings();
  assert.equal(base.updateUrl, '');
  for (const ok of ['https://updates.example/sk', 'http://127.0.0.1:8080/updates', 'http://localhost:9000']) assert.equal(updateUrlProblem(ok), null, ok);
  for (const bad of ['http://updates.example', 'http://localhost.attacker.example', 'file:///tmp/latest.yml', 'not a url']) assert.match(updateUrlProblem(bad) ?? '', /Update URL must/, bad);
  assert.match(updateUrlProblem('https://me:secret@updates.example/sk') ?? '', /must not contain a user name or password/);
  const r = parseAppSettings({ ...base, updateUrl: 'http://updates.example/sk' });
  assert.ok(!r.ok && r.problems.some((p) => p.path === 'updateUrl' && /https:\/\//.test(p.message)), JSON.stringify(r));
  assert.equal(parseAppSettings({ ...base, updateUrl: 'https://updates.example/sk' }).ok, true);
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

test('a refused http URL with a user name and password is echoed without them', () => {
  for (const problem of [updateUrlProblem('http://user:pw-s3cret@updates.example/sk'), supabaseUrlProblem('http://user:pw-s3cret@abcd.supabase.co')]) {
    assert.match(problem ?? '', /must start with https:\/\//);
    assert.ok(!(problem ?? '').includes('pw-s3cret') && !(problem ?? '').includes('user:'), problem ?? '');
    assert.match(problem ?? '', /\*\*\*@/);
  }
});
