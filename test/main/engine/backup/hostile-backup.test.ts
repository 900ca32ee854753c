// Backups are hostile input until authenticated: each test here is one finding of issue 11
// (a forged file must cost milliseconds, be refused unwritten, and never slip in under another
// phone's or a later generation's name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { openBackup, sealBackup } from '../../../../main/engine/backup/archive.js';
import { CONTAINER_LIMITS, isSafeFileName, packContainer, unpackContainer, type BackupMetadata } from '../../../../main/engine/backup/container.js';
import { MAGIC, seal } from '../../../../main/engine/backup/envelope.js';
import { BackupError } from '../../../../main/engine/backup/errors.js';
import { LocalFolderTarget } from '../../../../main/engine/backup/local-folder-target.js';
import { restoreBackup } from '../../../../main/engine/backup/restore.js';
import { generateInstallationKey } from '../../../../main/engine/backup/recovery-key.js';
import { readSessionSnapshot } from '../../../../main/engine/backup/session-snapshot.js';
import { MAX_UNREADABLE_IN_A_ROW } from '../../../../main/engine/backup/restore-run.js';
import { newGenerationName } from '../../../../main/engine/backup/targets.js';
import { writeBaileysSession } from './session-fixture.js';
import { HOUR, PHONE, makeRig } from './backup-manager-fixture.js';

const NOW = Date.UTC(2026, 0, 1);
const INFO = { phoneId: 'phone-a', pairedAt: null, appVersion: 'test' };
const BIND = { phoneId: INFO.phoneId, createdAt: NOW };

function kindOf(err: unknown): string {
  assert.ok(err instanceof BackupError, `expected a BackupError, got ${String(err)}`);
  return err.kind;
}

