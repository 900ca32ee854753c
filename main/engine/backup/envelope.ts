// The encrypted envelope around a container. Layout:
//   "SKBACKUP" | u8 formatVersion | u16 headerLen | header JSON | ciphertext | 16-byte GCM tag
// Everything before the ciphertext is the clear-text header and is fed to GCM as AAD, so a
// changed header byte fails authentication. The header holds only public parameters: KDF
// settings, salt, nonce and a key check (an HKDF output, which reveals no more than the tag).
// Format 2 also feeds the phone id and creation time (from where the file is stored: its folder
// and generation name) into the AAD without writing them in clear, so a generation re-uploaded
// under another phone or a later name fails authentication. Format 1 files still open.
// A backup is hostile input until its tag verifies: only the scrypt parameters seal writes are
// accepted, so a forged header cannot make us spend minutes of CPU or gigabytes of memory.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants as zconst } from 'node:zlib';
import { BackupError } from './errors.js';
import { INSTALLATION_KEY_BYTES } from './recovery-key.js';

export const MAGIC = Buffer.from('SKBACKUP', 'ascii');
/** written by seal */
export const FORMAT_VERSION = 2;
/** format 1: no phone/time binding in the AAD */
const READABLE_VERSIONS: readonly number[] = [1, 2];
const TAG_BYTES = 16;
const NONCE_BYTES = 12;
const SALT_BYTES = 16;
const CHECK_BYTES = 16;
const MAX_HEADER_JSON = 1024;
/** A session is a few MB; refuse to inflate past this even from an authenticated file. */
export const MAX_PLAINTEXT = 128 * 1024 * 1024;

export interface ScryptParams {
  /** N = 2^logN */
  logN: number;
  r: number;
  p: number;
}

/** 2^17 (common guidance's floor), 128 MiB, ~0.4 s on a desktop: once per backup, once per restore. */
export const DEFAULT_SCRYPT: ScryptParams = { logN: 17, r: 8, p: 1 };
/** what the app wrote before: still opened, never written by default */
export const LEGACY_SCRYPT: ScryptParams = { logN: 15, r: 8, p: 1 };

/**
 * The only parameters accepted, read or written: a header is parsed BEFORE it is authenticated,
 * so anything else (a forged logN 20, r 32, p 16 costs minutes and GiBs) is refused outright.
 */
export const ALLOWED_SCRYPT: readonly ScryptParams[] = [DEFAULT_SCRYPT, LEGACY_SCRYPT];
/** 128·N·r for the largest allowed set, plus slack: Node refuses to go past it whatever the file says */
const SCRYPT_MAXMEM = 128 * 2 ** 17 * 8 + 16 * 1024 * 1024;

/** Which phone and moment a generation is stored as; fed to the AAD from format 2 on. */
export interface BackupBinding {
  phoneId: string;
  /** ms since epoch: the time in the generation's name */
  createdAt: number;
}

export type BackupSecret =
  | { passphrase: string; scrypt?: ScryptParams }
  | { installationKey: Uint8Array };

export type KdfHeader = ({ name: 'scrypt' } & ScryptParams) | { name: 'none' };

export interface EnvelopeHeader {
  cipher: 'aes-256-gcm';
  compression: 'brotli';
  kdf: KdfHeader;
  salt: string;
  nonce: string;
  keyCheck: string;
}

const brotliCompressAsync = promisify(brotliCompress);
const brotliDecompressAsync = promisify(brotliDecompress);

