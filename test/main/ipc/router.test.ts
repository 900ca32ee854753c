import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Conf from 'conf';
import { INVOKE } from '../../../main/ipc/contract.js';
import { createIpcRouter, senderProblem, type IpcEventLike } from '../../../main/ipc/router.js';
import { createHandlers } from '../../../main/ipc/handlers.js';
import { createKeeper, type KeeperOptions } from '../../../main/engine/keeper.js';
import { ManualClock } from '../../../main/engine/clock.js';
import { SettingsStore, settingsStoreOptions, type StoredSettings } from '../../../main/settings/settings-store.js';
import { SecretStore } from '../../../main/settings/secret-store.js';
import { AesGcmEncryptor } from '../../../main/settings/encryptor.js';
import { defaultAppSettings } from '../../../main/settings/schema.js';
import { formFromSettings, settingsFormSections, validateSettingsForm } from '../../../renderer/view-model/settings-form.js';
import { validateApiForm } from '../../../renderer/view-model/local-api.js';
import { installInstallationKey, installationKeyPath } from '../../../main/engine/backup/key-store.js';
import { formatRecoveryKey, generateInstallationKey } from '../../../main/engine/backup/recovery-key.js';
import type { BackupCheckResult } from '../../../main/ipc/contract.js';
import { SupabaseTarget } from '../../../main/engine/backup/supabase-target.js';
import { start as startStorage } from '../../support/supabase-server/storage-server.js';

const OUR_WC = 7;
const ORIGIN = 'app://session-keeper';
const ours: IpcEventLike = { sender: { id: OUR_WC }, senderFrame: { url: `${ORIGIN}/index.html`, parent: null } };