async function withSession<T>(fn: (dir: string, root: string) => Promise<T>): Promise<T> {
  const root = await mkdtemp(join(tmpdir(), 'sk-hostile-'));
  try {
    const dir = join(root, 'session');
    await writeBaileysSession(dir, 3);
    return await fn(dir, root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('a 221-byte forged backup asking for scrypt logN 20, r 32, p 16 is refused unread in milliseconds', async () => {
  const header = JSON.stringify({
    cipher: 'aes-256-gcm',
    compression: 'brotli',
    kdf: { name: 'scrypt', logN: 20, r: 32, p: 16 },
    salt: randomBytes(16).toString('base64'),
    nonce: randomBytes(12).toString('base64'),
    keyCheck: randomBytes(16).toString('base64'),
  });
  const fixed = Buffer.alloc(3);
  fixed.writeUInt8(2, 0);
  fixed.writeUInt16BE(header.length, 1);
  const forged = Buffer.concat([MAGIC, fixed, Buffer.from(header), randomBytes(16)]);
  assert.ok(forged.length < 260, `${forged.length} bytes`);
  const started = performance.now();
  await assert.rejects(openBackup(forged, { passphrase: 'any passphrase at all' }, BIND), (e: unknown) => kindOf(e) === 'unsupported-version');
  const ms = performance.now() - started;
  assert.ok(ms < 200, `refused after ${ms.toFixed(0)} ms`);
});

test('a generation re-uploaded under a later name or into another phone folder fails authentication', async () => {
  await withSession(async (dir) => {
    const secret = { installationKey: generateInstallationKey() };
    const { bytes } = await sealBackup(await readSessionSnapshot(dir), INFO, secret, NOW);
    assert.equal((await openBackup(bytes, secret, BIND)).metadata.createdAt, NOW);
    for (const moved of [{ ...BIND, createdAt: NOW + 86_400_000 }, { ...BIND, phoneId: 'phone-b' }]) {
      await assert.rejects(openBackup(bytes, secret, moved), (e: unknown) => kindOf(e) === 'damaged' && /another phone or time/.test((e as Error).message));
    }
  });
});

/** The format the app wrote before binding (v1: the header alone is the AAD), built by hand. */
function sealFormat1(plaintext: Buffer, key: Buffer): Buffer {
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const enc = Buffer.from(hkdfSync('sha256', key, salt, 'session-keeper backup v1 enc', 32));
  const check = Buffer.from(hkdfSync('sha256', key, salt, 'session-keeper backup v1 check', 16));
  const json = Buffer.from(JSON.stringify({ cipher: 'aes-256-gcm', compression: 'brotli', kdf: { name: 'none' }, salt: salt.toString('base64'), nonce: nonce.toString('base64'), keyCheck: check.toString('base64') }));
  const fixed = Buffer.alloc(3);
  fixed.writeUInt8(1, 0);
  fixed.writeUInt16BE(json.length, 1);
  const headerBytes = Buffer.concat([MAGIC, fixed, json]);
  const cipher = createCipheriv('aes-256-gcm', enc, nonce);
  cipher.setAAD(headerBytes);
  const body = Buffer.concat([cipher.update(brotliCompressSync(plaintext)), cipher.final()]);
  return Buffer.concat([headerBytes, body, cipher.getAuthTag()]);
}

test('a format-1 backup still opens, and its sealed metadata must still match where it is stored', async () => {
  await withSession(async (dir) => {
    const key = generateInstallationKey();
    const snap = await readSessionSnapshot(dir);
    const meta: BackupMetadata = { ...INFO, formatVersion: 1, createdAt: NOW, contentHash: snap.contentHash, fileCount: snap.files.length };
    const v1 = sealFormat1(packContainer(meta, snap.files), key);
    assert.equal((await openBackup(v1, { installationKey: key }, BIND)).metadata.contentHash, snap.contentHash);
    await assert.rejects(openBackup(v1, { installationKey: key }, { ...BIND, createdAt: NOW + 1 }), (e: unknown) => kindOf(e) === 'damaged');
    await assert.rejects(openBackup(v1, { installationKey: key }, { ...BIND, phoneId: 'phone-b' }), (e: unknown) => kindOf(e) === 'invalid-session');
  });
});

/** A container as a forger would write it, bypassing packContainer's checks. */
function rawContainer(files: { name: string; size: number }[], count = files.length): Buffer {
  const meta = Buffer.from(JSON.stringify({ ...INFO, formatVersion: 1, createdAt: NOW, contentHash: '0'.repeat(64), fileCount: count }));
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const parts = [Buffer.from('SKPK'), u32(meta.length), meta, u32(count)];
  for (const f of files) {
    const name = Buffer.from(f.name);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(name.length);
    parts.push(len, name, u32(f.size), Buffer.alloc(f.size));
  }
  return Buffer.concat(parts);
}

test('an authenticated backup claiming 200,000 files, or one huge file, is refused before anything is written', async () => {
  await withSession(async (_dir, root) => {
    const secret = { installationKey: generateInstallationKey() };
    const many = rawContainer([{ name: 'a.json', size: 1 }], 200_000);
    assert.throws(() => unpackContainer(many), /200000 files, more than the 30000/);
    const huge = rawContainer([{ name: 'creds.json', size: CONTAINER_LIMITS.fileBytes + 1 }]);
    assert.throws(() => unpackContainer(huge), /more than the 16777216 allowed/);
    const sealed = await seal(many, secret, BIND);
    assert.ok(sealed.length < 2048, 'tiny on the wire');
    const before = await readdir(root);
    await assert.rejects(restoreBackup(sealed, secret, join(root, 'out'), { binding: BIND }), (e: unknown) => kindOf(e) === 'damaged');
    assert.deepEqual(await readdir(root), before, 'nothing written');
  });
});

test('a session too large for a backup is refused when packing, so no unrestorable backup is ever written', () => {
  const meta: BackupMetadata = { ...INFO, formatVersion: 1, createdAt: NOW, contentHash: '', fileCount: 0 };
  const files = Array.from({ length: CONTAINER_LIMITS.files + 1 }, (_, i) => ({ name: `k-${i}.json`, bytes: Buffer.from('{}') }));
  assert.throws(() => packContainer(meta, files), (e: unknown) => kindOf(e) === 'source-unreadable');
});

test('names Windows cannot hold or would alter are refused; Baileys names pass', () => {
  for (const bad of ['CON', 'con.json', 'Nul', 'COM1.txt', 'lpt9', 'a:b', 'x.', 'x ', 'a<b', 'a|b', 'a?b', 'a*b', 'a"b', 'tab\there', '..', '.hidden', 'a/b', 'a\\b']) {
    assert.equal(isSafeFileName(bad), false, bad);
  }
  for (const good of ['creds.json', 'pre-key-12.json', 'session-4915550000000.0.json', 'app-state-sync-key-AAAAAF9h.json', 'sender-key-123@g.us--4915550000000--0.json', 'console.json', 'lid-mapping-123_reverse.json']) {
    assert.equal(isSafeFileName(good), true, good);
  }
  assert.throws(() => unpackContainer(rawContainer([{ name: 'CON', size: 2 }])), /unsafe or repeated file name "CON"/);
});

test(`restore gives up after ${MAX_UNREADABLE_IN_A_ROW} unreadable generations in a row and names them`, async (t) => {
  const rig = await makeRig(t);
  await rig.port.changeCreds('good');
  assert.equal((await rig.manager.backupNow(PHONE)).outcome, 'uploaded');
  const folder = (rig.target as LocalFolderTarget).folder(PHONE);
  const forged: string[] = [];
  for (let i = 1; i <= 5; i++) {
    const name = newGenerationName(rig.clock.now() + i * HOUR);
    await writeFile(join(folder, name), randomBytes(300));
    forged.push(name);
  }
  const err = await rig.manager.restore(PHONE).then(
    () => assert.fail('restore should give up'),
    (e: unknown) => e,
  );
  assert.equal(kindOf(err), 'damaged');
  const newestThree = [...forged].reverse().slice(0, MAX_UNREADABLE_IN_A_ROW);
  for (const name of newestThree) assert.match((err as Error).message, new RegExp(name));
  assert.match((err as Error).message, /stopped after 3 unreadable backups in a row/);
  assert.equal(rig.port.events('restore.skipped').length, MAX_UNREADABLE_IN_A_ROW);
  // The good one is still there for a person to pick by name.
  const good = (await rig.target.list(PHONE)).at(-1)!;
  assert.equal((await rig.manager.restore(PHONE, { generation: good.name })).generation, good.name);
  assert.ok((await readFile(join(rig.port.sessionDir, 'creds.json'), 'utf8')).includes('good'));
});
