// The checks every request passes before a route sees it, as pure functions: the Host must name
// this machine (a web page that rebinds its DNS name to 127.0.0.1 still sends its own name), and
// the bearer token must match, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

/** True for `localhost`, `127.x.x.x` and `[::1]`, with or without a port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const h = host.trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.replace(/:\d+$/, '');
  if (name === 'localhost' || name === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) && name.split('.').every((p) => Number(p) <= 255);
}

/** True for an address the server may bind to without reaching other machines. */
export function isLoopbackAddress(address: string): boolean {
  return address === 'localhost' || address === '::1' || isLoopbackHost(address);
}

/**
 * Whether an `Authorization` header carries `Bearer <token>`. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or the first wrong character.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header || token === '') return false;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  const given = createHash('sha256').update(m?.[1] ?? '').digest();
  const want = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, want) && m !== null;
}
