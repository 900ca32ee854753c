import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  initAuthCreds,
  makeCacheableSignalKeyStore,
  proto,
  useMultiFileAuthState,
  type AuthenticationCreds,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import {
  AUTH_JOURNAL_FILE,
  AuthStoreClosedError,
  WriteLockReentryError,
  batchEntries,
  openAuthStore,
} from '../../../main/engine/auth-store.js';
import { AuthImportError, importSession } from '../../../main/engine/auth-store/import-session.js';
import { encodeJournal } from '../../../main/engine/auth-store/journal.js';
import { ManualClock } from '../../../main/engine/clock.js';
import { everyKeyType, KEY_TYPES, snapshotFolder, tempDir } from '../../support/auth-store/fixtures.js';

const isPosix = process.platform !== 'win32';
const ME = { id: '15551234567:7@s.whatsapp.net', name: 'Test' };

function expected(type: string, value: unknown): unknown {
  return type === 'app-state-sync-key' ? proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>) : value;
}

/** Reads back every id of `data` through a key store, as Baileys would. */
async function readAll(keys: SignalKeyStore, data: SignalDataSet): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const type of Object.keys(data) as Array<keyof SignalDataTypeMap>) {
    out[type] = { ...(await keys.get(type, Object.keys(data[type] ?? {}))) };
  }
  return out;
}

function pairedCreds(): AuthenticationCreds {
  const creds = initAuthCreds();
  creds.me = ME;
  creds.registered = true;
  creds.routingInfo = Buffer.from('routing');
  return creds;
}

/** Creds as they come back from disk: JSON drops properties whose value is undefined. */
function onDisk(creds: AuthenticationCreds): Record<string, unknown> {
  return Object.fromEntries(Object.entries(creds).filter(([, v]) => v !== undefined));
}

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

test('creds and every Baileys key type survive a save and a reopen, Buffers and file-name fixing included', async (t) => {
  const root = await tempDir(t);
  const dir = join(root, 'sessions', 'phone1');
  const opts = { dir, quarantineDir: join(root, 'quarantine') };
  const { store } = await openAuthStore(opts);
  Object.assign(store.state.creds, pairedCreds());
  const data = everyKeyType(3);
  await store.state.keys.set(data);
  await store.saveCreds();
  await store.close();

  const { store: again, quarantined } = await openAuthStore(opts);
  assert.equal(quarantined, null);
  assert.deepEqual(again.state.creds, onDisk(store.state.creds));
  assert.ok(Buffer.isBuffer(again.state.creds.noiseKey.private));
  assert.equal(again.isRegistered(), true);
  const read = await readAll(again.state.keys, data);
  for (const type of KEY_TYPES) {
    for (const [id, value] of Object.entries(data[type] ?? {})) {
      assert.deepEqual(read[type]?.[id], expected(type, value), `${type} ${id}`);
    }
  }
  assert.ok(read['app-state-sync-key']?.['AAAA3/x=='] instanceof proto.Message.AppStateSyncKeyData);
  // Same names Baileys would use: `:` → `-`, `/` → `__`.
  const names = await readdir(dir);
  assert.ok(names.includes('session-15551234567.0-3.json'));
  assert.ok(names.includes('app-state-sync-key-AAAA3__x==.json'));
  assert.equal(names.length, 1 + batchEntries(data).length);
});

test('a falsy value in a batch deletes the key, in the same batch as the writes', async (t) => {
  const root = await tempDir(t);
  const opts = { dir: join(root, 's'), quarantineDir: join(root, 'q') };
  const { store } = await openAuthStore(opts);
  await store.state.keys.set({ 'pre-key': { '1': { public: Buffer.from([1]), private: Buffer.alloc(32, 1) }, '2': { public: Buffer.from([2]), private: Buffer.alloc(32, 2) } }, 'lid-mapping': { a: 'b' } });
  await store.state.keys.set({ 'pre-key': { '1': null, '3': { public: Buffer.from([3]), private: Buffer.alloc(32, 3) } }, 'lid-mapping': { a: '' } });
  const got = await store.state.keys.get('pre-key', ['1', '2', '3']);
  assert.equal(got['1'], null);
  assert.deepEqual(got['2'], { public: Buffer.from([2]), private: Buffer.alloc(32, 2) });
  assert.deepEqual(got['3'], { public: Buffer.from([3]), private: Buffer.alloc(32, 3) });
  assert.deepEqual(await store.state.keys.get('lid-mapping', ['a']), { a: null });
  assert.deepEqual((await readdir(opts.dir)).sort(), ['pre-key-2.json', 'pre-key-3.json']);
});