async function setup(opts: { keeper?: Partial<KeeperOptions>; saveTo?: (dir: string) => string; confirm?: (message: string, detail?: string) => Promise<boolean> } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'shell-ipc-'));
  const keeper = createKeeper({ dataDir: join(dir, 'keeper'), phones: [{ id: 'default', label: 'WhatsApp' }], backup: false, ...opts.keeper });
  const settings = new SettingsStore(new Conf<StoredSettings>(settingsStoreOptions(dir)));
  const secrets = new SecretStore(dir, new AesGcmEncryptor(randomBytes(32)));
  const reached: string[] = [];
  const saved: unknown[] = [];
  const rejected: string[] = [];
  const router = createIpcRouter({
    handlers: createHandlers({
      keeper: () => keeper,
      settings,
      secrets,
      environment: () => ({ version: '0', platform: 'linux', dataDir: dir, logsDir: dir, secrets: secrets.info() }),
      pickFolder: () => {
        reached.push('pickFolder');
        return Promise.resolve(null);
      },
      pickSaveFile: () => Promise.resolve(opts.saveTo ? opts.saveTo(dir) : null),
      ...(opts.confirm ? { confirm: opts.confirm } : {}),
      onSettingsSaved: (s) => saved.push(s),
    }),
    trusted: { webContentsId: () => OUR_WC, origin: ORIGIN },
    onRejected: (why) => rejected.push(why),
  });
  return {
    dir,
    router,
    keeper,
    settings,
    secrets,
    reached,
    saved,
    rejected,
    close: async () => {
      await keeper.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

test('a valid call from our window reaches the real keeper', async () => {
  const t = await setup();
  try {
    const r = await t.router(INVOKE.getStatuses.channel, ours, undefined);
    assert.equal(r.ok, true);
    assert.ok(r.ok && Array.isArray(r.value));
    assert.equal(r.ok && (r.value as { phoneId: string }[])[0]?.phoneId, 'default');
  } finally {
    await t.close();
  }
});

test('valid settings are saved to the real store and returned normalised', async () => {
  const t = await setup();
  try {
    const next = { ...defaultAppSettings(), startAtLogin: true, phones: [{ id: 'work', label: 'Work' }] };
    const r = await t.router(INVOKE.setSettings.channel, ours, next);
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(t.settings.get().startAtLogin, true);
    assert.deepEqual(t.settings.get().phones, [{ id: 'work', label: 'Work' }]);
    assert.equal(t.saved.length, 1);
  } finally {
    await t.close();
  }
});

test('two forms, one settings object: the Settings form saved mid-edit keeps the API section the Local API form saved meanwhile', async () => {
  const t = await setup({ confirm: () => Promise.resolve(true) });
  try {
    // the Settings form shows the settings and the person starts editing the keep-alive interval
    const loaded = t.settings.get();
    const edit = validateSettingsForm({ ...formFromSettings(loaded), intervalHours: '8' }, loaded);
    assert.ok(edit.ok);
    // meanwhile the Local API form turns the API on and saves
    const apiForm = validateApiForm({ enabled: true, port: '9123', webhooks: [] }, t.settings.get());
    assert.ok(apiForm.ok);
    const a = await t.router(INVOKE.updateSettings.channel, ours, { api: apiForm.settings.api });
    assert.equal(a.ok, true, JSON.stringify(a));
    // then the Settings form saves its edit, made over what it loaded before the API was on
    const r = await t.router(INVOKE.updateSettings.channel, ours, settingsFormSections(edit.settings));
    assert.equal(r.ok, true, JSON.stringify(r));
    const now = t.settings.get();
    assert.equal(now.keepAlive.intervalHours, 8);
    assert.deepEqual(now.api, { enabled: true, port: 9123, webhooks: [], inboxKeepDays: 30 }, 'the API stays on');
    assert.deepEqual(r.ok && r.value, now, 'the answer is the whole saved settings');
    assert.deepEqual(t.saved.at(-1), now, 'main applied the merged settings');

    // the other way round: an API save leaves the keep-alive edit alone
    const off = await t.router(INVOKE.updateSettings.channel, ours, { api: { ...now.api, enabled: false } });
    assert.equal(off.ok, true);
    assert.equal(t.settings.get().keepAlive.intervalHours, 8);

    // a section the settings do not have, or a bad value, is refused and nothing changes
    const before = t.settings.get();
    const unknown = await t.router(INVOKE.updateSettings.channel, ours, { evil: true });
    assert.ok(!unknown.ok && unknown.error.code === 'invalid-payload');
    const bad = await t.router(INVOKE.updateSettings.channel, ours, { api: { enabled: true, port: 80 } });
    assert.ok(!bad.ok && bad.error.code === 'invalid-payload' && bad.error.problems?.some((p) => p.path === 'api.port'), JSON.stringify(bad));
    assert.deepEqual(t.settings.get(), before);
  } finally {
    await t.close();
  }
});

test('malformed payloads are refused with the problems and nothing changes', async () => {
  const t = await setup();
  try {
    const before = t.settings.get();
    const bad = { ...before, phones: [{ id: 'has space' }], keepAlive: { intervalHours: 2 } };
    const r = await t.router(INVOKE.setSettings.channel, ours, bad);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.error.code === 'invalid-payload');
    assert.ok(!r.ok && r.error.problems?.some((p) => p.path === 'keepAlive.intervalHours' && /between 6 and 24/.test(p.message)));
    assert.deepEqual(t.settings.get(), before);
    assert.equal(t.saved.length, 0);

    const extra = await t.router(INVOKE.importSession.channel, ours, { phoneId: 'default', evil: true });
    assert.ok(!extra.ok && extra.error.code === 'invalid-payload');
    const badId = await t.router(INVOKE.reconnect.channel, ours, { phoneId: '../etc' });
    assert.ok(!badId.ok && badId.error.code === 'invalid-payload');
    assert.deepEqual(t.reached, [], 'no handler ran');
  } finally {
    await t.close();
  }
});

test('a weak backup passphrase is refused with a sentence saying why, and nothing is stored; a strong one or clearing is accepted', async () => {
  const t = await setup({ confirm: () => Promise.resolve(true) });
  try {
    for (const weak of ['hunter2', 'aaaaaaaaaaaaaaaa']) {
      const r = await t.router(INVOKE.setSecret.channel, ours, { name: 'backupPassphrase', value: weak });
      assert.ok(!r.ok && r.error.code === 'invalid-payload', JSON.stringify(r));
      assert.ok(!r.ok && r.error.problems?.some((p) => p.path === 'value' && /backup passphrase/.test(p.message)), JSON.stringify(r));
      assert.equal(t.secrets.has('backupPassphrase'), false);
    }
    const strong = await t.router(INVOKE.setSecret.channel, ours, { name: 'backupPassphrase', value: 'copper lantern orbit' });
    assert.equal(strong.ok, true, JSON.stringify(strong));
    assert.equal(t.secrets.get('backupPassphrase'), 'copper lantern orbit');
    // other secrets have no such rule, and clearing always works
    assert.equal((await t.router(INVOKE.setSecret.channel, ours, { name: 'supabaseKey', value: 'k' })).ok, true);
    assert.equal((await t.router(INVOKE.setSecret.channel, ours, { name: 'backupPassphrase', value: null })).ok, true);
    assert.equal(t.secrets.has('backupPassphrase'), false);
  } finally {
    await t.close();
  }
});

test('passphrase, Supabase key, backup target/URL/bucket, log out, restore and resuming sending wait for main\'s own dialog; Cancel changes nothing', async () => {
  const asked: string[] = [];
  let answer = false;
  const t = await setup({ confirm: (m) => (asked.push(m), Promise.resolve(answer)) });
  try {
    const before = t.settings.get();
    const elsewhere = { ...before, backup: { ...before.backup, target: 'supabase' as const, supabase: { url: 'https://attacker.example', bucket: 'loot', prefix: 'x' } } };
    const calls: [string, unknown][] = [
      [INVOKE.setSecret.channel, { name: 'backupPassphrase', value: 'copper lantern orbit' }],
      [INVOKE.setSecret.channel, { name: 'supabaseKey', value: 'k' }],
      [INVOKE.setSettings.channel, elsewhere],
      [INVOKE.logout.channel, { phoneId: 'default' }],
      [INVOKE.restore.channel, { phoneId: 'default' }],
      [INVOKE.resumeSending.channel, { phoneId: 'default' }],
    ];
    for (const [channel, payload] of calls) {
      const r = await t.router(channel, ours, payload);
      assert.ok(!r.ok && r.error.code === 'refused-by-gate' && /Cancelled/.test(r.error.message), `${channel}: ${JSON.stringify(r)}`);
    }
    assert.equal(asked.length, calls.length, 'each call asked once');
    assert.match(asked[2] ?? '', /URL to attacker\.example\b/, 'the dialog names the host backups would go to');
    assert.match(asked[5] ?? '', /Resume sending on "default"\?/);
    assert.deepEqual(t.settings.get(), before);
    assert.deepEqual(t.secrets.info().set, { supabaseKey: false, backupPassphrase: false });
    assert.equal(t.saved.length, 0);

    // a change that moves nothing sensitive is not asked about
    const calm = await t.router(INVOKE.setSettings.channel, ours, { ...before, startAtLogin: !before.startAtLogin });
    assert.equal(calm.ok, true);
    assert.equal(asked.length, calls.length);

    answer = true;
    assert.equal((await t.router(INVOKE.setSecret.channel, ours, { name: 'supabaseKey', value: 'k' })).ok, true);
    assert.equal((await t.router(INVOKE.setSettings.channel, ours, elsewhere)).ok, true);
    assert.equal(t.settings.get().backup.supabase.url, 'https://attacker.example');
    assert.equal(t.secrets.has('supabaseKey'), false, 'a new Supabase URL drops the key given for the old one');
  } finally {
    await t.close();
  }
});

test('a page cannot write its own sentences into the update or Supabase dialog: URLs with control characters or not written as their href are refused before any dialog', async () => {
  const asked: { message: string; detail?: string }[] = [];
  const t = await setup({ confirm: (message, detail) => (asked.push({ message, ...(detail !== undefined ? { detail } : {}) }), Promise.resolve(true)) });
  try {
    const before = t.settings.get();
    const forged = [
      'https://updates.example/sk\nSession Keeper verified this address. Click Continue.',
      'https://updates.example/\tsk',
      'https://updates.example/sk?\u202egnp.exe',
      'https://UPDATES.example/sk',
    ];
    for (const updateUrl of forged) {
      const r = await t.router(INVOKE.setSettings.channel, ours, { ...before, updateUrl });
      assert.ok(!r.ok && r.error.code === 'invalid-payload', `${JSON.stringify(updateUrl)}: ${JSON.stringify(r)}`);
    }
    const supa = await t.router(INVOKE.setSettings.channel, ours, { ...before, backup: { ...before.backup, supabase: { url: 'https://x.supabase.co/\r\nContinue is safe', bucket: 'b', prefix: 'p' } } });
    assert.ok(!supa.ok, JSON.stringify(supa));
    const bucket = await t.router(INVOKE.setSettings.channel, ours, { ...before, backup: { ...before.backup, supabase: { ...before.backup.supabase, bucket: 'b\nThis backup is encrypted end to end' } } });
    assert.ok(!bucket.ok, JSON.stringify(bucket));
    assert.equal(asked.length, 0, 'no dialog was shown for a refused address');
    assert.deepEqual(t.settings.get(), before);

    // a clean address: the question names the host, the detail the full address
    assert.equal((await t.router(INVOKE.setSettings.channel, ours, { ...before, updateUrl: 'https://updates.example/sk/' })).ok, true);
    assert.deepEqual(asked, [{ message: 'Install updates from updates.example? Session Keeper will download and run what that address serves.', detail: 'Update URL: https://updates.example/sk/' }]);
  } finally {
    await t.close();
  }
});

test('without a native confirmation wired, sensitive calls are refused and nothing changes', async () => {
  const t = await setup();
  try {
    const r = await t.router(INVOKE.setSecret.channel, ours, { name: 'backupPassphrase', value: 'copper lantern orbit' });
    assert.ok(!r.ok && r.error.code === 'refused-by-gate' && /native confirmation/.test(r.error.message), JSON.stringify(r));
    assert.equal(t.secrets.has('backupPassphrase'), false);
  } finally {
    await t.close();
  }
});

test('the recovery key reaches the page only after main\'s own confirmation, and saves as a private printable sheet', async () => {
  const asked: string[] = [];
  let answer = false;
  const t = await setup({
    confirm: (m) => {
      asked.push(m);
      return Promise.resolve(answer);
    },
    saveTo: (dir) => join(dir, 'sheet.txt'),
  });
  try {
    // no key yet: refused with the reason, and nobody is asked anything
    const none = await t.router(INVOKE.exportRecoveryKey.channel, ours, { toFile: false });
    assert.ok(!none.ok && /no backup key yet/.test(none.error.message), JSON.stringify(none));
    assert.equal(asked.length, 0);

    const key = generateInstallationKey();
    await installInstallationKey(installationKeyPath(join(t.dir, 'keeper')), key);
    const declined = await t.router(INVOKE.exportRecoveryKey.channel, ours, { toFile: false });
    assert.deepEqual(declined, { ok: true, value: null });
    assert.match(asked[0] ?? '', /Anyone who has it and a backup file can take over/);

    answer = true;
    const shown = await t.router(INVOKE.exportRecoveryKey.channel, ours, { toFile: false });
    assert.deepEqual(shown, { ok: true, value: { key: formatRecoveryKey(key), savedTo: null } });
    const saved = await t.router(INVOKE.exportRecoveryKey.channel, ours, { toFile: true });
    assert.ok(saved.ok && saved.value);
    const file = (saved.value as { savedTo: string }).savedTo;
    assert.equal(file, join(t.dir, 'sheet.txt'));
    assert.match(await readFile(file, 'utf8'), new RegExp(`^    ${formatRecoveryKey(key)}$`, 'm'));
    if (process.platform !== 'win32') assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(asked.length, 3, 'every showing and saving was confirmed');
  } finally {
    await t.close();
  }
});

test('without a native confirmation wired, the recovery key is never handed to the page', async () => {
  const t = await setup();
  try {
    await installInstallationKey(installationKeyPath(join(t.dir, 'keeper')), generateInstallationKey());
    const r = await t.router(INVOKE.exportRecoveryKey.channel, ours, { toFile: false });
    assert.ok(!r.ok && r.error.code === 'internal' && /native confirmation/.test(r.error.message), JSON.stringify(r));
  } finally {
    await t.close();
  }
});

test('foreign senders are refused before any handler runs', async () => {
  const t = await setup();
  try {
    const foreign: IpcEventLike[] = [
      { sender: { id: OUR_WC + 1 }, senderFrame: { url: `${ORIGIN}/index.html`, parent: null } },
      { sender: { id: OUR_WC }, senderFrame: { url: `${ORIGIN}/index.html`, parent: { url: `${ORIGIN}/index.html` } } },
      { sender: { id: OUR_WC }, senderFrame: { url: 'https://evil.example/', parent: null } },
      { sender: { id: OUR_WC }, senderFrame: { url: 'app://session-keeper.evil/index.html', parent: null } },
      { sender: { id: OUR_WC }, senderFrame: { url: 'file:///tmp/index.html', parent: null } },
      { sender: { id: OUR_WC }, senderFrame: null },
    ];
    for (const event of foreign) {
      const r = await t.router(INVOKE.importSession.channel, event, { phoneId: 'default' });
      assert.ok(!r.ok && r.error.code === 'forbidden', JSON.stringify(event));
    }
    assert.deepEqual(t.reached, []);
    const r = await t.router(INVOKE.importSession.channel, ours, { phoneId: 'default' });
    assert.deepEqual(r, { ok: true, value: null });
    assert.deepEqual(t.reached, ['pickFolder']);
  } finally {
    await t.close();
  }
});

test('unknown channels are refused', async () => {
  const t = await setup();
  try {
    const r = await t.router('keeper:exec', ours, { cmd: 'rm -rf /' });
    assert.deepEqual(r, { ok: false, error: { code: 'forbidden', message: 'Unknown channel "keeper:exec"' } });
  } finally {
    await t.close();
  }
});

test("the engine's refusal of an unknown phone comes back with its code and message", async () => {
  const t = await setup();
  try {
    const r = await t.router(INVOKE.reconnect.channel, ours, { phoneId: 'nobody' });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'unknown-phone');
    assert.match(r.error.message, /No phone with id "nobody"/);
    assert.deepEqual(t.rejected, [], 'a deliberate refusal is not logged as a failure');
  } finally {
    await t.close();
  }
});

