// Redaction for the event log: key material must never reach a log file or the window, however
// it was passed in (a creds object, a Buffer, base64 or JSON text).
import { createHash } from 'node:crypto';

/** Key names whose values are never logged, whatever they hold. */
const SECRET_KEY_PATTERNS: readonly RegExp[] = [
  /priv/i, // privKey, private, privateKey
  /secret/i, // advSecretKey, secret
  /noise/i, // noiseKey
  /identitykey/i, // signedIdentityKey, identityKey
  /creds/i,
  /^keys$/i, // the signal key store of an auth state
  /keypair/i, // signedPreKey.keyPair, pairingEphemeralKeyPair
  /passphrase/i,
  /passw(or)?d/i,
  /token/i,
  /pairingcode/i,
  /cookie/i,
  /authorization/i,
];

/** Buffers at most this long are shown (ids, flags); longer ones may be keys and are not. */
const MAX_SHOWN_BYTES = 16;
const MAX_DEPTH = 8;
const MAX_KEYS = 100;
const MAX_ITEMS = 100;
const MAX_STRING = 8_192;

/** A Baileys AuthenticationCreds object (initAuthCreds() output), however it got here. */
function looksLikeCreds(o: Record<string, unknown>): boolean {
  return ('noiseKey' in o && 'signedIdentityKey' in o) || ('signedPreKey' in o && 'advSecretKey' in o);
}

/** Creds serialised to a string (JSON.stringify with BufferJSON) are caught by their field names. */
const CREDS_IN_TEXT = /"(noiseKey|signedIdentityKey|advSecretKey|signedPreKey|pairingEphemeralKeyPair)"\s*:/;

function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERNS.some((re) => re.test(key));
}

function bytesText(bytes: Uint8Array): string {
  return bytes.length > MAX_SHOWN_BYTES
    ? `[redacted ${bytes.length} bytes]`
    : `[${bytes.length} bytes: ${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')}]`;
}

/** { type: 'Buffer', data } as produced by Buffer#toJSON (number[]) or Baileys' BufferJSON (base64). */
function jsonBufferLength(o: Record<string, unknown>): number | null {
  if (o.type !== 'Buffer' || Object.keys(o).length !== 2) return null;
  if (Array.isArray(o.data)) return o.data.length;
  if (typeof o.data === 'string') return Buffer.from(o.data, 'base64').length;
  return null;
}

const PLAIN_ID = /^[0-9A-Za-z]{1,64}$/;

/**
 * A message id as the log shows it. Ids of incoming messages are chosen by the sender: one that
 * is not a plain token (newlines, a forged log line, kilobytes) is logged as a short hash instead.
 */
export function loggableId(id: string): string {
  return PLAIN_ID.test(id) ? id : `#${createHash('sha256').update(id).digest('hex').slice(0, 12)}`;
}

/** A log message or string value: creds serialised into text are hidden, very long text is cut. */
export function redactLogText(s: string): string {
  if (CREDS_IN_TEXT.test(s)) return '[redacted: text containing auth creds]';
  return s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}… [${s.length - MAX_STRING} more chars]` : s;
}

function scrub(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
      return redactLogText(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (typeof value !== 'object') return undefined;
  if (value instanceof Uint8Array) return bytesText(value);
  if (ArrayBuffer.isView(value)) return bytesText(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  if (value instanceof ArrayBuffer) return bytesText(new Uint8Array(value));
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      // A long run of byte values is most likely a key copied out of a Buffer (Array.from(key)).
      if (value.length > MAX_SHOWN_BYTES && value.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
        return `[redacted ${value.length}-byte array]`;
      }
      const out = value.slice(0, MAX_ITEMS).map((v) => scrub(v, depth + 1, seen) ?? null);
      if (value.length > MAX_ITEMS) out.push(`[${value.length - MAX_ITEMS} more items]`);
      return out;
    }
    if (value instanceof Map) return scrubObject(Object.fromEntries(value), depth, seen);
    if (value instanceof Set) return scrub([...value], depth, seen);
    if (value instanceof Error) {
      // Own enumerable props carry Boom's output/data; name/message/stack are not enumerable.
      const base: Record<string, unknown> = { name: value.name, message: value.message };
      if (value.stack) base.stack = value.stack;
      return scrubObject({ ...base, ...(value as unknown as Record<string, unknown>) }, depth, seen);
    }
    return scrubObject(value as Record<string, unknown>, depth, seen);
  } finally {
    seen.delete(value);
  }
}

function scrubObject(o: Record<string, unknown>, depth: number, seen: WeakSet<object>): unknown {
  if (looksLikeCreds(o)) return '[redacted auth creds]';
  const len = jsonBufferLength(o);
  if (len !== null) return len > MAX_SHOWN_BYTES ? `[redacted ${len} bytes]` : scrub(o.data, depth + 1, seen);
  const out: Record<string, unknown> = {};
  const keys = Object.keys(o);
  for (const key of keys.slice(0, MAX_KEYS)) {
    if (isSecretKey(key)) {
      out[key] = '[redacted]';
      continue;
    }
    let v: unknown;
    try {
      v = o[key];
    } catch {
      v = '[unreadable]'; // throwing getters must not break logging
    }
    const s = scrub(v, depth + 1, seen);
    if (s !== undefined) out[key] = s;
  }
  if (keys.length > MAX_KEYS) out['…'] = `${keys.length - MAX_KEYS} more keys`;
  return out;
}

/**
 * A JSON-safe copy of `data` with secrets removed: values under secret-looking keys, whole
 * creds objects, creds serialised into strings, and byte arrays longer than 16 bytes.
 */
export function redactLogData(data: Record<string, unknown>): Record<string, unknown> {
  const out = scrub(data, 0, new WeakSet());
  return typeof out === 'object' && out !== null && !Array.isArray(out) ? (out as Record<string, unknown>) : { value: out };
}
