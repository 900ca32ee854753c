import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keeperOptionsFromSettings, needsEngineRestart } from '../../main/engine-options.js';
import { defaultAppSettings } from '../../main/settings/schema.js';
import type { BackupTarget } from '../../main/engine/backup/targets.js';

const secret = () => Promise.resolve({ passphrase: 'p' });
const fakeTarget = { kind: 'supabase' } as unknown as BackupTarget;

test('settings become keeper options: phones, keep-alive, policy and the chosen backup target', () => {
  const s = { ...defaultAppSettings(), reconnect: { unauthorizedRetries: 2, maxConsecutiveFailures: 20 } };
  const o = keeperOptionsFromSettings(s, { dataDir: '/d', secret, supabaseTarget: fakeTarget });
  assert.deepEqual(o.phones, [{ id: 'default', label: 'WhatsApp' }]);
  assert.deepEqual(o.policy, { unauthorizedRetries: 2, maxConsecutiveFailures: 20 });
  assert.ok(o.backup && !('target' in o.backup), 'local: the engine default folder');
  const none = keeperOptionsFromSettings({ ...s, backup: { ...s.backup, target: 'none' } }, { dataDir: '/d', secret, supabaseTarget: fakeTarget });
  assert.ok(none.backup && none.backup.target === null);
  const sb = keeperOptionsFromSettings({ ...s, backup: { ...s.backup, target: 'supabase' } }, { dataDir: '/d', secret, supabaseTarget: fakeTarget });
  assert.ok(sb.backup && sb.backup.target === fakeTarget && sb.backup.keep === 14);
});

test('the WhatsApp Web version is learned from WhatsApp by default, from the address given, and never for another endpoint without one', () => {
  const s = defaultAppSettings();
  const base = { dataDir: '/d', secret, supabaseTarget: null };
  assert.deepEqual(keeperOptionsFromSettings(s, base).waVersion, { url: 'https://web.whatsapp.com/sw.js' });
  assert.deepEqual(keeperOptionsFromSettings(s, { ...base, waVersionUrl: 'http://127.0.0.1:9/sw.js' }).waVersion, { url: 'http://127.0.0.1:9/sw.js' });
  assert.equal(keeperOptionsFromSettings(s, { ...base, waVersionUrl: null }).waVersion, undefined);
  assert.equal(keeperOptionsFromSettings(s, { ...base, socket: { waWebSocketUrl: 'ws://127.0.0.1:9/ws/chat' } }).waVersion, undefined);
});

test('only engine settings need a restart; start at login does not', () => {
  const a = defaultAppSettings();
  assert.equal(needsEngineRestart(a, { ...a, startAtLogin: true }), false);
  assert.equal(needsEngineRestart(a, { ...a, keepAlive: { ...a.keepAlive, intervalHours: 8 } }), true);
  assert.equal(needsEngineRestart(a, { ...a, phones: [{ id: 'x' }] }), true);
  assert.equal(needsEngineRestart(a, { ...a, outbound: { ...a.outbound, perMinute: 5 } }), true);
});