test('a keep-alive asked for inside the sleep window comes back refused-by-gate with the reason, not as a crash', async () => {
  // 03:00 UTC: inside the default 01:00–06:00 sleep window
  const t = await setup({ keeper: { clock: new ManualClock(Date.UTC(2026, 0, 1, 3)), keepAlive: { timeZone: 'UTC' } } });
  try {
    const r = await t.router(INVOKE.keepAliveNow.channel, ours, { phoneId: 'default' });
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'refused-by-gate');
    assert.match(r.error.message, /sleep window 01:00–06:00/);
  } finally {
    await t.close();
  }
});

test('an unexpected failure comes back as internal with its message, and is reported for the log', async () => {
  // The user picked a file in a folder that has gone since: the write fails with ENOENT.
  const t = await setup({ saveTo: (dir) => join(dir, 'gone', 'log.jsonl') });
  try {
    const r = await t.router(INVOKE.exportLog.channel, ours, undefined);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'internal');
    assert.match(r.error.message, /ENOENT/);
    assert.equal(t.rejected.length, 1);
    assert.match(t.rejected[0] ?? '', /^exportLog failed: ENOENT/);
  } finally {
    await t.close();
  }
});

test('Test connection probes the keeper\'s own backup target and answers plain data; the page cannot hand it a URL', async () => {
  const storage = await startStorage({ key: 'service', roles: { anon: { insert: true, select: true } }, buckets: ['backups'] });
  const target = new SupabaseTarget({ url: storage.url, key: 'anon', bucket: 'backups', prefix: 'sk' });
  const t = await setup({ keeper: { backup: { target } } });
  try {
    const r = await t.router(INVOKE.checkBackupTarget.channel, ours, undefined);
    assert.ok(r.ok);
    const value = r.value as BackupCheckResult;
    assert.equal(value.ok, false);
    assert.match(value.problem ?? '', /deletes are silently refused: add a delete policy on storage\.objects for bucket 'backups'/);
    assert.deepEqual(value.steps.map((s) => s.step), ['write', 'list', 'read', 'remove']);
    assert.deepEqual(structuredClone(value), value);
    const sneaky = await t.router(INVOKE.checkBackupTarget.channel, ours, { url: 'https://attacker.example' });
    assert.ok(!sneaky.ok);
    assert.equal(sneaky.error.code, 'invalid-payload');
  } finally {
    await t.close();
    await storage.close();
  }
});