test('a batch holds the values as they were when set() was called', async (t) => {
  const root = await tempDir(t);
  const { store } = await openAuthStore({ dir: join(root, 's'), quarantineDir: join(root, 'q') });
  const list = ['0', '1'];
  const done = store.state.keys.set({ 'device-list': { u: list } });
  list.push('2'); // Baileys keeps mutating its objects after handing them over
  await done;
  assert.deepEqual((await store.state.keys.get('device-list', ['u']))['u'], ['0', '1']);
});

test('session folders are 0700 and files 0600, and open tightens a folder Baileys wrote with the umask', { skip: !isPosix }, async (t) => {
  const root = await tempDir(t);
  const dir = join(root, 's');
  const { store } = await openAuthStore({ dir, quarantineDir: join(root, 'q') });
  await store.saveCreds();
  await store.state.keys.set(everyKeyType());
  assert.equal(await modeOf(dir), 0o700);
  for (const name of await readdir(dir)) assert.equal(await modeOf(join(dir, name)), 0o600, name);

  const baileysDir = join(root, 'b');
  const baileys = await useMultiFileAuthState(baileysDir);
  await baileys.saveCreds();
  await baileys.state.keys.set(everyKeyType());
  assert.notEqual(await modeOf(join(baileysDir, 'creds.json')), 0o600, 'Baileys itself leaves files group/world-readable');
  await openAuthStore({ dir: baileysDir, quarantineDir: join(root, 'q') });
  assert.equal(await modeOf(baileysDir), 0o700);
  for (const name of await readdir(baileysDir)) assert.equal(await modeOf(join(baileysDir, name)), 0o600, name);
});

test('a folder written by Baileys useMultiFileAuthState opens with the same creds and keys', async (t) => {
  const root = await tempDir(t);
  const dir = join(root, 'baileys');
  const b = await useMultiFileAuthState(dir);
  Object.assign(b.state.creds, { me: ME, registered: true, routingInfo: Buffer.from('r') });
  await b.saveCreds();
  const data = everyKeyType(5);
  await b.state.keys.set(data);

  const reread = await useMultiFileAuthState(dir); // what Baileys itself would load
  const { store, quarantined } = await openAuthStore({ dir, quarantineDir: join(root, 'q') });
  assert.equal(quarantined, null);
  assert.deepEqual(store.state.creds, reread.state.creds);
  assert.deepEqual(store.state.creds.noiseKey, b.state.creds.noiseKey);
  assert.deepEqual(await readAll(store.state.keys, data), await readAll(reread.state.keys, data));
});

test('a folder our store wrote is readable by Baileys useMultiFileAuthState', async (t) => {
  const root = await tempDir(t);
  const dir = join(root, 'ours');
  const { store } = await openAuthStore({ dir, quarantineDir: join(root, 'q') });
  Object.assign(store.state.creds, pairedCreds());
  const data = everyKeyType(9);
  await store.state.keys.set(data);
  await store.saveCreds();

  const b = await useMultiFileAuthState(dir);
  assert.deepEqual(b.state.creds, onDisk(store.state.creds));
  assert.deepEqual(await readAll(b.state.keys, data), await readAll(store.state.keys, data));
  assert.equal(((await b.state.keys.get('tctoken', ['15557654321@s.whatsapp.net']))['15557654321@s.whatsapp.net'])?.token.length, 24);
});

