import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealBackup, openBackup } from '../../../../main/engine/backup/archive.js';
import { readSessionSnapshot } from '../../../../main/engine/backup/session-snapshot.js';
import { restoreBackup } from '../../../../main/engine/backup/restore.js';
import { swapInRestoredSession } from '../../../../main/engine/backup/swap.js';
import { BackupError } from '../../../../main/engine/backup/errors.js';
import { DEFAULT_SCRYPT, LEGACY_SCRYPT, MAGIC, readHeader, type BackupSecret } from '../../../../main/engine/backup/envelope.js';
import { generateInstallationKey } from '../../../../main/engine/backup/recovery-key.js';
import { FIXTURE_ME, writeBaileysSession } from './session-fixture.js';

// The cheaper of the two accepted scrypt settings keeps the suite fast; one test below uses the real defaults.
const FAST = LEGACY_SCRYPT;
const PASS = 'correct horse battery staple';
const secret: BackupSecret = { passphrase: PASS, scrypt: FAST };
const INFO = { phoneId: 'phone-under-test_7', pairedAt: Date.UTC(2025, 5, 1), appVersion: '0.1.0' };
const NOW = Date.UTC(2026, 0, 1);
/** where a backup made at NOW for INFO's phone is stored */
const BIND = { phoneId: INFO.phoneId, createdAt: NOW };
const AT = { binding: BIND };

let root: string;
let session: string;
let backup: Buffer;
let n = 0;
const freshDir = (): string => join(root, `out-${n++}`);

