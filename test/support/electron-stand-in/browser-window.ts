// BrowserWindow and webContents for the stand-in, backed by a page in Debian's Chromium
// (Playwright). The page loads through the app's real protocol handler (app-origin-proxy.ts)
// and runs the REAL preload bundle (dist/preload/index.cjs) with the tiny `require` a sandboxed
// preload gets: 'electron' gives contextBridge and an ipcRenderer whose invoke goes to main's
// ipcMain.handle handlers with the sender's webContents and frame, as Electron's does.
// Unlike Electron, the preload runs in the page's main world (Playwright offers no isolated
// world to init scripts), so this proves the wiring, not context isolation; the Electron e2e
// spec checks the isolation.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Browser, Frame, Page } from 'playwright';
import { launchChromium } from '../renderer-bridge/chromium.js';
import { startAppOriginProxy, type AppOriginProxy } from './app-origin-proxy.js';
import { clockInitScript, onClockShift } from './clock-shift.js';

type ProtocolHandler = (request: Request) => Response | Promise<Response>;

/** What the windows need from the rest of the stand-in (wired by electron.ts). */
export interface WindowDeps {
  invoke(channel: string, event: unknown, args: unknown[]): Promise<unknown>;
  protocolHandler(scheme: string): ProtocolHandler | undefined;
  checkPermission(webContents: unknown, permission: string, requestingUrl: string): boolean;
  writeClipboard(text: string): void;
}

let deps: WindowDeps | null = null;
export function configureWindows(d: WindowDeps): void {
  deps = d;
}

let browser: Promise<Browser> | null = null;
const proxies = new Map<string, Promise<AppOriginProxy>>();
const windows: StandInBrowserWindow[] = [];
let nextWebContentsId = 1;

export function allWindows(): StandInBrowserWindow[] {
  return windows.filter((w) => !w.isDestroyed());
}

/** Closes Chromium and the loopback proxies (end of a journey file). */
export async function shutDownWindows(): Promise<void> {
  for (const w of allWindows()) w.destroy();
  for (const p of proxies.values()) await (await p).close();
  proxies.clear();
  const b = browser;
  browser = null;
  await (await b)?.close();
}

function proxyFor(appOrigin: string): Promise<AppOriginProxy> {
  let p = proxies.get(appOrigin);
  if (!p) {
    p = startAppOriginProxy(appOrigin, (scheme) => deps?.protocolHandler(scheme));
    proxies.set(appOrigin, p);
  }
  return p;
}

function preloadScript(preloadPath: string): string {
  const source = readFileSync(preloadPath, 'utf8');
  // the sandboxed preload's world: require('electron') → { contextBridge, ipcRenderer } only
  return String.raw`(() => {
  const listeners = new Map();
  const ipcRenderer = {
    invoke: (channel, ...args) => globalThis.__skInvoke(channel, args).then((r) => { if (r.threw) throw new Error(r.message); return r.value; }),
    on(channel, listener) { if (!listeners.has(channel)) listeners.set(channel, new Set()); listeners.get(channel).add(listener); return ipcRenderer; },
    removeListener(channel, listener) { listeners.get(channel)?.delete(listener); return ipcRenderer; },
  };
  Object.defineProperty(globalThis, '__skEmit', { value: (channel, args) => { for (const l of [...(listeners.get(channel) ?? [])]) l({ sender: ipcRenderer }, ...args); } });
  const contextBridge = { exposeInMainWorld(key, api) { Object.defineProperty(globalThis, key, { value: api, enumerable: true }); } };
  const require = (name) => { if (name === 'electron') return { contextBridge, ipcRenderer }; throw new Error('module not found: ' + name); };
  const module = { exports: {} };
  (function (require, module, exports) {
${source}
  })(require, module, module.exports);
})();
// navigator.clipboard goes through the session's permission check, as Electron's does
(() => {
  const c = navigator.clipboard;
  if (!c) return;
  c.writeText = async (text) => {
    if (!(await globalThis.__skClipboardWrite(String(text)))) throw new DOMException('Write permission denied.', 'NotAllowedError');
  };
})();`;
}

class StandInWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  private destroyed = false;
  private loading = false;
  private sendChain: Promise<unknown> = Promise.resolve();
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  private proxy: AppOriginProxy | null = null;

  constructor(
    readonly page: Promise<Page>,
    private readonly preloadPath: string | undefined,
  ) {
    super();
  }

  async loadURL(url: string): Promise<void> {
    const page = await this.page;
    this.proxy = await proxyFor(new URL(url).origin === 'null' ? `${new URL(url).protocol}//${new URL(url).host}` : new URL(url).origin);
    this.loading = true;
    this.appNavigation = true;
    try {
      const response = await page.goto(this.proxy.toLoopbackUrl(url), { waitUntil: 'load' });
      this.documentHeaders = (await response?.allHeaders()) ?? {};
    } finally {
      this.appNavigation = false;
    }
  }

  /** navigations and pop-ups the app's handlers refused */
  readonly refused: { what: 'navigation' | 'window.open'; url: string }[] = [];
  private appNavigation = false;

  /** the response headers of the document on screen, as the protocol handler sent them */
  documentHeaders: Record<string, string> = {};

  /** wires bindings and the preload into a fresh page (called once by the window) */
  async attach(page: Page): Promise<void> {
    const d = deps;
    if (!d) throw new Error('the electron stand-in did not configure its windows');
    await page.exposeBinding('__skInvoke', async (source: { frame: Frame }, channel: string, args: unknown[]) => {
      const event = { sender: this, senderFrame: this.frameMain(source.frame), frameId: 1, processId: 1 };
      try {
        return { value: await d.invoke(channel, event, args) };
      } catch (err) {
        return { threw: true, message: err instanceof Error ? err.message : String(err) };
      }
    });
    await page.exposeBinding('__skClipboardWrite', (source: { frame: Frame }, text: string) => {
      const granted = d.checkPermission(this, 'clipboard-sanitized-write', this.appUrl(source.frame.url()));
      if (granted) d.writeClipboard(text);
      return granted;
    });
    await page.addInitScript(clockInitScript());
    if (this.preloadPath) await page.addInitScript(preloadScript(this.preloadPath));
    // a navigation the app did not start (a link, location.href = …) asks 'will-navigate' first
    await page.route('**/*', async (route) => {
      const req = route.request();
      if (!req.isNavigationRequest() || req.frame() !== page.mainFrame() || this.appNavigation) return route.continue();
      const url = this.appUrl(req.url());
      let prevented = false;
      // electron.d.ts: on('will-navigate', (details: Event<…>, url, isSameDocument, isMainFrame, frameProcessId, frameRoutingId) => void)
      this.emit('will-navigate', { preventDefault: () => (prevented = true), url }, url, false, true, 1, 1);
      if (!prevented) return route.continue();
      this.refused.push({ what: 'navigation', url });
      // Electron cancels a prevented navigation and the page stays as it was; Chromium commits an
      // error page (chrome-error://) for 'blockedbyclient' a moment later, so that code would not.
      return route.abort('aborted');
    });
    // window.open asks the window open handler; the stand-in only carries out 'deny'
    await page.exposeBinding('__skWindowOpen', (_source: unknown, url: string) => {
      const decision = this.windowOpenHandler?.({ url }) ?? { action: 'allow' };
      if (decision.action !== 'deny') throw new Error('the stand-in cannot open new windows');
      this.refused.push({ what: 'window.open', url });
    });
    await page.addInitScript(String.raw`window.open = (url) => { void globalThis.__skWindowOpen(String(new URL(String(url ?? ''), location.href))); return null; };`);
    page.on('domcontentloaded', () => this.emit('dom-ready', {}));
    page.on('load', () => {
      this.loading = false;
      this.emit('did-finish-load', {});
    });
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.loading = true;
    });
  }

  private appUrl(url: string): string {
    return this.proxy ? this.proxy.toAppUrl(url) : url;
  }

  /** The parts of WebFrameMain (electron.d.ts: url, origin, parent, top) the router reads. */
  private frameMain(frame: Frame): { url: string; origin: string; parent: unknown; top: unknown } {
    const url = this.appUrl(frame.url());
    let origin = 'null';
    try {
      const u = new URL(url);
      origin = `${u.protocol}//${u.host}`;
    } catch {
      // about:blank and friends have an opaque origin
    }
    const parent = frame.parentFrame();
    return { url, origin, parent: parent ? this.frameMain(parent) : null, top: null };
  }

  getURL(): string {
    return this.pageNow ? this.appUrl(this.pageNow.url()) : '';
  }

  private pageNow: Page | null = null;
  setPage(page: Page): void {
    this.pageNow = page;
  }

  isLoading(): boolean {
    return this.loading;
  }

  // electron.d.ts: send(channel: string, ...args: any[]): void — fire and forget, in order
  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sendChain = this.sendChain
      .then(async () => (await this.page).evaluate(([c, a]) => (globalThis as unknown as { __skEmit?: (c: string, a: unknown[]) => void }).__skEmit?.(c, a), [channel, args] as const))
      .catch(() => undefined);
  }

  reload(): void {
    this.loading = true;
    this.appNavigation = true;
    void this.page
      .then((p) => p.reload({ waitUntil: 'load' }))
      .catch(() => undefined)
      .finally(() => (this.appNavigation = false));
  }

  // electron.d.ts: setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  markDestroyed(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export interface StandInWindowOptions {
  width?: number;
  height?: number;
  show?: boolean;
  title?: string;
  webPreferences?: { preload?: string } & Record<string, unknown>;
}

