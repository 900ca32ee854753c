// The Electron main process: one instance, settings, the engine, tray, notifications, IPC and
// the hardened window. Each concern has a setupXxx(); decisions live in pure modules.
//
// Coming back online: Electron's main process has no 'online' event, so we poll net.isOnline()
// (online-watcher.ts) and also wake on powerMonitor 'resume' and 'unlock-screen'.
//
// Order matters (issue 12): the AUMID and the app scheme before 'ready'; right after it the
// keyring opt-in (before any secret is read) and the menu (before any window); the tray before
// the engine starts; a window only once the protocol, IPC handlers and settings exist.
import { join } from 'node:path';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, net, Notification, powerMonitor, protocol, safeStorage, session, shell } from 'electron';
import electronUpdater from 'electron-updater';
import type { Keeper } from './engine/keeper.js';
import { systemClock } from './engine/clock.js';
import { defaultDataDir } from './engine/data-dir.js';
import type { PhoneStatus } from './engine/types.js';
import { needsEngineRestart } from './engine-options.js';
import { setupEngine, type Engine } from './setup-engine.js';
import { setupQuit } from './setup-quit.js';
import { setupLocalApi, type LocalApiBackend } from './setup-local-api.js';
import { holdDataFolder } from './engine/data-folder-lock.js';
import { createShowGate } from './show-gate.js';
import { setDockVisible, setupAppIdentity, setupAppMenu, setupSecretsBackend } from './platform-shell.js';
import { INVALID_SETTINGS_TITLE, STARTUP_FAILURE_TITLE, invalidSettingsText, loggerUnavailable, settingsUnreadable, startupFailureText } from './startup-failure.js';
import { registerAppScheme, setupAppProtocol } from './app-protocol.js';
import { APP_ORIGIN, APP_START_URL, createMainWindow, restrictPermissions } from './window.js';
import { createFileLogger, writeKeeperEntry, type FileLogger } from './logging.js';
import { createOnlineWatcher } from './online-watcher.js';
import { createElectronSettingsStore } from './settings/electron-settings.js';
import { droppedKeysWarning, SETTINGS_FILE_NAME } from './settings/settings-store.js';
import { SecretStore } from './settings/secret-store.js';
import { safeStorageEncryptor } from './settings/safe-storage-encryptor.js';
import type { SettingsStore } from './settings/settings-store.js';
import type { AppSettings } from './settings/schema.js';
import { PUSH, type AppEnvironment } from './ipc/contract.js';
import { createIpcRouter } from './ipc/router.js';
import { createHandlers } from './ipc/handlers.js';
import { push, setupIpc } from './ipc/setup-ipc.js';
import { presentTray, type TrayAction } from './tray/tray-presenter.js';
import { TrayService } from './tray/tray-service.js';
import { TrayUptime } from './tray/tray-uptime.js';
import { electronTrayFactory } from './tray/setup-tray.js';
import { trayIconDir } from './tray/tray-icons.js';
import { setupNotifications } from './notifications/setup-notifications.js';
import { setupUpdates } from './updates/setup-updates.js';
import { plainHttpUpdatesAllowed, updateLine } from './updates/update-policy.js';
import { autostartDesktopEntry, autostartDir, autostartExecutable, HIDDEN_FLAG, launchedHidden, writeAutostartEntry } from './start-at-login.js';

const appRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const PRELOAD = join(appRoot, 'dist', 'preload', 'index.cjs');
const RENDERER_DIR = join(appRoot, 'dist', 'renderer');

// Privileged schemes must be registered before 'ready'; so must the Windows toast identity.
registerAppScheme(protocol);
setupAppIdentity(app);

let window: BrowserWindow | null = null;
let quitting = (): boolean => false;
let logsDir: string | null = null;
// a second launch or a Dock click waits here until the page has what it needs
const showGate = createShowGate(() => showWindow());

function setupSingleInstance(): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', () => showGate.request());
  app.on('activate', () => showGate.request());
  return true;
}

function showWindow(): BrowserWindow {
  window ??= setupWindow();
  if (window.isMinimized()) window.restore();
  setDockVisible(app, true);
  window.show();
  window.focus();
  return window;
}

function setupWindow(): BrowserWindow {
  const win = createMainWindow({
    BrowserWindow,
    preloadPath: PRELOAD,
    isPackaged: app.isPackaged,
    onBlocked: (what, url) => log?.logger.warn({ what, url }, 'blocked by the window policy'),
  });
  // closing hides: the app lives in the tray until Quit
  win.on('close', (event) => {
    if (quitting()) return;
    event.preventDefault();
    win.hide();
    setDockVisible(app, false);
  });
  win.on('closed', () => {
    if (window === win) window = null;
  });
  void win.loadURL(APP_START_URL);
  return win;
}

