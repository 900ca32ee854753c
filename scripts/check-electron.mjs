// First step of `npm start`: make sure an Electron binary is there or can be had, BEFORE the
// electron package tries (and fails with "fetch failed"); otherwise explain and point to
// `npm run headless`. Exit 1 when the app cannot start.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { checkoutRoot } from './checkout-root.mjs';
import { electronBinaryPath, electronCacheRoot, mirrorOf, refusalText, startPlan, zipCached } from './electron-binary.mjs';

const root = checkoutRoot(import.meta.url);
const require = createRequire(`${root}/package.json`);
let pkgDir;
try {
  pkgDir = dirname(require.resolve('electron/package.json'));
} catch {
  process.stderr.write(`${refusalText('the electron package is not installed (run npm install first)', mirrorOf())}\n`);
  process.exit(1);
}
const { version } = require('electron/package.json');
const binary = electronBinaryPath(pkgDir) !== null;
const overridden = Boolean(process.env.ELECTRON_OVERRIDE_DIST_PATH);
const cached = !binary && zipCached(electronCacheRoot(), version);
const mirror = mirrorOf();
const reachable = binary || overridden || cached ? null : await answers(mirror);
const plan = startPlan({ binary, overridden, cached, reachable });
if (plan.action === 'refuse') {
  process.stderr.write(`${refusalText(plan.reason, mirror)}\n`);
  process.exit(1);
}
if (plan.action === 'download') process.stderr.write(`npm start: ${plan.reason} (Electron ${version}, from ${mirror}).\n`);

/** Whether the download server answers at all within a few seconds (any HTTP status counts). */
async function answers(url) {
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(5000), redirect: 'manual' });
    return true;
  } catch {
    return false;
  }
}
