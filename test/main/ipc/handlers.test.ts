import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confirmationFor, supabaseKeyOutlived } from '../../../main/ipc/handlers.js';
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
  assert.match(confirmationFor({ call: 'setSettings', before: base, after: withBackup({ supabase: { url: 'https://x.example' } }) }) ?? '', /Supabase URL to https:\/\/x\.example/);
  assert.match(confirmationFor({ call: 'setSettings', before: base, after: withBackup({ supabase: { bucket: 'other' } }) }) ?? '', /bucket to other/);
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
  const api = (over: Partial<NonNullable<AppSettings['api']>>): AppSettings => ({ ...base, api: { enabled: true, port: 8787, webhooks: [], ...over } });
  assert.match(confirmationFor({ call: 'newApiSecret', target: { kind: 'token' } }) ?? '', /new local API token\? Programs using the old token stop working/);
  assert.match(confirmationFor({ call: 'newApiSecret', target: { kind: 'webhook', webhookId: 'bot' } }) ?? '', /signing secret/);
  assert.match(confirmationFor({ call: 'setSettings', before: base, after: api({}) }) ?? '', /Turn on the local API\?/);
  const hook = { id: 'bot', url: 'https://bot.example/hook' };
  assert.match(confirmationFor({ call: 'setSettings', before: api({}), after: api({ webhooks: [hook] }) }) ?? '', /Send every event, incoming messages included, to https:\/\/bot\.example\/hook\?/);
  assert.match(confirmationFor({ call: 'setSettings', before: api({ webhooks: [hook] }), after: api({ webhooks: [{ ...hook, url: 'https://evil.example/' }] }) }) ?? '', /evil\.example/, 'a webhook pointed elsewhere is a new destination');
  assert.equal(confirmationFor({ call: 'setSettings', before: api({ webhooks: [hook] }), after: api({ port: 9000, webhooks: [hook] }) }), null);
  assert.equal(confirmationFor({ call: 'setSettings', before: api({ webhooks: [hook] }), after: api({ enabled: false, webhooks: [] }) }), null, 'turning off and removing need none');
});

test('pointing updates at a new address, or turning them off, needs the native confirmation; with a backup change both are asked at once', () => {
  const on = { ...base, updateUrl: 'https://updates.example/sk' };
  assert.match(confirmationFor({ call: 'setSettings', before: base, after: on }) ?? '', /Install updates from https:\/\/updates\.example\/sk\? .*download and run/);
  assert.match(confirmationFor({ call: 'setSettings', before: on, after: base }) ?? '', /Turn off automatic updates/);
  assert.equal(confirmationFor({ call: 'setSettings', before: on, after: { ...on, startAtLogin: true } }), null);
  const both = confirmationFor({ call: 'setSettings', before: base, after: { ...withBackup({ target: 'none' }), updateUrl: 'https://u.example' } }) ?? '';
  assert.match(both, /backup target from local to none/);
  assert.match(both, /Install updates from https:\/\/u\.example/);
});