test('no window means no trusted sender', () => {
  assert.equal(senderProblem(ours, { webContentsId: () => null, origin: ORIGIN }), 'not our window');
  assert.equal(senderProblem(ours, { webContentsId: () => OUR_WC, origin: ORIGIN }), null);
});

test('a pairing code request: letters are refused by the contract, a number without country code by the engine with its reason, a foreign frame gets nothing', async () => {
  const t = await setup();
  try {
    const letters = await t.router(INVOKE.requestPairingCode.channel, ours, { phoneId: 'default', phoneNumber: '+1 555 CALL NOW' });
    assert.ok(!letters.ok && letters.error.code === 'invalid-payload' && /digits, spaces/.test(letters.error.message), JSON.stringify(letters));
    const local = await t.router(INVOKE.requestPairingCode.channel, ours, { phoneId: 'default', phoneNumber: '07700 900123' });
    assert.ok(!local.ok && local.error.code === 'invalid-input' && /no country code/.test(local.error.message), JSON.stringify(local));
    const foreign = await t.router(INVOKE.requestPairingCode.channel, { sender: { id: OUR_WC }, senderFrame: { url: 'https://evil.example/', parent: null } }, { phoneId: 'default', phoneNumber: '+44 7700 900123' });
    assert.ok(!foreign.ok && foreign.error.code === 'forbidden');
    assert.equal(t.keeper.status('default').pairingCode, null, 'nothing was asked of WhatsApp');
  } finally {
    await t.close();
  }
});