test('keys work under Baileys makeCacheableSignalKeyStore', async (t) => {
  const root = await tempDir(t);
  const dir = join(root, 's');
  const { store } = await openAuthStore({ dir, quarantineDir: join(root, 'q') });
  await store.saveCreds();
  const cached = makeCacheableSignalKeyStore(store.state.keys);
  await cached.set({ session: { 'x.0:1': Buffer.from('abc') } });
  assert.deepEqual((await cached.get('session', ['x.0:1']))['x.0:1'], Buffer.from('abc'));
  const { store: fresh } = await openAuthStore({ dir, quarantineDir: join(root, 'q') });
  assert.deepEqual((await fresh.state.keys.get('session', ['x.0:1']))['x.0:1'], Buffer.from('abc'));
});

test('importSession copies a Baileys folder without modifying it, and the copy opens as the same session', async (t) => {
  const root = await tempDir(t);
  const from = join(root, 'baileys-sessions');
  const b = await useMultiFileAuthState(from);
  Object.assign(b.state.creds, { me: ME, registered: true });
  await b.saveCreds();
  const data = everyKeyType(2);
  await b.state.keys.set(data);
  const before = await snapshotFolder(from);
  const beforeMode = await modeOf(join(from, 'creds.json'));

  const to = join(root, 'data', 'sessions', 'phone1');
  const result = await importSession(from, to, { quarantineDir: join(root, 'data', 'quarantine') });
  assert.equal(result.me, ME.id);
  assert.equal(result.files, before.size);
  assert.equal(result.replacedTo, null);
  assert.deepEqual(await snapshotFolder(from), before, 'source untouched');
  assert.equal(await modeOf(join(from, 'creds.json')), beforeMode, 'source modes untouched');
  assert.deepEqual(await snapshotFolder(to), before, 'bytes copied verbatim');
  if (isPosix) {
    assert.equal(await modeOf(to), 0o700);
    for (const name of await readdir(to)) assert.equal(await modeOf(join(to, name)), 0o600);
  }
  assert.deepEqual((await readdir(join(root, 'data', 'sessions'))).sort(), ['phone1'], 'no staging folder left behind');

  const { store, quarantined } = await openAuthStore({ dir: to, quarantineDir: join(root, 'data', 'quarantine') });
  assert.equal(quarantined, null);
  assert.equal(store.isRegistered(), true);
  assert.deepEqual(store.state.creds, onDisk(b.state.creds));
  assert.deepEqual(await readAll(store.state.keys, data), await readAll(b.state.keys, data));
});

test('importSession refuses a source that is missing, unparsable or never paired, and copies nothing', async (t) => {
  const root = await tempDir(t);
  const q = join(root, 'q');
  const to = join(root, 'to');
  const cases: Array<[string, (dir: string) => Promise<void>, string]> = [
    ['missing', async () => {}, 'source-missing'],
    ['garbage', (dir) => writeFile(join(dir, 'creds.json'), '{"noiseKey":{"private":{"type":"Buf'), 'source-invalid'],
    ['empty', (dir) => writeFile(join(dir, 'creds.json'), ''), 'source-invalid'],
    ['unpaired', async (dir) => (await useMultiFileAuthState(dir)).saveCreds(), 'source-unpaired'],
  ];
  for (const [name, make, code] of cases) {
    const from = join(root, name);
    await mkdir(from);
    await make(from);
    await assert.rejects(importSession(from, to, { quarantineDir: q }), (err: unknown) => err instanceof AuthImportError && err.code === code, name);
  }
  await assert.rejects(stat(to), /ENOENT/);
});

