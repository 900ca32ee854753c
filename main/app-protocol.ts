// `app://session-keeper/…` serves dist/renderer with the CSP as a real response header (a meta
// tag can be dropped by the page; a header cannot). Paths that climb out of the folder are
// refused. resolveAppRequest is pure; setupAppProtocol does the I/O.
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { Protocol } from 'electron';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './window.js';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

export type AppRequest = { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 403 | 404; reason: string };

export function resolveAppRequest(rootDir: string, requestUrl: string): AppRequest {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400, reason: 'bad URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { ok: false, status: 403, reason: 'foreign host' };
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'bad escape' };
  }
  // decoded "..", "\" and NUL could climb out or confuse the file system: refused outright
  if (path.includes('\0') || path.includes('\\') || path.split('/').includes('..')) return { ok: false, status: 403, reason: 'path traversal' };
  if (path === '/' || path === '') path = '/index.html';
  const root = resolve(rootDir);
  const file = resolve(root, `.${path}`);
  if (!file.startsWith(root + sep)) return { ok: false, status: 403, reason: 'outside the app folder' };
  const contentType = MIME[extname(file).toLowerCase()];
  if (!contentType) return { ok: false, status: 404, reason: 'unknown file type' };
  return { ok: true, file, contentType };
}

/** The response headers for every file we serve. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
  };
}

/** Must run before app 'ready': our scheme behaves like https (origin, secure context, fetch). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function setupAppProtocol(protocol: Pick<Protocol, 'handle'>, rootDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const r = resolveAppRequest(rootDir, request.url);
    if (!r.ok) return new Response(r.reason, { status: r.status, headers: { 'content-type': 'text/plain' } });
    try {
      return new Response(await readFile(r.file), { status: 200, headers: appResponseHeaders(r.contentType) });
    } catch {
      return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    }
  });
}
