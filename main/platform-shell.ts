// What each OS needs from a tray app's shell (issue 12 items 2, 8, 10, 11): decisions are pure
// functions of the platform; the setupXxx() below apply them to Electron and stay thin.
import type { App, Menu as MenuType, MenuItemConstructorOptions, SafeStorage } from 'electron';

/** electron-builder.yml's appId: the NSIS shortcuts carry it, so toasts are attributed to it (win32). */
export const APP_USER_MODEL_ID = 'app.sessionkeeper.desktop';

export function appUserModelId(platform: NodeJS.Platform): string | null {
  return platform === 'win32' ? APP_USER_MODEL_ID : null;
}

/**
 * Linux without a keyring: Chromium picks 'basic_text' and safeStorage refuses to encrypt until
 * the app opts in. The window already says these secrets are only obfuscated; refusing to store
 * them at all would leave Supabase backups unusable there.
 */
export function usePlainTextSecrets(platform: NodeJS.Platform, backend: string): boolean {
  return platform === 'linux' && backend === 'basic_text';
}

/**
 * The application menu: none on Windows/Linux (the default has Reload and DevTools, and the
 * window needs no menu bar); on macOS the app, Edit (copy/paste in the window) and Window menus.
 */
export function applicationMenuTemplate(platform: NodeJS.Platform): MenuItemConstructorOptions[] | null {
  if (platform !== 'darwin') return null;
  return [{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }];
}

/** Before 'ready': the Windows toast identity. */
export function setupAppIdentity(app: Pick<App, 'setAppUserModelId'>, platform: NodeJS.Platform = process.platform): void {
  const id = appUserModelId(platform);
  if (id) app.setAppUserModelId(id);
}

/** Right after 'ready', before any secret is read. Answers the backend chosen. */
export function setupSecretsBackend(safeStorage: Pick<SafeStorage, 'getSelectedStorageBackend' | 'setUsePlainTextEncryption'>, platform: NodeJS.Platform = process.platform): string | null {
  if (platform !== 'linux') return null;
  const backend = safeStorage.getSelectedStorageBackend();
  if (usePlainTextSecrets(platform, backend)) safeStorage.setUsePlainTextEncryption(true);
  return backend;
}

/** Before any window. */
export function setupAppMenu(Menu: Pick<typeof MenuType, 'setApplicationMenu' | 'buildFromTemplate'>, platform: NodeJS.Platform = process.platform): void {
  const template = applicationMenuTemplate(platform);
  Menu.setApplicationMenu(template ? Menu.buildFromTemplate(template) : null);
}

/** macOS: a tray app has a Dock icon only while its window shows (app.dock is undefined elsewhere). */
export function setDockVisible(app: Pick<App, 'dock'>, visible: boolean): void {
  if (visible) void app.dock?.show();
  else app.dock?.hide();
}