test('updateSettings asks main\'s own dialog before turning the API on or changing the update URL; Cancel changes nothing', async () => {
  const asked: string[] = [];
  const t = await setup({
    confirm: (message) => {
      asked.push(message);
      return Promise.resolve(false);
    },
  });
  try {
    const before = t.settings.get();
    const api = await t.router(INVOKE.updateSettings.channel, ours, { api: { enabled: true, port: 9123, webhooks: [] } });
    assert.ok(!api.ok && api.error.code === 'refused-by-gate', JSON.stringify(api));
    const hook = await t.router(INVOKE.updateSettings.channel, ours, { api: { enabled: false, port: 9123, webhooks: [{ id: 'w1', url: 'https://evil.example/in' }] } });
    assert.ok(!hook.ok && hook.error.code === 'refused-by-gate', JSON.stringify(hook));
    const upd = await t.router(INVOKE.updateSettings.channel, ours, { updateUrl: 'https://evil.example/updates/' });
    assert.ok(!upd.ok && upd.error.code === 'refused-by-gate', JSON.stringify(upd));
    const proto = await t.router(INVOKE.updateSettings.channel, ours, JSON.parse('{"__proto__": {"updateUrl": "https://evil.example/updates/"}}'));
    assert.equal(asked.length, 3, 'each sensitive part asked once');
    assert.deepEqual(t.settings.get(), before, JSON.stringify(proto));
    assert.equal(({} as Record<string, unknown>).updateUrl, undefined, 'no prototype pollution');
  } finally {
    await t.close();
  }
});

