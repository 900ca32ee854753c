// Where the Electron binary is, or why there is none, WITHOUT running the electron package's
// index.js: since Electron 4x it starts a download from GitHub when the binary is missing, and
// tests make no network calls. Mirrors that file's lookup (path.txt, dist/, the override).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary = { path: string } | { missing: string };

export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'Electron not installed (no electron package in node_modules)' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(env.ELECTRON_OVERRIDE_DIST_PATH, name ?? 'electron');
    return existsSync(p) ? { path: p } : { missing: `Electron binary not found at ELECTRON_OVERRIDE_DIST_PATH (${p})` };
  }
  const p = name ? join(pkgDir, 'dist', name) : null;
  if (p && existsSync(p)) return { path: p };
  return {
    missing:
      'Electron binary not installed (node_modules/electron/dist missing: its installer downloads from GitHub, which this machine cannot reach)',
  };
}
