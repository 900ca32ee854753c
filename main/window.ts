// The main window, hardened: sandboxed renderer with only the preload's API, our page from our
// own protocol under a strict CSP, no navigation, no pop-ups, no permission but the clipboard write. The decisions are
// pure exports (tested in Node); createMainWindow only applies them.
import type { BrowserWindow as BrowserWindowType, Session, WebPreferences } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'session-keeper';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/** No inline script or style, no eval, no network: the page only talks to main through IPC. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Directives a <meta> policy cannot carry (Chromium ignores them there, with a console error). */
const HEADER_ONLY_DIRECTIVES = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

/** What index.html's meta tag must say: the header's policy without the header-only directives. */
export function metaContentSecurityPolicy(policy = CONTENT_SECURITY_POLICY): string {
  return policy
    .split('; ')
    .filter((d) => !HEADER_ONLY_DIRECTIVES.has(d.split(' ')[0] ?? ''))
    .join('; ');
}

export function windowWebPreferences(opts: { preloadPath: string; isPackaged: boolean }): WebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    preload: opts.preloadPath,
    devTools: !opts.isPackaged,
  };
}

/** True only for our own page's origin (the IPC router and the frame checks use the same rule). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The page is one document: any navigation, even to our own origin, is refused. */
export function isNavigationAllowed(_url: string): boolean {
  return false;
}

export interface MainWindowOptions {
  BrowserWindow: typeof BrowserWindowType;
  preloadPath: string;
  isPackaged: boolean;
  iconPath?: string;
  onBlocked?: (what: string, url: string) => void;
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindowType {
  const win = new opts.BrowserWindow({
    width: 980,
    height: 720,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Session Keeper',
    ...(opts.iconPath ? { icon: opts.iconPath } : {}),
    webPreferences: windowWebPreferences({ preloadPath: opts.preloadPath, isPackaged: opts.isPackaged }),
  });
  const wc = win.webContents;
  wc.on('will-navigate', (event, url) => {
    if (!isNavigationAllowed(url)) {
      event.preventDefault();
      opts.onBlocked?.('navigation', url);
    }
  });
  wc.on('will-redirect', (event, url) => {
    event.preventDefault();
    opts.onBlocked?.('redirect', url);
  });
  wc.on('will-attach-webview', (event) => event.preventDefault());
  wc.setWindowOpenHandler(({ url }) => {
    opts.onBlocked?.('window.open', url);
    return { action: 'deny' };
  });
  return win;
}

export type Permission = Parameters<Parameters<Session['setPermissionCheckHandler']>[0] & object>[1];

/** Who asks: the origin or URL of the requesting frame, and whether it is the top frame. */
export interface PermissionAsker {
  origin: string | undefined;
  isMainFrame: boolean;
  /** set by Electron only for a cross-origin sub frame: such a frame never gets anything */
  embeddingOrigin?: string | undefined;
}

/** The one permission the page uses: writing plain text to the clipboard (the log's Copy). */
export const ALLOWED_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(['clipboard-sanitized-write']);

/** Granted only for an allowed permission asked by our own page's top frame; everything else is refused. */
export function isPermissionAllowed(permission: Permission, asker: PermissionAsker): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && asker.isMainFrame && asker.embeddingOrigin === undefined && asker.origin !== undefined && isAppUrl(asker.origin);
}

/** Applies isPermissionAllowed to both of Electron's asks: the check (sync) and the request (prompt). */
export function restrictPermissions(session: Pick<Session, 'setPermissionCheckHandler' | 'setPermissionRequestHandler'>): void {
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) =>
    isPermissionAllowed(permission, { origin: requestingOrigin, isMainFrame: details.isMainFrame, embeddingOrigin: details.embeddingOrigin }),
  );
  session.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(isPermissionAllowed(permission, { origin: details.requestingUrl, isMainFrame: details.isMainFrame })),
  );
}