test('an update waiting on main\'s dialog does not write back a section another save changed meanwhile', async () => {
  let agree: (yes: boolean) => void = () => undefined;
  const t = await setup({ confirm: () => new Promise<boolean>((r) => (agree = r)) });
  try {
    // the Settings form saves a new update URL: main's dialog is open…
    const pending = t.router(INVOKE.updateSettings.channel, ours, { updateUrl: 'https://updates.example/' });
    await new Promise((r) => setImmediate(r));
    // …while another save (the tray's Start at login toggle writes the store the same way) changes another section
    const other = await t.router(INVOKE.updateSettings.channel, ours, { startAtLogin: true });
    assert.equal(other.ok, true, JSON.stringify(other));
    agree(true);
    const r = await pending;
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(t.settings.get().updateUrl, 'https://updates.example/');
    assert.equal(t.settings.get().startAtLogin, true, 'the change saved while the dialog was open is kept');
  } finally {
    await t.close();
  }
});

test('shortening the inbox keep period (which deletes received messages at once) waits for main\'s own dialog', async () => {
  const asked: string[] = [];
  const t = await setup({
    confirm: (message) => {
      asked.push(message);
      return Promise.resolve(true);
    },
  });
  try {
    const on = await t.router(INVOKE.updateSettings.channel, ours, { api: { enabled: true, port: 9123, webhooks: [], inboxKeepDays: 365 } });
    assert.equal(on.ok, true, JSON.stringify(on));
    asked.length = 0;
    const r = await t.router(INVOKE.updateSettings.channel, ours, { api: { enabled: true, port: 9123, webhooks: [], inboxKeepDays: 1 } });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(asked.length, 1, 'a page script can otherwise delete up to 364 days of unread messages unasked');
  } finally {
    await t.close();
  }
});
