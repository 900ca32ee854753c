// The `electron` module as the journey tests give it to the REAL main process (resolve-hook.ts
// maps the specifier here). It implements what main/ uses, recording what the app shows (tray,
// notifications, clipboard, dialogs) so tests can assert it and act like a person (click a menu
// item, a notification). Behaviour that mirrors Electron cites electron.d.ts (Electron 45).
// `standIn` is the test-side control surface; the app never sees it.
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Dialog,
  IpcMainInvokeEvent,
  MenuItemConstructorOptions,
  Net,
  PermissionCheckHandlerHandlerDetails,
  Protocol,
  SafeStorage,
  Shell,
} from 'electron';
import { repoRoot } from '../repo-root.js';
import { StandInBrowserWindow, allWindows, configureWindows } from './browser-window.js';

// ---------------------------------------------------------------------------------------------
// app

/** A preventable event, like Electron's `Event` (`preventDefault()` / `defaultPrevented`). */
export class StandInEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/**
 * The order in which main did the things whose order matters (issue 12: the menu before any
 * window, the AUMID before 'ready', handlers before the window, the keyring opt-in before a
 * secret is read). Cleared per launch.
 */
const timeline: string[] = [];

const PATH_NAMES = ['home', 'appData', 'userData', 'sessionData', 'temp', 'logs', 'desktop', 'documents', 'downloads'] as const;

class StandInApp extends EventEmitter {
  /** a checkout by default; the update tests play an installed build (standIn.setPackaged) */
  isPackaged = false;
  private ready = false;
  private readyWaiters: (() => void)[] = [];
  private paths = new Map<string, string>();
  private loginItem = { openAtLogin: false, args: [] as string[] };
  /** set once the app has really quit (app.quit not prevented, or app.exit) */
  exitCode: number | null = null;
  private exitWaiters: ((code: number) => void)[] = [];

  constructor(root: string) {
    super();
    this.setRoot(root);
  }

  setRoot(root: string): void {
    for (const name of PATH_NAMES) this.paths.set(name, join(root, name));
    this.paths.set('exe', process.execPath);
  }

  // electron.d.ts: getPath(name: 'home' | 'appData' | 'userData' | … | 'logs' | …): string
  getPath(name: string): string {
    const p = this.paths.get(name);
    if (!p) throw new Error(`Failed to get '${name}' path`);
    mkdirSync(p, { recursive: true });
    return p;
  }

  // electron.d.ts: setPath(name: string, path: string): void
  setPath(name: string, path: string): void {
    this.paths.set(name, path);
  }

  getAppPath(): string {
    return repoRoot();
  }

  getVersion(): string {
    return (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  }

  getName(): string {
    return 'Session Keeper';
  }

  isReady(): boolean {
    return this.ready;
  }

  // electron.d.ts: whenReady(): Promise<void> — fulfilled when Electron is initialized
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Electron emits 'ready' once the main script's first turn is over. */
  becomeReady(): void {
    if (this.ready) return;
    this.ready = true;
    timeline.push('ready');
    this.emit('ready', new StandInEvent(), {});
    for (const w of this.readyWaiters.splice(0)) w();
  }

  // electron.d.ts: requestSingleInstanceLock(additionalData?: Record<any, any>): boolean. Each
  // journey process is the only instance; a second launch is simulated with secondInstance().
  requestSingleInstanceLock(): boolean {
    return true;
  }

  /** What the OS lock does when the app is started again: the first instance hears about it. */
  secondInstance(argv: string[] = [process.execPath, '.']): void {
    this.emit('second-instance', new StandInEvent(), argv, process.cwd(), {});
  }

  // electron.d.ts: quit(): void — emits before-quit (preventable), closes windows, then
  // will-quit (preventable) and quit.
  quit(): void {
    const beforeQuit = new StandInEvent();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return;
    for (const w of allWindows()) if (!w.isDestroyed()) w.close();
    if (allWindows().some((w) => !w.isDestroyed())) return;
    const willQuit = new StandInEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) return;
    this.emit('quit', new StandInEvent(), 0);
    this.finish(0);
  }

