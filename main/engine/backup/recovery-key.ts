// The installation key and its person-readable form. Crockford base32 because it survives
// being read aloud or copied by hand (no I/L/O/U; 0/1 lookalikes are accepted on parse),
// plus a 3-byte checksum so a typo is reported as a typo, not as "wrong key".
import { createHash, randomBytes } from 'node:crypto';
import { BackupError } from './errors.js';

export const INSTALLATION_KEY_BYTES = 32;
const CHECK_BYTES = 3;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUP = 4;

export function generateInstallationKey(): Buffer {
  return randomBytes(INSTALLATION_KEY_BYTES);
}

function checksum(key: Uint8Array): Buffer {
  return createHash('sha256').update('session-keeper recovery key').update(key).digest().subarray(0, CHECK_BYTES);
}

function encodeBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

function decodeChar(c: string): number {
  const normal = c === 'O' ? '0' : c === 'I' || c === 'L' ? '1' : c;
  return ALPHABET.indexOf(normal);
}

/** `XXXX-XXXX-…` (14 groups of 4) for a 32-byte key. */
export function formatRecoveryKey(key: Uint8Array): string {
  if (key.length !== INSTALLATION_KEY_BYTES) throw new RangeError(`an installation key is ${INSTALLATION_KEY_BYTES} bytes`);
  const text = encodeBase32(Buffer.concat([key, checksum(key)]));
  const groups: string[] = [];
  for (let i = 0; i < text.length; i += GROUP) groups.push(text.slice(i, i + GROUP));
  return groups.join('-');
}

/** Accepts any case, spaces or dashes; throws BackupError('bad-recovery-key') on typos. */
export function parseRecoveryKey(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s-]/g, '');
  const expectedChars = Math.ceil(((INSTALLATION_KEY_BYTES + CHECK_BYTES) * 8) / 5);
  if (clean.length !== expectedChars) {
    throw new BackupError('bad-recovery-key', `a recovery key has ${expectedChars} characters; this one has ${clean.length}`);
  }
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const c of clean) {
    const v = decodeChar(c);
    if (v < 0) throw new BackupError('bad-recovery-key', `"${c}" cannot appear in a recovery key`);
    buffer = (buffer << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
      buffer &= (1 << bits) - 1;
    }
  }
  const all = Buffer.from(bytes.slice(0, INSTALLATION_KEY_BYTES + CHECK_BYTES));
  const key = all.subarray(0, INSTALLATION_KEY_BYTES);
  if (!checksum(key).equals(all.subarray(INSTALLATION_KEY_BYTES))) {
    throw new BackupError('bad-recovery-key', 'this recovery key has a typo (its checksum does not match)');
  }
  return Buffer.from(key);
}