test('importSession will not replace a valid session unless told to, and then quarantines it instead of deleting it', async (t) => {
  const root = await tempDir(t);
  const q = join(root, 'q');
  const from = join(root, 'from');
  const b = await useMultiFileAuthState(from);
  Object.assign(b.state.creds, { me: ME });
  await b.saveCreds();

  const to = join(root, 'to');
  const { store: existing } = await openAuthStore({ dir: to, quarantineDir: q });
  Object.assign(existing.state.creds, { me: { id: '15550000000:1@s.whatsapp.net' } });
  await existing.saveCreds();
  await existing.state.keys.set({ session: { old: Buffer.from('old') } });
  const oldBytes = await snapshotFolder(to);

  await assert.rejects(importSession(from, to, { quarantineDir: q }), (err: unknown) => err instanceof AuthImportError && err.code === 'target-exists');
  assert.deepEqual(await snapshotFolder(to), oldBytes);

  const clock = new ManualClock(Date.UTC(2026, 1, 3, 4, 5, 6));
  const result = await importSession(from, to, { quarantineDir: q, overwrite: true, clock, label: 'phone1' });
  assert.equal(result.replacedTo, join(q, 'phone1-2026-02-03T04-05-06.000Z-replaced-by-import'));
  assert.deepEqual(await snapshotFolder(result.replacedTo), oldBytes);
  const { store } = await openAuthStore({ dir: to, quarantineDir: q });
  assert.equal(store.state.creds.me?.id, ME.id);
});

const BAD_CREDS: Array<[string, (good: string) => string, string]> = [
  ['a 0-byte creds.json', () => '', 'creds-empty'],
  ['a truncated creds.json', (good) => good.slice(0, Math.floor(good.length / 2)), 'creds-not-json'],
  ['a creds.json of invalid JSON', () => 'not json at all \u0000', 'creds-not-json'],
  ['a creds.json missing its noise key', (good) => { const o = JSON.parse(good) as Record<string, unknown>; delete o['noiseKey']; return JSON.stringify(o); }, 'creds-incomplete'],
  ['a creds.json with a mangled signed pre-key', (good) => { const o = JSON.parse(good) as Record<string, unknown>; o['signedPreKey'] = { keyId: 1 }; return JSON.stringify(o); }, 'creds-incomplete'],
];