  // electron.d.ts: exit(exitCode?: number): void — exits at once, no quit events
  exit(exitCode = 0): void {
    for (const w of allWindows()) if (!w.isDestroyed()) w.destroy();
    this.finish(exitCode);
  }

  private finish(code: number): void {
    if (this.exitCode !== null) return;
    this.exitCode = code;
    for (const w of this.exitWaiters.splice(0)) w(code);
  }

  /** A new process starting: no listeners, not ready, not quit (the paths stay). */
  reset(): void {
    this.removeAllListeners();
    this.ready = false;
    this.exitCode = null;
  }

  /** Resolves with the exit code once the app has quit (the process itself stays for the test). */
  exited(): Promise<number> {
    if (this.exitCode !== null) return Promise.resolve(this.exitCode);
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  appUserModelId: string | null = null;

  // electron.d.ts: setAppUserModelId(id: string): void (@platform win32)
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
    timeline.push(`app-user-model-id ${id}`);
  }

  // electron.d.ts: readonly dock: (Dock) | (undefined) — only macOS has one
  readonly dock: StandInDock | undefined = process.platform === 'darwin' ? new StandInDock() : undefined;

  getLoginItemSettings(): { openAtLogin: boolean; openAsHidden: boolean; wasOpenedAtLogin: boolean; wasOpenedAsHidden: boolean; restoreState: boolean; args: string[] } {
    return { openAtLogin: this.loginItem.openAtLogin, openAsHidden: false, wasOpenedAtLogin: false, wasOpenedAsHidden: false, restoreState: false, args: this.loginItem.args };
  }

  setLoginItemSettings(settings: { openAtLogin?: boolean; args?: string[] }): void {
    this.loginItem = { openAtLogin: settings.openAtLogin ?? false, args: settings.args ?? [] };
  }
}

class StandInDock {
  visible = true;
  readonly bounces: ('critical' | 'informational')[] = [];
  // electron.d.ts (Dock): hide(): void; show(): Promise<void>; bounce(type?): number
  hide(): void {
    this.visible = false;
  }
  show(): Promise<void> {
    this.visible = true;
    return Promise.resolve();
  }
  bounce(type: 'critical' | 'informational' = 'informational'): number {
    this.bounces.push(type);
    return this.bounces.length;
  }
}

// paths are made on first use; a journey points them at its own temporary folder (setRoot)
export const app = new StandInApp(join(tmpdir(), `sk-stand-in-${process.pid}`));

// ---------------------------------------------------------------------------------------------
// ipcMain

export type InvokeHandler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

class StandInIpcMain extends EventEmitter {
  readonly handlers = new Map<string, InvokeHandler>();

  // electron.d.ts: handle(channel, listener): void — a second handler for a channel throws
  handle(channel: string, listener: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    if (this.handlers.size === 0) timeline.push('ipc-handlers');
    this.handlers.set(channel, listener);
  }

