// The one place that knows the tray icon file names (the installer engineer draws them in
// build/tray/). Electron picks `<name>@2x.png` next to the file on HiDPI screens by itself, and
// macOS wants black "Template" images it recolours for light and dark menu bars.
import { join } from 'node:path';
import type { Health } from '../presenters/phone-health.js';

export const TRAY_HEALTHS: readonly Health[] = ['ok', 'attention', 'broken', 'paused'];

/** e.g. `<dir>/broken.png`, or `<dir>/brokenTemplate.png` on macOS. */
export function trayIconFile(iconDir: string, health: Health, platform: NodeJS.Platform): string {
  return join(iconDir, platform === 'darwin' ? `${health}Template.png` : `${health}.png`);
}

/**
 * Where the icon folder is: `build/tray` in a checkout; in an installed app the installer must
 * ship that folder as the extra resource `tray` (electron-builder `extraResources`).
 */
export function trayIconDir(opts: { isPackaged: boolean; appRoot: string; resourcesPath: string }): string {
  return opts.isPackaged ? join(opts.resourcesPath, 'tray') : join(opts.appRoot, 'build', 'tray');
}
