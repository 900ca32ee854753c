// Stanzas the test server uses to end a session, as the real server sends them, and the
// Baileys DisconnectReason each one maps to (see getErrorCodeFromStreamError / CB:failure).
import type { BinaryNode } from '@whiskeysockets/baileys';

/** `failure` reasons: 401 logged out, 402 banned temporarily (carries expiry), 403 banned, 405/406 client issues. */
export type FailureReason = 401 | 402 | 403 | 405 | 406 | 411 | 500;

export type StreamFault = 'replaced' | 'device_removed' | 500 | 503 | 515;

export type Fault =
  | { kind: 'failure'; reason: FailureReason; attrs?: Record<string, string> }
  | { kind: 'stream-error'; fault: StreamFault };

export function failureNode(reason: FailureReason, attrs: Record<string, string> = {}, nowSeconds = 0): BinaryNode {
  const extra: Record<string, string> = reason === 402 && attrs.expiry === undefined
    ? { expiry: String(nowSeconds + 24 * 3600) }
    : {};
  return { tag: 'failure', attrs: { reason: String(reason), location: 'test', ...extra, ...attrs } };
}

export function streamErrorNode(fault: StreamFault): BinaryNode {
  switch (fault) {
    case 'replaced': // no code attr: Baileys maps the <conflict> child to 440
      return { tag: 'stream:error', attrs: {}, content: [{ tag: 'conflict', attrs: { type: 'replaced' } }] };
    case 'device_removed':
      return { tag: 'stream:error', attrs: { code: '401' }, content: [{ tag: 'conflict', attrs: { type: 'device_removed' } }] };
    default:
      return { tag: 'stream:error', attrs: { code: String(fault) } };
  }
}

export function faultNode(fault: Fault, nowSeconds: number): BinaryNode {
  return fault.kind === 'failure' ? failureNode(fault.reason, fault.attrs, nowSeconds) : streamErrorNode(fault.fault);
}