export class StandInBrowserWindow extends EventEmitter {
  readonly webContents: StandInWebContents;
  readonly options: StandInWindowOptions;
  private visible: boolean;
  private focused = false;
  private minimized = false;
  private destroyed = false;
  focusCount = 0;
  private readonly pagePromise: Promise<Page>;

  constructor(options: StandInWindowOptions = {}) {
    super();
    this.options = options;
    this.visible = options.show ?? true;
    const ref: { wc?: StandInWebContents } = {};
    const pagePromise = (async () => {
      browser ??= launchChromium();
      const page = await (await browser).newPage({ viewport: { width: options.width ?? 800, height: options.height ?? 600 } });
      const wc = ref.wc;
      if (!wc) throw new Error('unreachable: webContents is set synchronously');
      wc.setPage(page);
      await wc.attach(page);
      return page;
    })();
    this.pagePromise = pagePromise;
    this.webContents = ref.wc = new StandInWebContents(pagePromise, options.webPreferences?.preload);
    windows.push(this);
  }

  /** The Chromium page behind the window, for the test to look and click. */
  page(): Promise<Page> {
    return this.pagePromise;
  }

  static getAllWindows(): StandInBrowserWindow[] {
    return allWindows();
  }

  static getFocusedWindow(): StandInBrowserWindow | null {
    return allWindows().find((w) => w.focused) ?? null;
  }

  static fromWebContents(wc: unknown): StandInBrowserWindow | null {
    return allWindows().find((w) => w.webContents === wc) ?? null;
  }

  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }

  getTitle(): string {
    return this.options.title ?? '';
  }

  show(): void {
    this.visible = true;
    this.minimized = false;
    this.emit('show');
  }

  hide(): void {
    this.visible = false;
    this.focused = false;
    this.emit('hide');
  }

  focus(): void {
    this.focused = true;
    this.focusCount++;
    void this.pagePromise.then((p) => p.bringToFront()).catch(() => undefined);
    this.emit('focus');
  }

  isVisible(): boolean {
    return this.visible;
  }

  isFocused(): boolean {
    return this.focused;
  }

  minimize(): void {
    this.minimized = true;
    this.focused = false;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  restore(): void {
    this.minimized = false;
  }

  // electron.d.ts: close(): void — "Try to close the window. … the web page may cancel the
  // close though" (the app's 'close' listener may preventDefault)
  close(): void {
    if (this.destroyed) return;
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true), defaultPrevented: false });
    if (!prevented) this.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = this.focused = false;
    this.webContents.markDestroyed();
    void this.pagePromise.then((p) => p.close()).catch(() => undefined);
    this.emit('closed');
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
}

// shifted clocks reach open pages at once (new documents get it from the init script)
onClockShift(async (offsetMs) => {
  for (const w of allWindows()) {
    const page = await w.page();
    await page.addInitScript(`globalThis.__skClockOffset = ${offsetMs};`);
    await page.evaluate((ms) => ((globalThis as unknown as { __skClockOffset: number }).__skClockOffset = ms), offsetMs);
  }
});
