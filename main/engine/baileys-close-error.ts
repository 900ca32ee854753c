// Baileys' close errors (lastDisconnect.error, a Boom) read into plain data for the disconnect
// table in ./disconnect-policy.ts.
//
// Where the codes come from (Baileys 7.0.0-rc14, lib/Socket/socket.js):
//   CB:stream:error → Boom(statusCode from the node's `code` attr, else 440 for <conflict>, else 500;
//                          data = the reason child, e.g. <conflict type="device_removed"/>)
//   CB:failure      → Boom('Connection Failure', statusCode = attrs.reason, data = node attrs)
//   pair-device     → Boom('QR refs attempts ended', 408) when every QR ref was shown unscanned
//   ws close / xmlstreamend → 428, keep-alive miss → 408, logout() → 401 'Intentional Logout'
import type { DisconnectInput } from './disconnect-policy.js';

/** Loose view of a Boom, so this file needs no import from Baileys or @hapi/boom. */
interface BoomLike {
  message?: unknown;
  output?: { statusCode?: unknown };
  data?: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Finds <conflict type="…"/> whether `data` is the reason child (rc14) or the whole stream:error node (older). */
function conflictType(data: unknown): string | undefined {
  if (!isRecord(data)) return undefined;
  const attrs = isRecord(data.attrs) ? data.attrs : undefined;
  if (data.tag === 'conflict') return typeof attrs?.type === 'string' ? attrs.type : 'conflict';
  if (data.tag === 'stream:error' && Array.isArray(data.content)) {
    for (const child of data.content) {
      const found = conflictType(child);
      if (found) return found;
    }
  }
  return undefined;
}

/** Threshold between "epoch seconds" and "seconds from now" for the 402 `expire` attribute. */
const EPOCH_SECONDS_FLOOR = 1_000_000_000; // 2001-09-09: no ban lasts 31 years

/**
 * Turns `lastDisconnect.error` from connection.update into plain data. `now` is needed only to
 * read a 402 `expire` attribute given as seconds-from-now (whatsmeow reads it as a duration;
 * an absolute epoch-seconds value is accepted too).
 */
export function disconnectInputFromError(error: unknown, now: number): DisconnectInput {
  if (error === undefined || error === null) {
    return { code: null, reason: 'connection closed without an error' };
  }
  const boom: BoomLike = isRecord(error) ? error : {};
  const rawCode = boom.output?.statusCode;
  const code = typeof rawCode === 'number' && Number.isFinite(rawCode) ? rawCode : null;
  const reason =
    typeof boom.message === 'string' && boom.message !== ''
      ? boom.message
      : typeof error === 'string'
        ? error
        : 'unknown error';
  const input: DisconnectInput = { code, reason };

  const conflict = conflictType(boom.data);
  if (conflict) input.conflict = conflict;

  // CB:failure puts the node's attrs in data: { reason: '402', expire: '…' }.
  if (isRecord(boom.data) && !('tag' in boom.data)) {
    const expire = Number(boom.data.expire);
    if (Number.isFinite(expire) && expire > 0) {
      input.expiresAt = expire >= EPOCH_SECONDS_FLOOR ? expire * 1000 : now + expire * 1000;
    }
  }
  return input;
}
