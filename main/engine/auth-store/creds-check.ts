// Decides whether creds.json bytes are a usable identity. Pure: bytes in, verdict out.
// Anything short of "usable" must lead to quarantine, never to a fresh identity.
import type { AuthenticationCreds } from '@whiskeysockets/baileys';
import { deserialize } from './codec.js';

export type CredsProblem =
  | 'creds-empty' // 0 bytes: a crash between truncate and write (Baileys' writeFile)
  | 'creds-not-json' // truncated or garbage bytes
  | 'creds-incomplete' // parses, but a key pair or id the identity needs is missing
  | 'creds-unreadable'; // the OS refused the read (EACCES, EIO…)

export type CredsVerdict =
  | { ok: true; creds: AuthenticationCreds }
  | { ok: false; reason: CredsProblem; detail: string };

function isBytes(v: unknown, length?: number): boolean {
  return v instanceof Uint8Array && (length === undefined || v.length === length);
}

function isKeyPair(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const kp = v as { public?: unknown; private?: unknown };
  return isBytes(kp.public) && isBytes(kp.private, 32);
}

/** Fields without which the socket would either crash or silently act as a new device. */
const REQUIRED: ReadonlyArray<readonly [string, (v: unknown) => boolean]> = [
  ['noiseKey', isKeyPair],
  ['pairingEphemeralKeyPair', isKeyPair],
  ['signedIdentityKey', isKeyPair],
  [
    'signedPreKey',
    (v) => {
      if (typeof v !== 'object' || v === null) return false;
      const spk = v as { keyPair?: unknown; signature?: unknown; keyId?: unknown };
      return isKeyPair(spk.keyPair) && isBytes(spk.signature) && typeof spk.keyId === 'number';
    },
  ],
  ['registrationId', (v) => typeof v === 'number' && Number.isInteger(v)],
  ['advSecretKey', (v) => typeof v === 'string' && v.length > 0],
];

/** Names of required fields that are absent or malformed (empty when the creds are usable). */
export function missingCredsFields(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['(not an object)'];
  const rec = value as Record<string, unknown>;
  return REQUIRED.filter(([field, valid]) => !valid(rec[field])).map(([field]) => field);
}

export function checkCredsText(text: string): CredsVerdict {
  if (text.trim().length === 0) return { ok: false, reason: 'creds-empty', detail: `creds.json has ${text.length} bytes` };
  let parsed: unknown;
  try {
    parsed = deserialize(text);
  } catch {
    // Not the parser's message: V8 quotes a slice of the input, which is key material.
    return { ok: false, reason: 'creds-not-json', detail: `creds.json (${text.length} bytes) does not parse as JSON` };
  }
  const missing = missingCredsFields(parsed);
  if (missing.length > 0) {
    return { ok: false, reason: 'creds-incomplete', detail: `creds.json lacks ${missing.join(', ')}` };
  }
  return { ok: true, creds: parsed as AuthenticationCreds };
}

/**
 * The `me.id` of paired creds, or null. A linked device's id always names its device number
 * (`15551234567:3@s.whatsapp.net`); the bare number is the placeholder Baileys' requestPairingCode
 * writes before the phone has typed the code, and is not a link yet.
 */
export function pairedId(creds: Pick<AuthenticationCreds, 'me'>): string | null {
  const id = creds.me?.id;
  return typeof id === 'string' && /^[^:@]+:\d+@/.test(id) ? id : null;
}
