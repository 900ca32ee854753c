import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultAppSettings, parseAppSettings, supabaseUrlProblem, updateUrlProblem, webhookUrlProblem } from '../../../main/settings/schema.js';

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

test('a URL with control characters, or not written the way the URL parser writes it, is refused: new URL() would drop a newline and keep the rest', () => {
  for (const problem of [updateUrlProblem, supabaseUrlProblem, webhookUrlProblem]) {
    for (const bad of ['https://a.example/x\nClick Continue', 'https://a.example/\tx', 'https://a.example/x\r', 'https://a.example/\u202ex', 'https://a.example/x\u0000']) {
      assert.match(problem(bad) ?? '', /must not contain control characters/, JSON.stringify(bad));
    }
    for (const bad of ['https://A.example/x', 'https://a.example/a b', 'https://a.example/../x', 'https://bücher.example', ' https://a.example']) {
      assert.match(problem(bad) ?? '', /must be written as "https:\/\//, JSON.stringify(bad));
    }
    for (const ok of ['https://a.example', 'https://a.example/', 'https://a.example/x/y?z=1']) assert.equal(problem(ok), null, ok);
    const secret = problem('https://user:pw-s3cret@a.example/x\n') ?? '';
    assert.ok(!secret.includes('pw-s3cret'), `a refused URL is not echoed with its password: ${secret}`);
    assert.ok(!(problem('https://user:pw-s3cret@A.example/x') ?? '').includes('pw-s3cret'));
  }
});

test('a Supabase bucket name with control characters is refused (it is shown in main\'s dialog)', () => {
  const base = defaultAppSettings();
  const r = parseAppSettings({ ...base, backup: { ...base.backup, supabase: { ...base.backup.supabase, bucket: 'b\nok' } } });
  assert.ok(!r.ok && r.problems.some((p) => p.path === 'backup.supabase.bucket' && /control characters/.test(p.message)), JSON.stringify(r));
});

test('a refused http URL with a user name and password is echoed without them', () => {
  for (const problem of [updateUrlProblem('http://user:pw-s3cret@updates.example/sk'), supabaseUrlProblem('http://user:pw-s3cret@abcd.supabase.co')]) {
    assert.match(problem ?? '', /must start with https:\/\//);
    assert.ok(!(problem ?? '').includes('pw-s3cret') && !(problem ?? '').includes('user:'), problem ?? '');
    assert.match(problem ?? '', /\*\*\*@/);
  }
});
