import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { migrateToV1, SettingsStore, settingsStoreOptions, type StoredSettings } from '../../../main/settings/settings-store.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'shell-settings-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
const open = (dir: string) => new SettingsStore(new Conf<StoredSettings>(settingsStoreOptions(dir)));

test('a fresh store reads as the defaults, and the file records version 1', async () => {
  await withDir(async (dir) => {
    const store = open(dir);
    const s = store.get();
    assert.equal(s.version, 1);
    assert.deepEqual(s.phones, [{ id: 'default', label: 'WhatsApp' }]);
    const file = JSON.parse(await readFile(store.path, 'utf8')) as StoredSettings;
    assert.equal(file.version, 1);
  });
});

test('a 0.0.x file without a version is migrated to version 1 on open', async () => {
  await withDir(async (dir) => {
    await writeFile(
      join(dir, 'settings.json'),
      JSON.stringify({ phoneIds: ['home', 'work'], intervalHours: 8, sleepStart: '01:30', sleepEnd: '05:30', backupTarget: 'none', launchAtLogin: true, theme: 'dark' }),
    );
    const store = open(dir);
    const r = store.load();
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.settings.phones, [{ id: 'home' }, { id: 'work' }]);
    assert.equal(r.settings.keepAlive.intervalHours, 8);
    assert.deepEqual(r.settings.keepAlive.sleepWindow, { start: '01:30', end: '05:30' });
    assert.equal(r.settings.backup.target, 'none');
    assert.equal(r.settings.startAtLogin, true);
    const file = JSON.parse(await readFile(store.path, 'utf8')) as Record<string, unknown>;
    assert.equal(file.version, 1);
    assert.equal('phoneIds' in file || 'theme' in file || 'launchAtLogin' in file, false, 'old keys are gone');
    assert.deepEqual((file.__internal__ as { migrations: { version: string } }).migrations.version, '1.0.0');
    // opening again does not migrate twice (a v1 file is left alone)
    assert.deepEqual(open(dir).get(), r.settings);
  });
});

test('the migration leaves a file that already has a version untouched', () => {
  const v1 = { version: 1, phones: [{ id: 'x' }] };
  assert.equal(migrateToV1(v1), v1);
});

test('every set is validated: a bad value is refused and the file keeps the last good settings', async () => {
  await withDir(async (dir) => {
    const store = open(dir);
    const good = store.set({ ...store.get(), startAtLogin: true });
    assert.ok(good.ok);
    const bytes = await readFile(store.path, 'utf8');
    const bad = store.set({ ...store.get(), reconnect: { unauthorizedRetries: 9, maxConsecutiveFailures: 12 } });
    assert.ok(!bad.ok);
    assert.match(bad.problems[0]?.message ?? '', /401 retries must be between 1 and 3/);
    assert.equal(await readFile(store.path, 'utf8'), bytes);
    assert.equal(open(dir).get().startAtLogin, true);
  });
});

test('a hand-edited file that breaks the rules is reported, not wiped', async () => {
  await withDir(async (dir) => {
    const store = open(dir);
    const raw = JSON.parse(await readFile(store.path, 'utf8')) as Record<string, unknown>;
    raw.phones = [];
    await writeFile(store.path, JSON.stringify(raw));
    const r = open(dir).load();
    assert.ok(!r.ok);
    assert.match(r.problems[0]?.message ?? '', /At least one phone/);
    assert.deepEqual(open(dir).get().phones, [{ id: 'default', label: 'WhatsApp' }], 'runs on defaults');
    assert.deepEqual((JSON.parse(await readFile(store.path, 'utf8')) as { phones: unknown[] }).phones, [], 'file kept for the user to fix');
  });
});

test('a file whose shape breaks the JSON schema refuses to open rather than being cleared', async () => {
  await withDir(async (dir) => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ version: 1, startAtLogin: 'yes', __internal__: { migrations: { version: '1.0.0' } } }));
    assert.throws(() => open(dir), /Config schema violation/);
    assert.match(await readFile(join(dir, 'settings.json'), 'utf8'), /"yes"/);
  });
});

test('change listeners hear each saved settings object', async () => {
  await withDir(async (dir) => {
    const store = open(dir);
    const heard: boolean[] = [];
    const off = store.onChange((s) => heard.push(s.startAtLogin));
    store.set({ ...store.get(), startAtLogin: true });
    off();
    store.set({ ...store.get(), startAtLogin: false });
    assert.deepEqual(heard, [true]);
  });
});

test('a hand-written v1 file without "version" keeps outbound, updateUrl and every other section, and names the key it drops', async () => {
  await withDir(async (dir) => {
    await writeFile(
      join(dir, 'settings.json'),
      JSON.stringify({ phones: [{ id: 'shop' }], outbound: { intervalSeconds: 30 }, updateUrl: 'https://example.com/updates', startAtLogin: true, colour: 'red' }),
    );
    const dropped: string[][] = [];
    const store = new SettingsStore(new Conf<StoredSettings>(settingsStoreOptions(dir, (keys) => dropped.push(keys))));
    const r = store.load();
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.settings.outbound.intervalSeconds, 30);
    assert.equal(r.settings.updateUrl, 'https://example.com/updates');
    assert.deepEqual(r.settings.phones, [{ id: 'shop' }]);
    assert.equal(r.settings.startAtLogin, true);
    const file = JSON.parse(await readFile(store.path, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(file.outbound, { intervalSeconds: 30 }, 'the rewritten file keeps the section');
    assert.equal(file.updateUrl, 'https://example.com/updates');
    assert.deepEqual(dropped, [['colour']]);
  });
});

test('an old flat file carries a v1 section written beside it (outbound) across the upgrade', () => {
  const api = { enabled: true, port: 9000 };
  const out = migrateToV1({ phoneIds: ['a'], intervalHours: 6, outbound: { burst: 2 }, updateUrl: 'https://example.com/u', api });
  assert.deepEqual(out, { version: 1, phones: [{ id: 'a' }], keepAlive: { intervalHours: 6 }, outbound: { burst: 2 }, updateUrl: 'https://example.com/u', api });
});

test('the optional local API section is saved and read back; a file without one stays valid and means off', async () => {
  await withDir(async (dir) => {
    const store = open(dir);
    assert.equal(store.get().api, undefined);
    const api = { enabled: true, port: 9000, webhooks: [{ id: 'hook-1', url: 'https://bot.example/in' }] };
    const r = store.set({ ...store.get(), api });
    assert.ok(r.ok, JSON.stringify(r));
    const reread = open(dir).load();
    assert.ok(reread.ok);
    assert.deepEqual(reread.settings.api, { ...api, inboxKeepDays: 30 }, 'the inbox keep period defaults to 30 days');
    const refused = store.set({ ...store.get(), api: { ...api, webhooks: [{ id: 'hook-1', url: 'http://bot.example/in' }] } });
    assert.ok(!refused.ok && refused.problems.some((p) => /plain http only for 127\.0\.0\.1/.test(p.message)));
  });
});