  handleOnce(channel: string, listener: InvokeHandler): void {
    this.handle(channel, (event, ...args) => {
      this.removeHandler(channel);
      return listener(event, ...args);
    });
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** What ipcRenderer.invoke does on the main side: no handler → the renderer's promise rejects. */
  async invoke(channel: string, event: IpcMainInvokeEvent, args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    return await handler(event, ...args);
  }
}

export const ipcMain = new StandInIpcMain();

// ---------------------------------------------------------------------------------------------
// protocol

type ProtocolHandler = (request: Request) => Response | Promise<Response>;

const privilegedSchemes: { scheme: string; privileges?: Record<string, boolean> }[] = [];
const protocolHandlers = new Map<string, ProtocolHandler>();

export const protocol = {
  // electron.d.ts: "This method can only be used before the ready event of the app module gets
  // emitted and can be called only once."
  registerSchemesAsPrivileged(customSchemes: { scheme: string; privileges?: Record<string, boolean> }[]): void {
    if (app.isReady()) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    privilegedSchemes.push(...customSchemes);
  },
  handle(scheme: string, handler: ProtocolHandler): void {
    if (protocolHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    protocolHandlers.set(scheme, handler);
  },
  unhandle(scheme: string): void {
    protocolHandlers.delete(scheme);
  },
  isProtocolHandled(scheme: string): boolean {
    return protocolHandlers.has(scheme);
  },
} satisfies Pick<Protocol, 'registerSchemesAsPrivileged' | 'unhandle' | 'isProtocolHandled'> & Record<'handle', unknown>;

// ---------------------------------------------------------------------------------------------
// session

type PermissionCheckHandler = (webContents: unknown, permission: string, requestingOrigin: string, details: PermissionCheckHandlerHandlerDetails) => boolean;
type PermissionRequestHandler = (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;

export interface PermissionDecision {
  kind: 'check' | 'request';
  permission: string;
  origin: string;
  granted: boolean;
}

class StandInSession {
  checkHandler: PermissionCheckHandler | null = null;
  requestHandler: PermissionRequestHandler | null = null;
  readonly decisions: PermissionDecision[] = [];

  // electron.d.ts: setPermissionCheckHandler(handler: ((webContents, permission, requestingOrigin, details) => boolean) | null)
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.checkHandler = handler;
  }

  // electron.d.ts: setPermissionRequestHandler(handler: ((webContents, permission, callback, details) => void) | null)
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.requestHandler = handler;
  }

  /** A permission check as Chromium makes it through Electron; no handler means granted. */
  check(webContents: unknown, permission: string, requestingUrl: string): boolean {
    const origin = originOf(requestingUrl);
    // electron.d.ts: embeddingOrigin is "only set for cross-origin sub frames"; the stand-in's pages are one top frame
    const details: PermissionCheckHandlerHandlerDetails = { isMainFrame: true, requestingUrl };
    const granted = this.checkHandler ? this.checkHandler(webContents, permission, origin, details) : true;
    this.decisions.push({ kind: 'check', permission, origin, granted });
    return granted;
  }

  /** A permission request (the page asks the user); no handler means granted. */
  request(webContents: unknown, permission: string, requestingUrl: string): Promise<boolean> {
    const origin = originOf(requestingUrl);
    if (!this.requestHandler) return Promise.resolve(true);
    const handler = this.requestHandler;
    return new Promise((resolve) => {
      handler(webContents, permission, (granted) => {
        this.decisions.push({ kind: 'request', permission, origin, granted });
        resolve(granted);
      }, { isMainFrame: true, requestingUrl });
    });
  }
}

/** `app://session-keeper/x` → `app://session-keeper` (URL.origin is "null" for custom schemes). */
function originOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

export const session = {
  defaultSession: new StandInSession(),
  // electron.d.ts: fromPartition(partition: string, options?: FromPartitionOptions): Session
  // (electron-updater downloads through its own partition)
  fromPartition: (_partition: string, _options?: { cache?: boolean }) => new StandInSession(),
};

// ---------------------------------------------------------------------------------------------
// safeStorage: reversible. By default a keyring is present; a test can make it Linux without one
// ('basic_text'), where Electron refuses to encrypt until setUsePlainTextEncryption(true).

const SAFE_PREFIX = Buffer.from('stand-in-safe-storage:');
type StorageBackend = ReturnType<SafeStorage['getSelectedStorageBackend']>;
const keyring = { backend: 'gnome_libsecret' as StorageBackend, plainTextOptIn: false, reads: 0 };

export const safeStorage = {
  // electron.d.ts: "On Linux, returns true if the app has emitted the ready event and the secret key is available"
  isEncryptionAvailable: () => app.isReady() && (keyring.backend !== 'basic_text' || keyring.plainTextOptIn),
  encryptString: (plainText: string) => {
    if (!safeStorage.isEncryptionAvailable()) throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
    return Buffer.concat([SAFE_PREFIX, Buffer.from(plainText, 'utf8').reverse()]);
  },
  decryptString: (encrypted: Buffer) => {
    keyring.reads++;
    if (keyring.reads === 1) timeline.push('secret-read');
    if (!encrypted.subarray(0, SAFE_PREFIX.length).equals(SAFE_PREFIX)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(encrypted.subarray(SAFE_PREFIX.length)).reverse().toString('utf8');
  },
  // electron.d.ts: getSelectedStorageBackend(): 'basic_text' | 'gnome_libsecret' | … | 'unknown' ('unknown' before ready)
  getSelectedStorageBackend: (): StorageBackend => (app.isReady() ? keyring.backend : 'unknown'),
  // electron.d.ts: setUsePlainTextEncryption(usePlainText: boolean): void
  setUsePlainTextEncryption: (usePlainText: boolean) => {
    keyring.plainTextOptIn = usePlainText;
    timeline.push(`plain-text-encryption ${String(usePlainText)}`);
  },
} satisfies Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend' | 'setUsePlainTextEncryption'>;

// ---------------------------------------------------------------------------------------------
// powerMonitor, net, clipboard, shell

export const powerMonitor = new EventEmitter();

let online = true;
export const net = {
  isOnline: () => online,
  get online() {
    return online;
  },
  // electron.d.ts: request(options: ClientRequestConstructorOptions | string): ClientRequest.
  // Node's ClientRequest has what electron-updater uses of it (on 'response'/'error', end, abort);
  // `session` and `redirect` are Electron's own options. No redirects are followed, as with
  // redirect: 'manual'; electron-updater then reads the Location header itself.
  request: (options: RequestOptions & { protocol?: string; session?: unknown; redirect?: string }) => {
    const { session: _session, redirect: _redirect, ...node } = options;
    return node.protocol === 'https:' ? httpsRequest(node) : httpRequest(node);
  },
} satisfies Pick<Net, 'isOnline' | 'online'> & { request: unknown };

let clipboardText = '';
// electron.d.ts (main process): writeText(text: string, type?: 'selection' | 'clipboard'): void
export const clipboard = {
  writeText: (text: string) => {
    clipboardText = text;
  },
  readText: () => clipboardText,
  clear: () => {
    clipboardText = '';
  },
};

const opened: { kind: 'path' | 'external' | 'show-item'; target: string }[] = [];
export const shell = {
  // electron.d.ts: openPath(path): Promise<string> — resolves with an error message, '' on success
  openPath: async (path: string) => {
    opened.push({ kind: 'path', target: path });
    return existsSync(path) ? '' : `Failed to open path ${path}`;
  },
  openExternal: async (url: string) => {
    opened.push({ kind: 'external', target: url });
  },
  showItemInFolder: (fullPath: string) => {
    opened.push({ kind: 'show-item', target: fullPath });
  },
} satisfies Pick<Shell, 'openPath' | 'openExternal' | 'showItemInFolder'>;

// ---------------------------------------------------------------------------------------------
// dialog: answers come from a script the test writes; an unscripted dialog is cancelled

export type DialogCall = { kind: 'open' | 'save' | 'message'; options: unknown; parent?: unknown };
const dialogCalls: DialogCall[] = [];
const dialogAnswers: { open: string[][]; save: string[]; message: number[] } = { open: [], save: [], message: [] };

const errorBoxes: { title: string; content: string }[] = [];
const lastArg = (args: unknown[]): unknown => args[args.length - 1];

export const dialog = {
  // electron.d.ts: showOpenDialog(window?, options): Promise<OpenDialogReturnValue>
  showOpenDialog: async (...args: unknown[]) => {
    dialogCalls.push({ kind: 'open', options: lastArg(args) });
    const filePaths = dialogAnswers.open.shift();
    return filePaths ? { canceled: false, filePaths } : { canceled: true, filePaths: [] };
  },
  // electron.d.ts: showSaveDialog(window?, options): Promise<SaveDialogReturnValue>
  showSaveDialog: async (...args: unknown[]) => {
    dialogCalls.push({ kind: 'save', options: lastArg(args) });
    const filePath = dialogAnswers.save.shift();
    return filePath ? { canceled: false, filePath } : { canceled: true, filePath: '' };
  },
  // electron.d.ts: showErrorBox(title: string, content: string): void — synchronous, usable before ready
  showErrorBox: (title: string, content: string) => {
    errorBoxes.push({ title, content });
  },
  // electron.d.ts: showMessageBox(window: BaseWindow, options: MessageBoxOptions): Promise<MessageBoxReturnValue>
  // and showMessageBox(options); response is the index of the button clicked (unscripted: 0)
  showMessageBox: async (...args: unknown[]) => {
    dialogCalls.push({ kind: 'message', options: lastArg(args), parent: args.length > 1 ? args[0] : null });
    return { response: dialogAnswers.message.shift() ?? 0, checkboxChecked: false };
  },
} satisfies Partial<Record<keyof Dialog, unknown>>;

// ---------------------------------------------------------------------------------------------
// nativeImage, Menu, Tray, Notification

export class StandInImage {
  template = false;
  constructor(readonly path: string) {}
  isEmpty(): boolean {
    return !existsSync(this.path);
  }
  setTemplateImage(option: boolean): void {
    this.template = option;
  }
  isTemplateImage(): boolean {
    return this.template;
  }
}

export const nativeImage = {
  // electron.d.ts: createFromPath(path: string): NativeImage — empty if the file cannot be read
  createFromPath: (path: string) => new StandInImage(path),
  createEmpty: () => new StandInImage(''),
};

export class StandInMenuItem {
  readonly type: string;
  readonly label: string;
  enabled: boolean;
  checked: boolean;
  readonly submenu: Menu | null;
  private readonly onClick: MenuItemConstructorOptions['click'] | undefined;

  constructor(o: MenuItemConstructorOptions) {
    this.type = o.type ?? (o.submenu ? 'submenu' : 'normal');
    this.label = o.label ?? '';
    this.enabled = o.enabled ?? true;
    this.checked = o.checked ?? false;
    this.submenu = o.submenu ? (o.submenu instanceof Menu ? o.submenu : Menu.buildFromTemplate(o.submenu as MenuItemConstructorOptions[])) : null;
    this.onClick = o.click;
  }

  /** A person clicking the item: disabled items do nothing; checkboxes toggle before `click`. */
  click(): void {
    if (!this.enabled) throw new Error(`The menu item "${this.label}" is disabled`);
    if (this.type === 'checkbox') this.checked = !this.checked;
    // electron.d.ts: click?: (menuItem, window: BaseWindow | undefined, event: KeyboardEvent) => void
    (this.onClick as ((item: unknown, win: unknown, event: unknown) => void) | undefined)?.(this, StandInBrowserWindow.getFocusedWindow() ?? undefined, {});
  }
}

export class Menu {
  constructor(readonly items: StandInMenuItem[] = []) {}

  // electron.d.ts: static buildFromTemplate(template: Array<(MenuItemConstructorOptions) | (MenuItem)>): Menu
  static buildFromTemplate(template: MenuItemConstructorOptions[]): Menu {
    return new Menu(template.map((o) => new StandInMenuItem(o)));
  }

  /** undefined until main sets one (Electron then builds its default menu); null = none */
  static applicationMenu: Menu | null | undefined = undefined;

  // electron.d.ts: static setApplicationMenu(menu: (Menu) | (null)): void
  static setApplicationMenu(menu: Menu | null): void {
    Menu.applicationMenu = menu;
    timeline.push(menu ? 'application-menu' : 'application-menu null');
  }

  /** Depth-first search by label (submenus included). */
  find(label: string | RegExp): StandInMenuItem | null {
    for (const item of this.items) {
      if (typeof label === 'string' ? item.label === label : label.test(item.label)) return item;
      const inner = item.submenu?.find(label);
      if (inner) return inner;
    }
    return null;
  }

  labels(): string[] {
    return this.items.flatMap((i) => [i.label, ...(i.submenu?.labels() ?? [])]).filter((l) => l !== '');
  }
}

const trays: Tray[] = [];

export class Tray extends EventEmitter {
  image: StandInImage;
  toolTip = '';
  contextMenu: Menu | null = null;
  private destroyed = false;
  /** every icon the tray showed, in order */
  readonly imageHistory: string[] = [];

  constructor(image: StandInImage) {
    super();
    this.image = image;
    this.imageHistory.push(image.path);
    trays.push(this);
    timeline.push('tray');
  }
  setImage(image: StandInImage): void {
    this.image = image;
    this.imageHistory.push(image.path);
  }
  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }
  setContextMenu(menu: Menu | null): void {
    this.contextMenu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export interface ShownNotification {
  title: string;
  body: string;
  notification: Notification;
}

const notificationsShown: ShownNotification[] = [];
const notificationsFailed: ShownNotification[] = [];
let notificationFailure: string | null = null;

export class Notification extends EventEmitter {
  readonly title: string;
  readonly body: string;

  constructor(options: { title?: string; body?: string } = {}) {
    super();
    this.title = options.title ?? '';
    this.body = options.body ?? '';
  }
  static isSupported(): boolean {
    return true;
  }
  show(): void {
    // macOS since Electron 42 without a signed app: nothing shows and 'failed' is emitted
    // (electron.d.ts: on(event: 'failed', listener: (event: Event, error: string) => void), darwin/win32)
    if (notificationFailure !== null) {
      notificationsFailed.push({ title: this.title, body: this.body, notification: this });
      this.emit('failed', new StandInEvent(), notificationFailure);
      return;
    }
    notificationsShown.push({ title: this.title, body: this.body, notification: this });
    this.emit('show', new StandInEvent());
  }
  close(): void {
    this.emit('close', new StandInEvent());
  }
  /** A person clicking the notification. */
  click(): void {
    this.emit('click', new StandInEvent());
  }
}

/** Electron's BrowserWindow; the stand-in notes in the timeline when each one is made. */
export class BrowserWindow extends StandInBrowserWindow {
  constructor(options?: ConstructorParameters<typeof StandInBrowserWindow>[0]) {
    super(options);
    timeline.push('window');
  }
}

configureWindows({
  invoke: (channel, event, args) => ipcMain.invoke(channel, event as IpcMainInvokeEvent, args),
  protocolHandler: (scheme) => protocolHandlers.get(scheme),
  checkPermission: (wc, permission, url) => session.defaultSession.check(wc, permission, url),
  writeClipboard: (text) => clipboard.writeText(text),
});

// ---------------------------------------------------------------------------------------------
// The test's handle on all of it

export const standIn = {
  app,
  ipcMain,
  session: session.defaultSession as StandInSession,
  privilegedSchemes,
  protocolHandlers,
  trays,
  notifications: notificationsShown,
  /** notifications whose show() failed (see failNotifications) */
  notificationsFailed,
  /** from now on every Notification.show() fails with this error, as unsigned macOS builds do; null: they show */
  failNotifications(error: string | null): void {
    notificationFailure = error;
  },
  errorBoxes,
  timeline,
  /** the OS secret store Chromium picked (Linux): 'basic_text' = no keyring. Set before a launch. */
  setStorageBackend(backend: StorageBackend): void {
    keyring.backend = backend;
  },
  applicationMenu: () => Menu.applicationMenu,
  /** app.isPackaged: true plays an installed build (electron-updater runs only in one) */
  setPackaged(packaged: boolean): void {
    app.isPackaged = packaged;
  },
  dialogCalls,
  dialogAnswers,
  opened,
  clipboard,
  powerMonitor,
  setOnline(value: boolean): void {
    online = value;
  },
  windows: allWindows,
  /** everything a new process would not have: listeners, handlers, trays, notifications */
  resetForRelaunch(): void {
    app.reset();
    ipcMain.removeAllListeners();
    ipcMain.handlers.clear();
    protocolHandlers.clear();
    privilegedSchemes.length = 0;
    session.defaultSession = new StandInSession();
    standIn.session = session.defaultSession;
    trays.length = 0;
    notificationsShown.length = 0;
    powerMonitor.removeAllListeners();
    timeline.length = 0;
    errorBoxes.length = 0;
    notificationsFailed.length = 0;
    keyring.plainTextOptIn = false;
    keyring.reads = 0;
    Menu.applicationMenu = undefined;
  },
  /** the app's one tray (throws if it made none or several) */
  tray(): Tray {
    const live = trays.filter((t) => !t.isDestroyed());
    if (live.length !== 1) throw new Error(`expected one tray, found ${live.length}`);
    return live[0] as Tray;
  },
  /** clicks a tray menu item by label, as a person would */
  clickTrayItem(label: string | RegExp): void {
    const item = standIn.tray().contextMenu?.find(label);
    if (!item) throw new Error(`no tray menu item ${String(label)} in: ${standIn.tray().contextMenu?.labels().join(' | ') ?? '(no menu)'}`);
    item.click();
  },
};

const electron = { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeImage, net, Notification, powerMonitor, protocol, safeStorage, session, shell, Tray };
export default electron;
