// A restored folder is only worth swapping in if Baileys could log in with it: creds.json
// must revive (BufferJSON) to an object with an account (`me`) and the two long-term keys.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BufferJSON } from '@whiskeysockets/baileys';
import { BackupError } from './errors.js';

function isKeyPair(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const kp = v as Record<string, unknown>;
  return Buffer.isBuffer(kp.public) && Buffer.isBuffer(kp.private) && kp.private.length === 32;
}

/** Checks creds.json bytes; returns the linked account id (e.g. `1555…:3@s.whatsapp.net`). */
export function verifyCredsJson(bytes: Buffer): string {
  const bad = (why: string): never => {
    throw new BackupError('invalid-session', `the restored session is not usable: ${why}`);
  };
  let creds: unknown;
  try {
    creds = JSON.parse(bytes.toString('utf8'), BufferJSON.reviver);
  } catch {
    bad('creds.json is not valid JSON');
  }
  if (typeof creds !== 'object' || creds === null) return bad('creds.json is not an object');
  const c = creds as Record<string, unknown>;
  const me = c.me as Record<string, unknown> | undefined;
  if (typeof me !== 'object' || me === null || typeof me.id !== 'string' || me.id.length === 0) bad('creds.json has no paired account (me)');
  if (!isKeyPair(c.noiseKey)) bad('creds.json has no noiseKey');
  const sik = c.signedIdentityKey;
  if (!isKeyPair(sik)) bad('creds.json has no signedIdentityKey');
  return (me as { id: string }).id;
}

export async function verifySessionFolder(folder: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(folder, 'creds.json'));
  } catch (cause) {
    throw new BackupError('invalid-session', 'the restored session has no readable creds.json', { cause });
  }
  return verifyCredsJson(bytes);
}
