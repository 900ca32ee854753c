// Where the Electron binary is, or why there is none, WITHOUT running the electron package's
// index.js: since Electron 4x it starts a download from GitHub when the binary is missing, and
// tests make no network calls. The lookup is the one `npm start` uses (scripts/electron-binary.mjs,
// loaded from the checkout: tsc does not copy it into dist/); this adds why a test skips.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './repo-root.js';

const { electronBinaryPath } = (await import(pathToFileURL(join(repoRoot(), 'scripts', 'electron-binary.mjs')).href)) as typeof import('../../scripts/electron-binary.mjs');

export type ElectronBinary = { path: string } | { missing: string };

export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'Electron not installed (no electron package in node_modules)' };
  }
  const path = electronBinaryPath(pkgDir, env);
  if (path !== null) return { path };
  if (env.ELECTRON_OVERRIDE_DIST_PATH) return { missing: `Electron binary not found at ELECTRON_OVERRIDE_DIST_PATH (${env.ELECTRON_OVERRIDE_DIST_PATH})` };
  return {
    missing:
      'Electron binary not installed (node_modules/electron/dist missing: its installer downloads from GitHub, which this machine cannot reach)',
  };
}
