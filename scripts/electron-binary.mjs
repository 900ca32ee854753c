// Where the Electron binary is, and what `npm start` should do when it is missing. Since
// Electron 4x the binary is NOT fetched by an install script: the electron package's index.js
// downloads it from GitHub on first run, and where that is blocked the user only saw
// "Downloading Electron binary… fetch failed". This mirrors index.js's lookup without running it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_MIRROR = 'https://github.com/electron/electron/releases/download/';

/** The binary's path, or null; `pkgDir` is node_modules/electron. */
export function electronBinaryPath(pkgDir, env = process.env) {
  const pathFile = join(pkgDir, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(env.ELECTRON_OVERRIDE_DIST_PATH, name ?? 'electron');
    return existsSync(p) ? p : null;
  }
  const p = name ? join(pkgDir, 'dist', name) : null;
  return p && existsSync(p) ? p : null;
}

/** Where @electron/get keeps downloaded zips (its defaults, or electron_config_cache). */
export function electronCacheRoot(env = process.env, platform = process.platform, home = homedir()) {
  if (env.electron_config_cache) return env.electron_config_cache;
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'electron');
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'electron', 'Cache');
  return join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'electron');
}

/** Whether the zip for this version is already cached (then no network is needed). */
export function zipCached(cacheRoot, version, platform = process.platform, arch = process.arch) {
  const zip = `electron-v${version}-${platform}-${arch}.zip`;
  let dirs;
  try {
    dirs = readdirSync(cacheRoot);
  } catch {
    return false;
  }
  return existsSync(join(cacheRoot, zip)) || dirs.some((d) => existsSync(join(cacheRoot, d, zip)));
}

export function mirrorOf(env = process.env) {
  return env.ELECTRON_MIRROR || env.npm_config_electron_mirror || DEFAULT_MIRROR;
}

/**
 * What `npm start` does: 'start' (binary there), 'download' (missing but it can be fetched: say
 * so, then let electron fetch it), or 'refuse' with the reason (say how to get one and point to
 * `npm run headless`). `reachable`: whether the mirror answered (null: not checked).
 */
export function startPlan({ binary, overridden, cached, reachable }) {
  if (binary) return { action: 'start' };
  if (overridden) return { action: 'refuse', reason: 'ELECTRON_OVERRIDE_DIST_PATH is set, but no Electron binary is there' };
  if (cached) return { action: 'download', reason: 'the Electron binary is not unpacked yet; it is in the download cache' };
  if (reachable) return { action: 'download', reason: 'the Electron binary is not installed yet; it is downloaded once, now' };
  return { action: 'refuse', reason: 'the Electron binary is not installed, and its download server cannot be reached from here' };
}

/** The words `npm start` prints when it will not start. */
export function refusalText(reason, mirror) {
  return [
    `npm start: ${reason}.`,
    '',
    'The tray app needs Electron\'s own binary, which the electron package downloads on first run from',
    `  ${mirror}`,
    'To get it: allow that download, or set ELECTRON_MIRROR to a mirror you can reach, or point',
    'ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron of the same version — then run npm start again.',
    '',
    'Without a display or Electron, run the same engine in the terminal (it prints the QR code there):',
    '  npm run headless',
  ].join('\n');
}