/** Sends once the page is loaded (a notification click may create the window first). */
function pushWhenLoaded(channel: (typeof PUSH)[keyof typeof PUSH], payload: unknown): void {
  const wc = window?.webContents;
  if (!wc) return;
  if (wc.isLoading()) wc.once('did-finish-load', () => push(wc, channel, payload));
  else push(wc, channel, payload);
}

let log: FileLogger | null = null;

async function applyStartAtLogin(enabled: boolean): Promise<void> {
  const args = app.isPackaged ? [HIDDEN_FLAG] : [app.getAppPath(), HIDDEN_FLAG];
  if (process.platform === 'linux') {
    const content = autostartDesktopEntry({ executable: autostartExecutable(process.execPath, process.env), args });
    await writeAutostartEntry(autostartDir(process.env, homedir()), enabled, content);
  } else app.setLoginItemSettings({ openAtLogin: enabled, args });
}

function showError(title: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  log?.logger.warn({ title }, message);
  if (Notification.isSupported()) new Notification({ title, body: message }).show();
}

async function main(): Promise<void> {
  if (!setupSingleInstance()) {
    app.quit();
    return;
  }
  // the window is hidden, not closed, but keep Electron from quitting when it is destroyed
  app.on('window-all-closed', () => undefined);
  await app.whenReady();
  setupSecretsBackend(safeStorage);
  setupAppMenu(Menu);
  const hidden = launchedHidden(process.argv, app.getLoginItemSettings().wasOpenedAtLogin);
  if (hidden) setDockVisible(app, false);

  const userData = app.getPath('userData');
  const logs = app.getPath('logs');
  const dataDir = defaultDataDir();
  // one process per data folder: a headless run on the same folder would upload other pre-keys
  // and overwrite restores. Refused here (the box names the holder) before anything is written.
  const folderLock = await holdDataFolder(dataDir, 'tray app', {
    onLost: (err) => {
      showError('Session Keeper stopped: another process took its data folder', err);
      app.exit(2);
    },
    // a disk that refuses the lock's refresh is a storage fault: keep running, say so, retake it
    onRefreshRefused: (err) => showError('Session Keeper cannot write to its data folder', err),
    onRefreshRecovered: () => log?.logger.info('the data folder takes writes again; its lock is refreshed'),
  });
  log = await createFileLogger(logs).catch((err: unknown) => {
    throw loggerUnavailable(logs, err);
  });
  logsDir = logs;
  log.logger.info({ version: app.getVersion() }, 'Session Keeper starting');

  restrictPermissions(session.defaultSession);
  setupAppProtocol(protocol, RENDERER_DIR);

  let settingsStore: SettingsStore;
  try {
    settingsStore = createElectronSettingsStore(userData, (keys) => {
      const text = droppedKeysWarning(join(userData, `${SETTINGS_FILE_NAME}.json`), keys);
      log?.logger.warn(text);
      void dialog.showMessageBox({ type: 'warning', title: 'Settings upgraded', message: 'Settings upgraded', detail: text, buttons: ['OK'] });
    });
  } catch (err) {
    throw settingsUnreadable(join(userData, `${SETTINGS_FILE_NAME}.json`), err);
  }
  const loaded = settingsStore.load();
  if (!loaded.ok) {
    log.logger.warn({ problems: loaded.problems, file: settingsStore.path }, 'settings file invalid; running on defaults');
    // not awaited: the app runs on defaults while the person reads it
    void dialog.showMessageBox({ type: 'warning', title: INVALID_SETTINGS_TITLE, message: INVALID_SETTINGS_TITLE, detail: invalidSettingsText(settingsStore.path, loaded.problems), buttons: ['OK'] });
  }
  const secrets = new SecretStore(userData, safeStorageEncryptor(safeStorage));
  const localApi = setupLocalApi({ dataDir, secrets, log: (level, message) => log?.logger[level](message) });
  /** what the local API serves: one per running engine, so a settings save alone does not restart it */
  let apiBackend: LocalApiBackend | null = null;

  // tray + notifications follow every status
  const tray = new TrayService(
    electronTrayFactory({ iconDir: trayIconDir({ isPackaged: app.isPackaged, appRoot, resourcesPath: process.resourcesPath }), platform: process.platform, onClick: () => showWindow() }),
    (action) => void onTrayAction(action),
  );
  let engine: Engine | null = null;
  const trayUptime = new TrayUptime(() => renderTray());
  // electron-updater's autoUpdater is made only once updates are on (it reads the install's kind)
  const updates = setupUpdates({
    updater: () => electronUpdater.autoUpdater,
    isPackaged: app.isPackaged,
    plainHttpAllowed: plainHttpUpdatesAllowed({ isPackaged: app.isPackaged, env: process.env }),
    currentVersion: app.getVersion(),
    clock: systemClock,
    log: { info: (m) => log?.logger.info(m), warn: (m) => log?.logger.warn(m) },
    onChange: (state) => {
      renderTray();
      pushWhenLoaded(PUSH.update, updateLine(state));
    },
  });
  const renderTray = () => {
    trayUptime.refresh(engine?.keeper ?? null, Date.now());
    tray.render(presentTray(engine?.keeper.statuses() ?? [], { now: Date.now(), startAtLogin: settingsStore.get().startAtLogin, uptime30: trayUptime.figures, update: updateLine(updates.state()) }));
  };
  // the icon is there at once, not at the first status (the engine may take a while to start)
  renderTray();
  updates.configure(settingsStore.get().updateUrl);
  const notifications = setupNotifications({
    onClick: (n) => {
      showWindow();
      if (n.focusPhone) pushWhenLoaded(PUSH.focusPhone, n.phoneId);
    },
    // not shown by the OS (unsigned macOS build…): the window says it instead, and the Dock bounces
    onFailed: (n, error) => {
      log?.logger.warn({ title: n.title, error }, 'the notification could not be shown; opening the window instead');
      showWindow();
      pushWhenLoaded(PUSH.focusPhone, n.phoneId);
      if (process.platform === 'darwin') app.dock?.bounce('critical');
    },
  });
  const onStatus = (s: PhoneStatus) => {
    notifications.onStatus(s);
    renderTray();
  };
  // relative times in the menu ("next keep-alive in 3h") stay fresh; same model → no redraw
  const trayTimer = setInterval(renderTray, 60_000);

  const startEngine = async (settings: AppSettings) => {
    engine = await setupEngine(settings, {
      dataDir,
      secrets,
      logger: () => log?.logger ?? null,
      onStatus: (s) => {
        onStatus(s);
        pushWhenLoaded(PUSH.status, s);
      },
      onLog: (e) => {
        if (log) writeKeeperEntry(log.logger, e);
        push(window?.webContents, PUSH.log, e);
      },
    });
    // incoming messages from the raw port; every send through the outbound anti-ban gate
    apiBackend = { keeper: engine.keeper, messaging: engine.keeper.messaging, outbound: engine.keeper.outbound };
    await localApi.apply(settings.api, apiBackend);
    renderTray();
  };
  // settings changes that the keeper reads once restart it, one restart at a time
  let restarting: Promise<void> = Promise.resolve();
  const restartEngine = (settings: AppSettings) => {
    restarting = restarting.then(async () => {
      const old = engine;
      engine = null;
      await localApi.stop();
      await old?.keeper.stop();
      await startEngine(settings);
    }).catch((err: unknown) => showError('Could not restart the sessions', err));
  };

  const keeperNow = (): Keeper => {
    if (!engine) throw new Error('The sessions are restarting; try again in a moment.');
    return engine.keeper;
  };

  async function onTrayAction(action: TrayAction): Promise<void> {
    try {
      switch (action.kind) {
        case 'open-window':
          showWindow();
          return;
        case 'reconnect':
          return await keeperNow().reconnect(action.phoneId);
        case 'backup-now': {
          const r = await keeperNow().backupNow(action.phoneId, { force: true });
          if (r.outcome === 'failed') throw new Error(r.error);
          if (r.outcome === 'skipped') throw new Error(r.reason);
          return;
        }
        case 'keep-alive-now':
          await keeperNow().keepAliveNow(action.phoneId);
          return;
        case 'pause-keep-alive':
          return await keeperNow().pauseKeepAlive(action.phoneId);
        case 'resume-keep-alive':
          return await keeperNow().resumeKeepAlive(action.phoneId);
        case 'toggle-start-at-login': {
          const r = settingsStore.set({ ...settingsStore.get(), startAtLogin: action.enabled });
          if (r.ok) {
            push(window?.webContents, PUSH.settings, r.settings);
            await applyStartAtLogin(action.enabled);
          }
          renderTray();
          return;
        }
        case 'open-logs':
          await shell.openPath(logs);
          return;
        case 'quit':
          app.quit();
          return;
      }
    } catch (err) {
      showError('Session Keeper', err);
    }
  }

  const environment = (): AppEnvironment => ({ version: app.getVersion(), platform: process.platform, dataDir, logsDir: logs, secrets: secrets.info(), update: updateLine(updates.state()) });
  const router = createIpcRouter({
    handlers: createHandlers({
      keeper: keeperNow,
      settings: settingsStore,
      secrets,
      environment,
      localApi,
      pickFolder: async (title) => {
        const r = window ? await dialog.showOpenDialog(window, { title, properties: ['openDirectory'] }) : await dialog.showOpenDialog({ title, properties: ['openDirectory'] });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      pickSaveFile: async (defaultPath) => {
        const r = window ? await dialog.showSaveDialog(window, { defaultPath }) : await dialog.showSaveDialog({ defaultPath });
        return r.canceled ? null : (r.filePath ?? null);
      },
      // main's own dialog, parented to the window: the page can ask for it but not answer it
      confirm: async (message, detail) => {
        const opts = { type: 'warning' as const, buttons: ['Cancel', 'Continue'], defaultId: 0, cancelId: 0, noLink: true, message, ...(detail ? { detail } : {}) };
        const r = window ? await dialog.showMessageBox(window, opts) : await dialog.showMessageBox(opts);
        return r.response === 1;
      },
      onSettingsSaved: (next) => {
        const before = engine?.settings;
        push(window?.webContents, PUSH.settings, next);
        void applyStartAtLogin(next.startAtLogin).catch((err: unknown) => showError('Could not change start at login', err));
        updates.configure(next.updateUrl);
        if (!before || needsEngineRestart(before, next)) restartEngine(next);
        else {
          void localApi.apply(next.api, apiBackend);
          renderTray();
        }
      },
      onSecretChanged: (name) => {
        // the saved settings, not the running engine's: during a restart there is no engine, and a
        // key set then would be missed until the next start
        const current = settingsStore.get();
        if (name === 'supabaseKey' && current.backup.target === 'supabase') restartEngine(current);
      },
    }),
    trusted: { webContentsId: () => window?.webContents.id ?? null, origin: APP_ORIGIN },
    onRejected: (why, channel) => log?.logger.warn({ channel }, `IPC refused: ${why}`),
  });
  setupIpc(ipcMain, router);

  // waking: the OS resumed, the screen unlocked, or the network came back. The clock may have
  // jumped hours: the tray's ages are redrawn now, not at the next minute tick.
  const wake = () => {
    renderTray();
    void engine?.keeper.wake().catch((err: unknown) => log?.logger.warn({ err: String(err) }, 'wake failed'));
  };
  powerMonitor.on('resume', wake);
  powerMonitor.on('unlock-screen', wake);
  const online = createOnlineWatcher({ isOnline: () => net.isOnline(), clock: systemClock, onOnline: wake });

  quitting = setupQuit(app, powerMonitor, {
    beforeStop: () => {
      // no new check; a downloaded update installs on the 'quit' that follows (electron-updater)
      updates.stop();
      online.stop();
      clearInterval(trayTimer);
    },
    stop: async () => {
      await restarting;
      await localApi.stop();
      await engine?.keeper.stop();
      await folderLock.release();
    },
    after: async (outcome, err) => {
      if (outcome === 'stopped') log?.logger.info('Session Keeper stopped');
      else if (outcome === 'deadline') log?.logger.warn('the sessions did not stop within 10 s; quitting anyway');
      else log?.logger.warn({ err: String(err) }, 'stopping the sessions failed; quitting anyway');
      await log?.close();
    },
    finally: () => tray.destroy(),
    // logoff/shutdown: Windows tells a window (a hidden one is kept for it), Linux/macOS powerMonitor
  }, { BrowserWindow }).quitting;

  // everything the page needs exists: a second launch may show the window now
  showGate.open();
  if (!hidden) showWindow();
  await startEngine(settingsStore.get()).catch((err: unknown) => showError('Could not start the sessions', err));
}

main().catch((err: unknown) => {
  // a tray app that exits silently just vanishes: say why in a box, and on stderr
  process.stderr.write(`Session Keeper failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  dialog.showErrorBox(STARTUP_FAILURE_TITLE, startupFailureText(err, logsDir));
  app.exit(1);
});