function scryptAsync(passphrase: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
  const N = 2 ** p.logN;
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, 32, { N, r: p.r, p: p.p, maxmem: SCRYPT_MAXMEM }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

function checkScryptParams(p: ScryptParams): boolean {
  return ALLOWED_SCRYPT.some((a) => a.logN === p.logN && a.r === p.r && a.p === p.p);
}

async function deriveKeys(secret: BackupSecret, kdf: KdfHeader, salt: Buffer): Promise<{ enc: Buffer; check: Buffer }> {
  let master: Buffer;
  if (kdf.name === 'scrypt') {
    if (!('passphrase' in secret)) throw new BackupError('wrong-key', 'this backup is protected by a passphrase, not an installation key');
    master = await scryptAsync(secret.passphrase, salt, kdf);
  } else {
    if (!('installationKey' in secret)) throw new BackupError('wrong-key', 'this backup is protected by an installation (recovery) key, not a passphrase');
    master = Buffer.from(secret.installationKey);
  }
  // Separate subkeys so the public key check can never be turned into the encryption key.
  const enc = Buffer.from(hkdfSync('sha256', master, salt, 'session-keeper backup v1 enc', 32));
  const check = Buffer.from(hkdfSync('sha256', master, salt, 'session-keeper backup v1 check', CHECK_BYTES));
  master.fill(0);
  return { enc, check };
}

/** The associated data: the header, then (format 2) the binding, length-prefixed so fields cannot slide. */
function associatedData(version: number, headerBytes: Buffer, binding: BackupBinding): Buffer {
  if (version === 1) return headerBytes;
  const phone = Buffer.from(binding.phoneId, 'utf8');
  const fixed = Buffer.alloc(2 + 8);
  fixed.writeUInt16BE(phone.length, 0);
  fixed.writeBigUInt64BE(BigInt(binding.createdAt), 2);
  return Buffer.concat([headerBytes, fixed.subarray(0, 2), phone, fixed.subarray(2)]);
}

function checkBinding(b: BackupBinding): void {
  if (!Number.isSafeInteger(b.createdAt) || b.createdAt < 0 || b.phoneId.length === 0) throw new RangeError('a backup binding needs a phone id and a time');
}

function encodeHeader(h: EnvelopeHeader): Buffer {
  const json = Buffer.from(JSON.stringify(h));
  const fixed = Buffer.alloc(MAGIC.length + 3);
  MAGIC.copy(fixed);
  fixed.writeUInt8(FORMAT_VERSION, MAGIC.length);
  fixed.writeUInt16BE(json.length, MAGIC.length + 1);
  return Buffer.concat([fixed, json]);
}

function b64(bytes: number, s: unknown): Buffer | null {
  if (typeof s !== 'string') return null;
  const buf = Buffer.from(s, 'base64');
  return buf.length === bytes && buf.toString('base64') === s ? buf : null;
}

/** Parses and bounds-checks the clear-text header. Nothing here is trusted until the tag verifies. */
export function readHeader(file: Buffer): { version: number; header: EnvelopeHeader; headerBytes: Buffer; salt: Buffer; nonce: Buffer; keyCheck: Buffer } {
  const fixedLen = MAGIC.length + 3;
  const prefix = file.subarray(0, MAGIC.length);
  if (!prefix.equals(MAGIC.subarray(0, prefix.length)) || prefix.length === 0) {
    throw new BackupError('not-a-backup', 'this file is not a Session Keeper backup');
  }
  if (file.length < fixedLen) throw new BackupError('damaged', 'the backup is damaged (cut off inside its header)');
  const version = file.readUInt8(MAGIC.length);
  if (!READABLE_VERSIONS.includes(version)) {
    throw new BackupError('unsupported-version', `this backup uses format ${version}; this app reads formats ${READABLE_VERSIONS.join(' and ')} (update the app?)`);
  }
  const jsonLen = file.readUInt16BE(MAGIC.length + 1);
  if (jsonLen > MAX_HEADER_JSON) throw new BackupError('damaged', 'the backup is damaged (header length is implausible)');
  const headerEnd = fixedLen + jsonLen;
  if (file.length < headerEnd + TAG_BYTES) throw new BackupError('damaged', 'the backup is damaged (file is cut off)');
  const damaged = (): never => {
    throw new BackupError('damaged', 'the backup is damaged or was tampered with (unreadable header)');
  };
  let raw: unknown;
  try {
    raw = JSON.parse(file.subarray(fixedLen, headerEnd).toString('utf8'));
  } catch {
    damaged();
  }
  if (typeof raw !== 'object' || raw === null) return damaged();
  const h = raw as Record<string, unknown>;
  const kdfRaw = h.kdf as Record<string, unknown> | undefined;
  if (h.cipher !== 'aes-256-gcm' || h.compression !== 'brotli' || typeof kdfRaw !== 'object' || kdfRaw === null) damaged();
  let kdf: KdfHeader;
  if (kdfRaw?.name === 'scrypt') {
    const p = { logN: kdfRaw.logN, r: kdfRaw.r, p: kdfRaw.p } as ScryptParams;
    if (!checkScryptParams(p)) {
      throw new BackupError('unsupported-version', `this backup asks for scrypt parameters this app never writes (logN ${String(p.logN)}, r ${String(p.r)}, p ${String(p.p)}); refused unread`);
    }
    kdf = { name: 'scrypt', ...p };
  } else if (kdfRaw?.name === 'none') {
    kdf = { name: 'none' };
  } else {
    return damaged();
  }
  const salt = b64(SALT_BYTES, h.salt);
  const nonce = b64(NONCE_BYTES, h.nonce);
  const keyCheck = b64(CHECK_BYTES, h.keyCheck);
  if (!salt || !nonce || !keyCheck) return damaged();
  const header: EnvelopeHeader = {
    cipher: 'aes-256-gcm',
    compression: 'brotli',
    kdf,
    salt: h.salt as string,
    nonce: h.nonce as string,
    keyCheck: h.keyCheck as string,
  };
  return { version, header, headerBytes: file.subarray(0, headerEnd), salt, nonce, keyCheck };
}

export async function seal(plaintext: Buffer, secret: BackupSecret, binding: BackupBinding): Promise<Buffer> {
  checkBinding(binding);
  let kdf: KdfHeader;
  if ('passphrase' in secret) {
    if (secret.passphrase.length === 0) throw new RangeError('an empty passphrase protects nothing');
    const p = secret.scrypt ?? DEFAULT_SCRYPT;
    if (!checkScryptParams(p)) throw new RangeError('scrypt parameters are out of bounds');
    kdf = { name: 'scrypt', ...p };
  } else {
    if (secret.installationKey.length !== INSTALLATION_KEY_BYTES) throw new RangeError(`an installation key is ${INSTALLATION_KEY_BYTES} bytes`);
    kdf = { name: 'none' };
  }
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const { enc, check } = await deriveKeys(secret, kdf, salt);
  const headerBytes = encodeHeader({
    cipher: 'aes-256-gcm',
    compression: 'brotli',
    kdf,
    salt: salt.toString('base64'),
    nonce: nonce.toString('base64'),
    keyCheck: check.toString('base64'),
  });
  // Quality 5 with a large window: cross-file redundancy (thousands of near-identical key
  // files) matters more than the last few percent, and q11 is ~30× slower.
  const compressed = await brotliCompressAsync(plaintext, {
    params: {
      [zconst.BROTLI_PARAM_QUALITY]: 5,
      [zconst.BROTLI_PARAM_LGWIN]: 24,
      [zconst.BROTLI_PARAM_SIZE_HINT]: plaintext.length,
    },
  });
  const cipher = createCipheriv('aes-256-gcm', enc, nonce);
  cipher.setAAD(associatedData(FORMAT_VERSION, headerBytes, binding));
  const body = Buffer.concat([cipher.update(compressed), cipher.final()]);
  const tag = cipher.getAuthTag();
  enc.fill(0);
  return Buffer.concat([headerBytes, body, tag]);
}

/** True when this secret's key check matches: the secret opens the file (the tag is not checked here). */
export async function secretOpens(file: Buffer, secret: BackupSecret): Promise<boolean> {
  const { header, salt, keyCheck } = readHeader(file);
  let keys;
  try {
    keys = await deriveKeys(secret, header.kdf, salt);
  } catch (err) {
    if (err instanceof BackupError && err.kind === 'wrong-key') return false;
    throw err;
  }
  keys.enc.fill(0);
  return timingSafeEqual(keys.check, keyCheck);
}

/** Decrypts a file stored as `binding` (its phone folder and generation name). */
export async function open(file: Buffer, secret: BackupSecret, binding: BackupBinding): Promise<Buffer> {
  checkBinding(binding);
  const { version, header, headerBytes, salt, nonce, keyCheck } = readHeader(file);
  const { enc, check } = await deriveKeys(secret, header.kdf, salt);
  if (!timingSafeEqual(check, keyCheck)) {
    enc.fill(0);
    throw new BackupError(
      'wrong-key',
      'passphrase' in secret ? 'wrong passphrase for this backup' : 'wrong installation (recovery) key for this backup',
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', enc, nonce);
  decipher.setAAD(associatedData(version, headerBytes, binding));
  decipher.setAuthTag(file.subarray(file.length - TAG_BYTES));
  let compressed: Buffer;
  try {
    compressed = Buffer.concat([decipher.update(file.subarray(headerBytes.length, file.length - TAG_BYTES)), decipher.final()]);
  } catch (cause) {
    throw new BackupError('damaged', 'the backup is damaged, was tampered with, or was stored under another phone or time than it was made for (authentication failed)', { cause });
  } finally {
    enc.fill(0);
  }
  try {
    return await brotliDecompressAsync(compressed, { maxOutputLength: MAX_PLAINTEXT });
  } catch (cause) {
    throw new BackupError('damaged', 'the backup is damaged (it authenticated but does not decompress)', { cause });
  }
}
