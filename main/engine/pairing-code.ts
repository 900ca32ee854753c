// Linking by phone number instead of a QR: what the person types is checked here, and how long
// a code can be used. Pure, so the rules are tested without a socket.
import { KeeperError } from './errors.js';

import type { PairingCode } from './types.js';

export type { PairingCode };

/**
 * How long a registration socket lives: Baileys shows 6 QR refs (60 s, then 20 s each) and the
 * server then closes it; a code is tied to that socket. whatsmeow's PairPhone documents the same
 * 160 s limit ("the exact expiry of pairing codes is unknown").
 */
export const PAIRING_WINDOW_MS = 160_000;

/** E.164 allows at most 15 digits; no country code plus subscriber number is shorter than 8. */
const MIN_DIGITS = 8;
const MAX_DIGITS = 15;

/**
 * The phone number to link, as the digits Baileys wants: country code first, no `+`. Spaces,
 * dashes, dots and brackets are what people type and are dropped; it must start with `+` or
 * the international prefix `00`. Anything else is refused with a sentence saying what is wrong.
 */
export function parsePairingNumber(input: string): string {
  const compact = input.trim().replace(/[\s\-.()]/g, '');
  const digits = compact.startsWith('+') ? compact.slice(1) : compact.startsWith('00') ? compact.slice(2) : compact;
  if (compact.length === 0) {
    throw new KeeperError('invalid-input', 'Enter the phone number of the WhatsApp account to link, with its country code, e.g. +44 7700 900123.');
  }
  if (!/^\d+$/.test(digits)) {
    throw new KeeperError('invalid-input', `"${input.trim()}" is not a phone number: use digits only, starting with the country code, e.g. +44 7700 900123.`);
  }
  // without + or 00 the country code cannot be told from a local number: '7700 900123' would
  // silently become +77 (Kazakhstan) and WhatsApp would prompt a stranger's phone
  if (!compact.startsWith('+') && !compact.startsWith('00')) {
    throw new KeeperError('invalid-input', `"${input.trim()}" has no country code: start with + and the country code (e.g. +44 for the UK, +1 for the US).`);
  }
  if (digits.startsWith('0')) {
    throw new KeeperError('invalid-input', `"${input.trim()}" has no country code: start with + and the country code (e.g. +44 for the UK, +1 for the US), not with a trunk 0.`);
  }
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) {
    throw new KeeperError('invalid-input', `"${input.trim()}" has ${digits.length} digits; a number with its country code has ${MIN_DIGITS} to ${MAX_DIGITS}.`);
  }
  return digits;
}

/** The last digits only: enough to recognise the number in a log, not enough to spread it. */
export function maskedNumber(digits: string): string {
  return `…${digits.slice(-4)}`;
}

/**
 * Baileys' requestPairingCode writes a placeholder `me` (the bare number, name "~") before the
 * phone has linked anything. A socket started with it would try to log in as that number and be
 * refused, so a registration starts without it. True when something was dropped.
 */
export function dropUnfinishedCodeLink(creds: { me?: { id: string } | undefined; pairingCode?: string | undefined }, paired: boolean): boolean {
  if (paired || (creds.me === undefined && creds.pairingCode === undefined)) return false;
  delete creds.me;
  delete creds.pairingCode;
  return true;
}

/** A new code at most this often per phone: each one is a registration at WhatsApp for that number. */
export const PAIRING_CODE_GAP_MS = 60_000;
/** …and at most this many in any rolling hour: a page or API caller must not spam someone's phone. */
export const PAIRING_CODES_PER_HOUR = 5;
const HOUR_MS = 60 * 60_000;

/** The code on screen and the number it was asked for. */
export interface LiveCode {
  digits: string;
  code: PairingCode;
}

export type PairingCodeDecision = { kind: 'reuse'; code: PairingCode } | { kind: 'new' } | { kind: 'wait'; untilMs: number; reason: string };

/**
 * Whether a request for a code gets the one already on screen, a new one, or must wait. `issued`
 * are the times earlier codes were asked for (any order). Pure; the caller owns the clock.
 */
export function decidePairingCode(input: { digits: string; now: number; live: LiveCode | null; issued: readonly number[] }): PairingCodeDecision {
  const { digits, now, live } = input;
  // at most one live code per phone: the same number gets the same code while it lasts
  if (live && live.digits === digits && now < live.code.expiresAt) return { kind: 'reuse', code: live.code };
  const recent = input.issued.filter((t) => t > now - HOUR_MS).sort((a, b) => a - b);
  const last = recent.at(-1);
  if (last !== undefined && now < last + PAIRING_CODE_GAP_MS) {
    return { kind: 'wait', untilMs: last + PAIRING_CODE_GAP_MS, reason: `A pairing code was asked for less than a minute ago; ask again in ${Math.ceil((last + PAIRING_CODE_GAP_MS - now) / 1000)} s.` };
  }
  if (recent.length >= PAIRING_CODES_PER_HOUR) {
    const until = (recent[recent.length - PAIRING_CODES_PER_HOUR] ?? now) + HOUR_MS;
    return { kind: 'wait', untilMs: until, reason: `${PAIRING_CODES_PER_HOUR} pairing codes were asked for in the last hour; ask again in ${Math.ceil((until - now) / 60_000)} min.` };
  }
  return { kind: 'new' };
}
