import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Session } from 'electron';
import {
  APP_ORIGIN,
  APP_START_URL,
  CONTENT_SECURITY_POLICY,
  isAppUrl,
  isNavigationAllowed,
  isPermissionAllowed,
  metaContentSecurityPolicy,
  restrictPermissions,
  windowWebPreferences,
  type Permission,
  type PermissionAsker,
} from '../../main/window.js';
import { appResponseHeaders, resolveAppRequest } from '../../main/app-protocol.js';

test('the window is sandboxed, isolated, without Node, with our preload; devtools only unpackaged', () => {
  const p = windowWebPreferences({ preloadPath: '/app/dist/preload/index.cjs', isPackaged: true });
  assert.equal(p.contextIsolation, true);
  assert.equal(p.sandbox, true);
  assert.equal(p.nodeIntegration, false);
  assert.equal(p.webSecurity, true);
  assert.equal(p.webviewTag, false);
  assert.equal(p.preload, '/app/dist/preload/index.cjs');
  assert.equal(p.devTools, false);
  assert.equal(windowWebPreferences({ preloadPath: 'x', isPackaged: false }).devTools, true);
});

test('the window never turns on insecure content, experimental features or extra Blink features (Electron checklist 8-10)', () => {
  const p = windowWebPreferences({ preloadPath: 'x', isPackaged: true });
  assert.equal(p.allowRunningInsecureContent, false);
  assert.equal(p.nodeIntegrationInWorker, false);
  assert.equal(p.nodeIntegrationInSubFrames, false);
  assert.equal(p.experimentalFeatures, undefined, 'Electron default: off');
  assert.equal(p.enableBlinkFeatures, undefined, 'Electron default: none');
});

test('the CSP allows only our own scripts and styles, data: images, and no network', () => {
  const d = new Map(CONTENT_SECURITY_POLICY.split('; ').map((x) => [x.split(' ')[0], x.split(' ').slice(1).join(' ')]));
  assert.equal(d.get('default-src'), "'none'");
  assert.equal(d.get('script-src'), "'self'");
  assert.equal(d.get('style-src'), "'self'");
  assert.equal(d.get('img-src'), "'self' data:");
  assert.equal(d.get('connect-src'), "'none'");
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|\*|https?:/);
  assert.equal(appResponseHeaders('text/html')['content-security-policy'], CONTENT_SECURITY_POLICY);
});

test('only app://session-keeper is our origin; navigation is always refused', () => {
  assert.equal(APP_START_URL, `${APP_ORIGIN}/index.html`);
  assert.equal(isAppUrl('app://session-keeper/index.html'), true);
  for (const u of ['https://session-keeper/', 'app://session-keeper.evil/', 'app://other/', 'file:///index.html', 'nonsense']) assert.equal(isAppUrl(u), false, u);
  assert.equal(isNavigationAllowed('app://session-keeper/index.html'), false);
  assert.equal(isNavigationAllowed('https://web.whatsapp.com/'), false);
});

test('the protocol serves files from the renderer folder with their type', () => {
  const root = '/app/dist/renderer';
  assert.deepEqual(resolveAppRequest(root, 'app://session-keeper/'), { ok: true, file: join(resolve(root), 'index.html'), contentType: 'text/html; charset=utf-8' });
  assert.deepEqual(resolveAppRequest(root, 'app://session-keeper/app.js?v=1'), { ok: true, file: join(resolve(root), 'app.js'), contentType: 'text/javascript; charset=utf-8' });
  const css = resolveAppRequest(root, 'app://session-keeper/styles/main.css');
  assert.ok(css.ok && css.file === join(resolve(root), 'styles', 'main.css'));
});

test('the protocol refuses path traversal, foreign hosts and unknown file types', () => {
  const root = '/app/dist/renderer';
  for (const url of [
    'app://session-keeper/..%2f..%2fpackage.json',
    'app://session-keeper/..%5c..%5cpackage.json',
    'app://session-keeper/a%00.html',
    'app://session-keeper/%2e%2e%2fsecrets.json',
  ]) {
    const r = resolveAppRequest(root, url);
    assert.ok(!r.ok && r.status === 403, url);
  }
  // WHATWG URL already folds literal ".." segments: they cannot leave the root either
  for (const url of ['app://session-keeper/../../etc/passwd.js', 'app://session-keeper/%2e%2e/%2e%2e/main/index.js']) {
    const folded = resolveAppRequest(root, url);
    assert.ok(!folded.ok || folded.file.startsWith(resolve(root) + '/'), url);
  }
  const evil = resolveAppRequest(root, 'app://evil/index.html');
  assert.ok(!evil.ok && evil.status === 403);
  const bin = resolveAppRequest(root, 'app://session-keeper/tool.exe');
  assert.ok(!bin.ok && bin.status === 404);
});