for (const [what, corrupt, reason] of BAD_CREDS) {
  test(`${what} is quarantined as ${reason} with every byte kept, and no new identity is written in its place`, async (t) => {
    const root = await tempDir(t);
    const dir = join(root, 'sessions', 'phone7');
    const q = join(root, 'quarantine');
    const { store: first } = await openAuthStore({ dir, quarantineDir: q });
    Object.assign(first.state.creds, pairedCreds());
    await first.saveCreds();
    await first.state.keys.set(everyKeyType());
    await first.close();
    const good = await readFile(join(dir, 'creds.json'), 'utf8');
    await writeFile(join(dir, 'creds.json'), corrupt(good));
    const before = await snapshotFolder(dir);

    const logs: string[] = [];
    const clock = new ManualClock(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const { store, quarantined } = await openAuthStore({ dir, quarantineDir: q, clock, label: 'phone7', logger: (e) => logs.push(`${e.event} ${e.message}`) });
    assert.ok(quarantined);
    assert.equal(quarantined.reason, reason);
    assert.equal(quarantined.to, join(q, `phone7-2026-01-02T03-04-05.678Z-${reason}`));
    assert.deepEqual(await snapshotFolder(quarantined.to), before, 'every file, bytes intact');
    await assert.rejects(stat(dir), /ENOENT/, 'nothing written in the original place');
    assert.equal(store.isRegistered(), false);
    assert.notDeepEqual(store.state.creds.noiseKey, first.state.creds.noiseKey);
    assert.ok(logs.some((l) => l.startsWith('auth.quarantined')));
    // No key material in what we log.
    const secret = Buffer.from(first.state.creds.noiseKey.private).toString('base64');
    assert.ok(!logs.join('\n').includes(secret.slice(0, 12)));
  });
}

test('key files without a creds.json are quarantined rather than mixed into a new identity', async (t) => {
  const root = await tempDir(t);
  const dir = join(root, 's');
  const q = join(root, 'q');
  const { store } = await openAuthStore({ dir, quarantineDir: q });
  await store.state.keys.set(everyKeyType());
  const before = await snapshotFolder(dir);
  const { quarantined } = await openAuthStore({ dir, quarantineDir: q });
  assert.equal(quarantined?.reason, 'keys-without-creds');
  assert.deepEqual(await snapshotFolder(quarantined.to), before);
});

test('a missing session folder starts fresh unsaved creds and writes nothing until the first save', async (t) => {
  const root = await tempDir(t);
  const dir = join(root, 'new-phone');
  const { store, quarantined, recovered } = await openAuthStore({ dir, quarantineDir: join(root, 'q') });
  assert.equal(quarantined, null);
  assert.deepEqual(recovered, { journal: 'none', tempFilesRemoved: 0 });
  assert.equal(store.isRegistered(), false);
  assert.equal(store.state.creds.registrationId > 0, true);
  await assert.rejects(stat(dir), /ENOENT/);
  assert.deepEqual(await store.state.keys.get('pre-key', ['1']), { '1': null });
  await store.saveCreds();
  assert.deepEqual(await readdir(dir), ['creds.json']);
  const { store: again } = await openAuthStore({ dir, quarantineDir: join(root, 'q') });
  assert.deepEqual(again.state.creds, onDisk(store.state.creds));
});

async function pairedFolder(root: string): Promise<{ dir: string; q: string }> {
  const dir = join(root, 's');
  const q = join(root, 'q');
  const { store } = await openAuthStore({ dir, quarantineDir: q });
  Object.assign(store.state.creds, pairedCreds());
  await store.saveCreds();
  await store.state.keys.set({ session: { a: Buffer.from('a-old'), b: Buffer.from('b-old') } });
  await store.close();
  return { dir, q };
}

test('a complete journal left by a crash is replayed at open, deletions included', async (t) => {
  const { dir, q } = await pairedFolder(await tempDir(t));
  const batch = batchEntries({ session: { a: Buffer.from('a-new'), b: null, c: Buffer.from('c-new') } });
  await writeFile(join(dir, AUTH_JOURNAL_FILE), encodeJournal(batch));
  const { store, recovered } = await openAuthStore({ dir, quarantineDir: q });
  assert.equal(recovered.journal, 'replayed');
  assert.deepEqual(await store.state.keys.get('session', ['a', 'b', 'c']), { a: Buffer.from('a-new'), b: null, c: Buffer.from('c-new') });
  assert.ok(!(await readdir(dir)).includes(AUTH_JOURNAL_FILE));
});

test('a torn or corrupted journal is discarded and none of its batch is applied', async (t) => {
  const { dir, q } = await pairedFolder(await tempDir(t));
  const full = encodeJournal(batchEntries({ session: { a: Buffer.from('a-new'), b: null, c: Buffer.from('c-new') } }));
  const torn = [full.slice(0, full.length - 7), '', full.replace('a-new'.length.toString(), '9').replace(/"sha256":"./, '"sha256":"0')];
  for (const text of torn) {
    await writeFile(join(dir, AUTH_JOURNAL_FILE), text);
    const { store, recovered } = await openAuthStore({ dir, quarantineDir: q });
    assert.equal(recovered.journal, 'discarded');
    assert.deepEqual(await store.state.keys.get('session', ['a', 'b', 'c']), { a: Buffer.from('a-old'), b: Buffer.from('b-old'), c: null });
    assert.ok(!(await readdir(dir)).includes(AUTH_JOURNAL_FILE));
  }
});

test('temp files of an interrupted write are removed at open and the real files are untouched', async (t) => {
  const { dir, q } = await pairedFolder(await tempDir(t));
  const before = await snapshotFolder(dir);
  await writeFile(join(dir, '.tmp-999-1-creds.json'), '{"half');
  await writeFile(join(dir, '.tmp-999-2-session-a.json'), '');
  const { store, recovered, quarantined } = await openAuthStore({ dir, quarantineDir: q });
  assert.equal(quarantined, null);
  assert.equal(recovered.tempFilesRemoved, 2);
  assert.deepEqual(await snapshotFolder(dir), before);
  assert.equal(store.isRegistered(), true);
});

test('withWriteLock holds off every write until it returns, and writing from inside it fails fast', async (t) => {
  const { dir, q } = await pairedFolder(await tempDir(t));
  const { store } = await openAuthStore({ dir, quarantineDir: q });
  let entered!: () => void;
  const inLock = new Promise<void>((r) => { entered = r; });
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const locked = store.withWriteLock(async () => {
    const inside = await snapshotFolder(dir);
    await assert.rejects(store.saveCreds(), WriteLockReentryError);
    entered();
    await gate;
    assert.deepEqual(await snapshotFolder(dir), inside, 'folder frozen while locked');
    return inside.size;
  });
  await inLock;
  let writesDone = false;
  store.state.creds.accountSyncCounter = 42;
  const writes = Promise.all([store.state.keys.set({ session: { a: Buffer.from('during') } }), store.saveCreds()]).then(() => { writesDone = true; });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(writesDone, false);
  release();
  assert.equal(await locked, 3);
  await writes;
  const { store: again } = await openAuthStore({ dir, quarantineDir: q });
  assert.equal(again.state.creds.accountSyncCounter, 42);
  assert.deepEqual((await again.state.keys.get('session', ['a']))['a'], Buffer.from('during'));
});

test("one store's write lock refuses writes to that store only: another store written from inside it saves, and nesting holds both", async (t) => {
  const root = await tempDir(t);
  const a = await pairedFolder(join(root, 'a'));
  const b = await pairedFolder(join(root, 'b'));
  const { store: storeA } = await openAuthStore({ dir: a.dir, quarantineDir: a.q });
  const { store: storeB } = await openAuthStore({ dir: b.dir, quarantineDir: b.q });
  storeB.state.creds.accountSyncCounter = 7;
  await storeA.withWriteLock(async () => {
    await assert.rejects(storeA.saveCreds(), WriteLockReentryError);
    await storeB.saveCreds();
    // B's lock taken from inside A's: both refuse writes until each lock is left
    await storeB.withWriteLock(async () => {
      await assert.rejects(storeA.saveCreds(), WriteLockReentryError);
      await assert.rejects(storeB.saveCreds(), WriteLockReentryError);
    });
  });
  await storeA.saveCreds();
  const { store: again } = await openAuthStore({ dir: b.dir, quarantineDir: b.q });
  assert.equal(again.state.creds.accountSyncCounter, 7);
});

test('keysSettled waits for the key batches queued before it, not for a held creds save, which flush still waits for', async (t) => {
  const { dir, q } = await pairedFolder(await tempDir(t));
  const { store } = await openAuthStore({ dir, quarantineDir: q });
  void store.state.keys.set({ session: { k: Buffer.from('v1') } });
  await store.keysSettled();
  assert.ok((await readdir(dir)).includes('session-k.json'), 'the batch queued before keysSettled is on disk');

  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const locked = store.withWriteLock(() => gate);
  store.state.creds.accountSyncCounter = 7;
  let saved = false;
  const save = store.saveCreds().then(() => { saved = true; });
  let flushed = false;
  const flush = store.flush().then(() => { flushed = true; });
  // the lock opens a little later; were keysSettled to wait for the creds save, it would end after it
  setTimeout(release, 50);
  await store.keysSettled();
  assert.equal(saved, false, 'keysSettled resolved while the creds save was still held');
  assert.equal(flushed, false);
  await flush;
  assert.equal(saved, true, 'flush waited for the creds save');
  await Promise.all([locked, save]);
  const { store: again } = await openAuthStore({ dir, quarantineDir: q });
  assert.equal(again.state.creds.accountSyncCounter, 7);
});

test('many concurrent batches and creds saves all land, each batch whole', async (t) => {
  const root = await tempDir(t);
  const opts = { dir: join(root, 's'), quarantineDir: join(root, 'q') };
  const { store } = await openAuthStore(opts);
  const work: Array<Promise<void> | void> = [];
  for (let n = 1; n <= 40; n++) {
    store.state.creds.accountSyncCounter = n;
    work.push(store.state.keys.set({ session: { x: Buffer.from(`${n}`), y: Buffer.from(`${n}`) }, 'pre-key': { [`${n}`]: { public: Buffer.from([n]), private: Buffer.alloc(32, n) } } }));
    work.push(store.saveCreds());
  }
  await Promise.all(work);
  await store.close();
  const { store: again } = await openAuthStore(opts);
  assert.equal(again.state.creds.accountSyncCounter, 40);
  assert.deepEqual(await again.state.keys.get('session', ['x', 'y']), { x: Buffer.from('40'), y: Buffer.from('40') });
  assert.equal(Object.values(await again.state.keys.get('pre-key', Array.from({ length: 40 }, (_, i) => `${i + 1}`))).filter(Boolean).length, 40);
});

test('quarantine() waits for queued writes, moves the folder aside and closes the store', async (t) => {
  const { dir, q } = await pairedFolder(await tempDir(t));
  const { store } = await openAuthStore({ dir, quarantineDir: q, label: 'p1', clock: new ManualClock(Date.UTC(2026, 0, 1)) });
  const queued = store.state.keys.set({ session: { z: Buffer.from('last') } });
  const to = await store.quarantine('logged out (401)');
  await queued;
  assert.equal(to, join(q, 'p1-2026-01-01T00-00-00.000Z-logged-out-401'));
  assert.ok(to && (await readdir(to)).includes('session-z.json'));
  await assert.rejects(stat(dir), /ENOENT/);
  await assert.rejects(store.saveCreds(), AuthStoreClosedError);
  await assert.rejects(Promise.resolve(store.state.keys.set({ session: { z: null } })), AuthStoreClosedError);

  // A second quarantine at the same instant never overwrites the first.
  const { store: again } = await openAuthStore({ dir, quarantineDir: q, label: 'p1', clock: new ManualClock(Date.UTC(2026, 0, 1)) });
  await again.saveCreds();
  assert.equal(await again.quarantine('logged out (401)'), `${to}-2`);
});

test('quarantine() of a store that never wrote anything returns null', async (t) => {
  const root = await tempDir(t);
  const { store } = await openAuthStore({ dir: join(root, 'never'), quarantineDir: join(root, 'q') });
  assert.equal(await store.quarantine('logged-out'), null);
});

test('a re-open that saves the same creds and keys rewrites no file, and a changed value is still written', async (t) => {
  const root = await tempDir(t);
  const dir = join(root, 'sessions', 'phone1');
  const opts = { dir, quarantineDir: join(root, 'quarantine') };
  const { store } = await openAuthStore(opts);
  Object.assign(store.state.creds, pairedCreds());
  await store.state.keys.set({ 'device-list': { '15550000001': ['0', '1'] }, 'lid-mapping': { '15550000001': '9999' } });
  await store.saveCreds();
  await store.close();
  const ino = async (name: string) => (await stat(join(dir, name))).ino;
  const before = { creds: await ino('creds.json'), list: await ino('device-list-15550000001.json') };

  // what a login with stored creds does: the same creds and the same device list again
  const { store: again } = await openAuthStore(opts);
  await again.saveCreds();
  await again.state.keys.set({ 'device-list': { '15550000001': ['0', '1'] } });
  await again.flush();
  assert.equal(await ino('creds.json'), before.creds, 'creds.json was not replaced');
  assert.equal(await ino('device-list-15550000001.json'), before.list, 'the key file was not replaced');
  assert.ok(!(await readdir(dir)).some((n) => n.startsWith('.')), 'no journal or temp left');

  // a real change: one file of the batch differs, the other does not
  again.state.creds.routingInfo = Buffer.from('moved');
  await again.saveCreds();
  await again.state.keys.set({ 'device-list': { '15550000001': ['0', '1', '2'] }, 'lid-mapping': { '15550000001': '9999' } });
  await again.close();
  assert.notEqual(await ino('creds.json'), before.creds);
  const { store: third } = await openAuthStore(opts);
  assert.deepEqual(third.state.creds.routingInfo, Buffer.from('moved'));
  const got = await third.state.keys.get('device-list', ['15550000001']);
  assert.deepEqual(got['15550000001'], ['0', '1', '2']);
  await third.close();
});