function codeOf(err: unknown): string {
  assert.ok(err instanceof BackupError, `expected a BackupError, got ${String(err)}`);
  return err.kind;
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return codeOf(err);
  }
  assert.fail('expected the backup to be refused');
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sk-backup-'));
  session = join(root, 'session');
  await writeBaileysSession(session, 60);
  backup = (await sealBackup(await readSessionSnapshot(session), INFO, secret, NOW)).bytes;
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('backup archive', () => {
  test('a Baileys session restores into a new folder with byte-identical files and private permissions', async () => {
    const dest = freshDir();
    const result = await restoreBackup(backup, secret, dest, AT);
    assert.equal(result.me, FIXTURE_ME);
    assert.equal(result.metadata.phoneId, INFO.phoneId);
    assert.equal(result.metadata.pairedAt, INFO.pairedAt);
    assert.equal(result.metadata.createdAt, NOW);
    const original = (await readdir(session)).sort();
    assert.deepEqual((await readdir(dest)).sort(), original);
    assert.ok(original.length > 50 && original.includes('creds.json'));
    for (const name of original) {
      assert.deepEqual(await readFile(join(dest, name)), await readFile(join(session, name)), name);
      if (process.platform !== 'win32') assert.equal((await stat(join(dest, name))).mode & 0o777, 0o600, name);
    }
    if (process.platform !== 'win32') assert.equal((await stat(dest)).mode & 0o777, 0o700);
  });

  test('an installation key round-trips, and the backup is smaller than its files', async () => {
    const key: BackupSecret = { installationKey: generateInstallationKey() };
    const snap = await readSessionSnapshot(session);
    const sealed = await sealBackup(snap, INFO, key, NOW);
    const raw = snap.files.reduce((s, f) => s + f.bytes.length, 0);
    assert.ok(sealed.bytes.length < raw, `${sealed.bytes.length} < ${raw}`);
    const opened = await openBackup(sealed.bytes, key, BIND);
    assert.equal(opened.metadata.contentHash, snap.contentHash);
    assert.equal(readHeader(sealed.bytes).header.kdf.name, 'none');
  });

  test('the default scrypt parameters are written to the header and decrypt', async () => {
    const sealed = await sealBackup(await readSessionSnapshot(session), INFO, { passphrase: PASS }, NOW);
    assert.deepEqual(readHeader(sealed.bytes).header.kdf, { name: 'scrypt', ...DEFAULT_SCRYPT });
    const opened = await openBackup(sealed.bytes, { passphrase: PASS }, BIND);
    assert.equal(opened.metadata.phoneId, INFO.phoneId);
  });

  test('a wrong passphrase is reported as such and writes nothing to the destination', async () => {
    const dest = freshDir();
    const before = (await readdir(root)).sort();
    assert.equal(await refusal(restoreBackup(backup, { passphrase: 'Correct horse battery staple' }, dest, AT)), 'wrong-key');
    assert.deepEqual((await readdir(root)).sort(), before);
  });

  test('a wrong installation key, or a key where a passphrase is needed, is reported as a wrong key', async () => {
    const key = generateInstallationKey();
    const sealed = (await sealBackup(await readSessionSnapshot(session), INFO, { installationKey: key }, NOW)).bytes;
    assert.equal(await refusal(openBackup(sealed, { installationKey: generateInstallationKey() }, BIND)), 'wrong-key');
    assert.equal(await refusal(openBackup(sealed, { passphrase: PASS }, BIND)), 'wrong-key');
    assert.equal(await refusal(openBackup(backup, { installationKey: key }, BIND)), 'wrong-key');
  });

  test('a flipped byte in the magic, version, header, nonce, ciphertext or tag is refused', async () => {
    const { headerBytes } = readHeader(backup);
    const jsonText = headerBytes.subarray(MAGIC.length + 3).toString('utf8');
    const nonceAt = MAGIC.length + 3 + jsonText.indexOf('"nonce":"') + 10;
    const cases: [string, number, string[]][] = [
      ['magic', 0, ['not-a-backup']],
      ['version', MAGIC.length, ['unsupported-version']],
      ['header length', MAGIC.length + 2, ['damaged']],
      ['kdf name', MAGIC.length + 3 + jsonText.indexOf('scrypt'), ['damaged']],
      ['nonce', nonceAt, ['damaged']],
      ['first ciphertext byte', headerBytes.length, ['damaged']],
      ['middle ciphertext byte', Math.floor((headerBytes.length + backup.length) / 2), ['damaged']],
      ['first tag byte', backup.length - 16, ['damaged']],
      ['last tag byte', backup.length - 1, ['damaged']],
    ];
    for (const [where, offset, codes] of cases) {
      for (const mask of [0x01, 0x80]) {
        const bad = Buffer.from(backup);
        bad[offset] = bad[offset]! ^ mask;
        const code = await refusal(openBackup(bad, secret, BIND));
        assert.ok(codes.includes(code), `${where} ^ ${mask}: got ${code}`);
      }
    }
  });

  test('every single flipped byte across the whole file is refused', async () => {
    // Sampled stride keeps it fast while still touching every region of the file.
    const stride = Math.max(1, Math.floor(backup.length / 150));
    for (let offset = 0; offset < backup.length; offset += stride) {
      const bad = Buffer.from(backup);
      bad[offset] = bad[offset]! ^ 0x04;
      await assert.rejects(openBackup(bad, secret, BIND), BackupError, `offset ${offset}`);
    }
  });

  test('a truncated backup is refused as damaged, and an empty file is not a backup', async () => {
    for (const len of [3, MAGIC.length + 2, 40, readHeader(backup).headerBytes.length + 8, backup.length - 17, backup.length - 1]) {
      assert.equal(await refusal(openBackup(backup.subarray(0, len), secret, BIND)), 'damaged', `length ${len}`);
    }
    assert.equal(await refusal(openBackup(Buffer.alloc(0), secret, BIND)), 'not-a-backup');
    assert.equal(await refusal(openBackup(Buffer.from('{"creds":1}'), secret, BIND)), 'not-a-backup');
  });

  test('the clear-text header holds no passphrase, key, key material or phone identity', async () => {
    const key = generateInstallationKey();
    const byKey = (await sealBackup(await readSessionSnapshot(session), INFO, { installationKey: key }, NOW)).bytes;
    const creds = JSON.parse(await readFile(join(session, 'creds.json'), 'utf8')) as Record<string, { private?: { data: string } }>;
    const secrets: string[] = [
      PASS,
      key.toString('hex'),
      key.toString('base64'),
      creds.noiseKey!.private!.data,
      creds.signedIdentityKey!.private!.data,
      INFO.phoneId,
      FIXTURE_ME,
      FIXTURE_ME.split(':')[0]!,
    ];
    for (const file of [backup, byKey]) {
      const header = readHeader(file).headerBytes;
      const text = header.toString('latin1');
      for (const s of secrets) assert.ok(!text.includes(s), `header contains ${s.slice(0, 6)}…`);
      assert.equal(header.indexOf(key), -1, 'raw key bytes in header');
      assert.equal(header.indexOf(Buffer.from(creds.noiseKey!.private!.data, 'base64')), -1, 'raw noise key in header');
    }
  });

  test('the content hash is stable across reads and changes when a file changes or disappears', async () => {
    const a = await readSessionSnapshot(session);
    const b = await readSessionSnapshot(session);
    assert.equal(a.contentHash, b.contentHash);
    assert.match(a.contentHash, /^[0-9a-f]{64}$/);
    const copy = freshDir();
    await writeBaileysSession(copy, 0);
    const first = (await readSessionSnapshot(copy)).contentHash;
    await writeFile(join(copy, 'pre-key-1.json'), '{"x":1}');
    const second = (await readSessionSnapshot(copy)).contentHash;
    assert.notEqual(first, second);
    await writeFile(join(copy, 'pre-key-1.json'), '{"x":2}');
    const third = (await readSessionSnapshot(copy)).contentHash;
    assert.notEqual(second, third);
    await rm(join(copy, 'pre-key-1.json'));
    assert.equal((await readSessionSnapshot(copy)).contentHash, first);
  });

  test('a key file that stays invalid JSON makes the snapshot fail instead of backing up a torn file', async () => {
    const copy = freshDir();
    await writeBaileysSession(copy, 0);
    await writeFile(join(copy, 'session-1.json'), '{"half":');
    assert.equal(await refusal(readSessionSnapshot(copy)), 'source-unreadable');
  });

  test('restore refuses an existing destination and leaves it untouched', async () => {
    const dest = freshDir();
    await mkdir(dest);
    await writeFile(join(dest, 'keep.txt'), 'mine');
    assert.equal(await refusal(restoreBackup(backup, secret, dest, AT)), 'destination-exists');
    assert.deepEqual(await readdir(dest), ['keep.txt']);
  });

  test('restore refuses a backup of another phone', async () => {
    const dest = freshDir();
    // The phone id is bound into the authenticated data: another phone's file fails authentication.
    assert.equal(await refusal(restoreBackup(backup, secret, dest, { binding: { ...BIND, phoneId: 'other' } })), 'damaged');
    await assert.rejects(stat(dest));
  });

  test('an unpaired session (no `me`) restores nothing, because it could not log in', async () => {
    const unpaired = freshDir();
    await mkdir(unpaired);
    const creds = JSON.parse(await readFile(join(session, 'creds.json'), 'utf8')) as Record<string, unknown>;
    delete creds.me;
    await writeFile(join(unpaired, 'creds.json'), JSON.stringify(creds));
    const sealed = (await sealBackup(await readSessionSnapshot(unpaired), INFO, secret, NOW)).bytes;
    const dest = freshDir();
    const before = (await readdir(root)).sort();
    assert.equal(await refusal(restoreBackup(sealed, secret, dest, AT)), 'invalid-session');
    assert.deepEqual((await readdir(root)).sort(), before, 'no temp folder left behind');
  });

  test('swapping moves the live session to quarantine and puts the restored one in place', async () => {
    const live = freshDir();
    await writeBaileysSession(live, 4, '15559999999:1@s.whatsapp.net');
    const liveCreds = await readFile(join(live, 'creds.json'));
    const restored = freshDir();
    await restoreBackup(backup, secret, restored, AT);
    const { quarantinedTo } = await swapInRestoredSession({ live, restored, quarantineRoot: join(root, 'quarantine'), now: NOW });
    assert.ok(quarantinedTo);
    assert.deepEqual(await readFile(join(quarantinedTo, 'creds.json')), liveCreds);
    assert.deepEqual(await readFile(join(live, 'creds.json')), await readFile(join(session, 'creds.json')));
    await assert.rejects(stat(restored));
  });

  test('swapping into a phone with no live folder just renames the restored one', async () => {
    const live = freshDir();
    const restored = freshDir();
    await restoreBackup(backup, secret, restored, AT);
    const { quarantinedTo } = await swapInRestoredSession({ live, restored, quarantineRoot: join(root, 'quarantine'), now: NOW });
    assert.equal(quarantinedTo, null);
    assert.ok((await readdir(live)).includes('creds.json'));
  });
});