test("index.html's meta CSP is the header's policy without frame-ancestors, directive for directive", () => {
  const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.ok(meta, 'the built index.html carries a CSP meta tag');
  assert.equal(meta, metaContentSecurityPolicy());
  for (const d of ["object-src 'none'", "base-uri 'none'", "form-action 'none'", "connect-src 'none'"]) assert.ok(meta.split('; ').includes(d), d);
  assert.doesNotMatch(meta, /frame-ancestors/, 'Chromium ignores frame-ancestors in a meta tag and logs an error');
  assert.equal(metaContentSecurityPolicy(), CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
});

const OURS: PermissionAsker = { origin: `${APP_ORIGIN}/`, isMainFrame: true };
const PERMISSION_CASES: Array<[Permission, PermissionAsker, boolean]> = [
  ['clipboard-sanitized-write', OURS, true],
  ['clipboard-sanitized-write', { origin: APP_ORIGIN, isMainFrame: true }, true],
  ['clipboard-sanitized-write', { origin: APP_START_URL, isMainFrame: true }, true],
  ['clipboard-sanitized-write', { origin: `${APP_ORIGIN}/`, isMainFrame: false }, false],
  ['clipboard-sanitized-write', { origin: `${APP_ORIGIN}/`, isMainFrame: true, embeddingOrigin: 'https://evil.example/' }, false],
  ['clipboard-sanitized-write', { origin: 'https://evil.example/', isMainFrame: true }, false],
  ['clipboard-sanitized-write', { origin: 'app://session-keeper.evil/', isMainFrame: true }, false],
  ['clipboard-sanitized-write', { origin: 'file:///index.html', isMainFrame: true }, false],
  ['clipboard-sanitized-write', { origin: '', isMainFrame: true }, false],
  ['clipboard-sanitized-write', { origin: undefined, isMainFrame: true }, false],
  ['clipboard-read', OURS, false],
  ['deprecated-sync-clipboard-read', OURS, false],
  ['notifications', OURS, false],
  ['media', OURS, false],
  ['geolocation', OURS, false],
  ['openExternal', OURS, false],
  ['fullscreen', OURS, false],
  ['unknown', OURS, false],
];

test('only the clipboard write is allowed, and only to our own top frame; clipboard-read and foreign origins are refused', () => {
  for (const [permission, asker, allowed] of PERMISSION_CASES) {
    assert.equal(isPermissionAllowed(permission, asker), allowed, `${permission} from ${String(asker.origin)} (main frame: ${asker.isMainFrame}, embedded by ${asker.embeddingOrigin ?? '-'})`);
  }
});

test("the session's check and request handlers both apply that decision, with Electron's arguments", () => {
  type CheckHandler = Parameters<Session['setPermissionCheckHandler']>[0];
  type RequestHandler = Parameters<Session['setPermissionRequestHandler']>[0];
  const installed: { check: CheckHandler; request: RequestHandler } = { check: null, request: null };
  restrictPermissions({
    setPermissionCheckHandler: (h) => void (installed.check = h),
    setPermissionRequestHandler: (h) => void (installed.request = h),
  });
  const { check, request } = installed;
  assert.ok(check && request, 'both handlers are installed');
  const wc = {} as Electron.WebContents;
  for (const [permission, asker, allowed] of PERMISSION_CASES) {
    const details = { isMainFrame: asker.isMainFrame, requestingUrl: asker.origin ?? '', ...(asker.embeddingOrigin ? { embeddingOrigin: asker.embeddingOrigin } : {}) };
    assert.equal(check(wc, permission, asker.origin ?? '', details), allowed, `check ${permission} from ${String(asker.origin)}`);
    if (asker.embeddingOrigin) continue; // a request carries no embedding origin: the sub-frame flag covers it
    let granted: boolean | null = null;
    request(wc, permission, (g) => void (granted = g), details);
    assert.equal(granted, allowed, `request ${permission} from ${String(asker.origin)}`);
  }
});
