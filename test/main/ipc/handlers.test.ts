import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confirmationDetailFor, confirmationFor, supabaseKeyOutlived } from '../../../main/ipc/handlers.js';
import { defaultAppSettings, type AppSettings } from '../../../main/settings/schema.js';

const base = defaultAppSettings();
const withBackup = (b: Partial<Omit<AppSettings['backup'], 'supabase'>> & { supabase?: Partial<AppSettings['backup']['supabase']> }): AppSettings => ({
  ...base,
  backup: { ...base.backup, ...b, supabase: { ...base.backup.supabase, ...b.supabase } },
});

test('the confirmation table asks for passphrase, Supabase key, logout and restore, and for where backups go', () => {
  assert.match(confirmationFor({ call: 'setSecret', name: 'backupPassphrase', value: 'x' }) ?? '', /passphrase/);
  assert.match(confirmationFor({ call: 'setSecret', name: 'backupPassphrase', value: null }) ?? '', /Remove the backup passphrase/);
  assert.match(confirmationFor({ call: 'setSecret', name: 'supabaseKey', value: 'k' }) ?? '', /Supabase key/);
  assert.match(confirmationFor({ call: 'logout', phoneId: 'work' }) ?? '', /Log out "work"/);
  assert.match(confirmationFor({ call: 'restore', phoneId: 'work', generation: 'g1' }) ?? '', /from g1/);
  assert.match(confirmationFor({ call: 'setSettings', before: base, after: withBackup({ target: 'none' }) }) ?? '', /backup target from local to none/);
  assert.match(confirmationFor({ call: 'setSettings', before: base, after: withBackup({ supabase: { url: 'https://x.example' } }) }) ?? '', /Supabase URL to x\.example\?/);
  assert.match(confirmationFor({ call: 'setSettings', before: base, after: withBackup({ supabase: { bucket: 'other' } }) }) ?? '', /bucket to "other"\?/);
  assert.match(confirmationFor({ call: 'resumeSending', phoneId: 'work' }) ?? '', /Resume sending on "work"\?/);
});

test('settings changes that move no backup anywhere need no confirmation', () => {
  assert.equal(confirmationFor({ call: 'setSettings', before: base, after: { ...base, startAtLogin: true } }), null);
  assert.equal(confirmationFor({ call: 'setSettings', before: base, after: withBackup({ keep: 3, supabase: { prefix: 'mine' } }) }), null);
});

test('only a new Supabase URL drops the stored key', () => {
  assert.equal(supabaseKeyOutlived(base, withBackup({ supabase: { url: 'https://x.example' } })), true);
  assert.equal(supabaseKeyOutlived(base, withBackup({ supabase: { bucket: 'b' } })), false);
});

test('a new API token or webhook secret, turning the API on and adding a webhook need a confirmation; a port change does not', () => {
  const api = (over: Partial<NonNullable<AppSettings['api']>>): AppSettings => ({ ...base, api: { enabled: true, port: 8787, webhooks: [], inboxKeepDays: 30, ...over } });
  assert.match(confirmationFor({ call: 'newApiSecret', target: { kind: 'token' } }) ?? '', /new local API token\? Programs using the old token stop working/);
  assert.match(confirmationFor({ call: 'newApiSecret', target: { kind: 'webhook', webhookId: 'bot' } }) ?? '', /signing secret/);
  assert.match(confirmationFor({ call: 'setSettings', before: base, after: api({}) }) ?? '', /Turn on the local API\?/);
  const hook = { id: 'bot', url: 'https://bot.example/hook' };
  assert.match(confirmationFor({ call: 'setSettings', before: api({}), after: api({ webhooks: [hook] }) }) ?? '', /Send every event, incoming messages included, to bot\.example\?/);
  assert.equal(confirmationDetailFor({ call: 'setSettings', before: api({}), after: api({ webhooks: [hook] }) }), 'Webhook: https://bot.example/hook', 'the full address goes under the question');
  assert.match(confirmationFor({ call: 'setSettings', before: api({ webhooks: [hook] }), after: api({ webhooks: [{ ...hook, url: 'https://evil.example/' }] }) }) ?? '', /evil\.example/, 'a webhook pointed elsewhere is a new destination');
  assert.equal(confirmationFor({ call: 'setSettings', before: api({ webhooks: [hook] }), after: api({ port: 9000, webhooks: [hook] }) }), null);
  assert.equal(confirmationFor({ call: 'setSettings', before: api({ webhooks: [hook] }), after: api({ enabled: false, webhooks: [] }) }), null, 'turning off and removing need none');
});

test('pointing updates at a new address, or turning them off, needs the native confirmation; with a backup change both are asked at once', () => {
  const on = { ...base, updateUrl: 'https://updates.example/sk' };
  assert.match(confirmationFor({ call: 'setSettings', before: base, after: on }) ?? '', /Install updates from updates\.example\? .*download and run/);
  assert.match(confirmationFor({ call: 'setSettings', before: on, after: base }) ?? '', /Turn off automatic updates/);
  assert.equal(confirmationFor({ call: 'setSettings', before: on, after: { ...on, startAtLogin: true } }), null);
  const both = confirmationFor({ call: 'setSettings', before: base, after: { ...withBackup({ target: 'none' }), updateUrl: 'https://u.example' } }) ?? '';
  assert.match(both, /backup target from local to none/);
  assert.match(both, /Install updates from u\.example\?/);
});

test('the question names only the host; the full addresses go to the detail under it', () => {
  const c = { call: 'setSettings' as const, before: base, after: { ...withBackup({ supabase: { url: 'https://abcd.supabase.co/' } }), updateUrl: 'https://updates.example/sk/' } };
  assert.doesNotMatch(confirmationFor(c) ?? '', /https:|\/sk/);
  assert.equal(confirmationDetailFor(c), 'Supabase URL: https://abcd.supabase.co/\nUpdate URL: https://updates.example/sk/');
  assert.equal(confirmationDetailFor({ call: 'setSettings', before: base, after: withBackup({ target: 'none' }) }), null);
  assert.equal(confirmationDetailFor({ call: 'logout', phoneId: 'work' }), null);
});

test('a bucket name in the dialog is quoted, cut to 40 characters and stripped of control characters even if one got past the schema', () => {
  const long = confirmationFor({ call: 'setSettings', before: base, after: withBackup({ supabase: { bucket: 'b'.repeat(100) } }) }) ?? '';
  assert.match(long, new RegExp(`bucket to "${'b'.repeat(40)}…"\\?`));
  const sneaky = confirmationFor({ call: 'setSettings', before: base, after: withBackup({ supabase: { bucket: 'loot\n\nThis is safe.\u202e' } }) }) ?? '';
  assert.doesNotMatch(sneaky, /[\n\u202e]/);
  assert.match(sneaky, /bucket to "lootThis is safe\."\?/);
});
