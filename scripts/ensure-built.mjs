// `npm run headless` / `npm start`: run `npm run build` only when dist/ is older than its
// sources, so `npm run headless -- --help` answers at once on an up-to-date checkout.
import { spawnSync } from 'node:child_process';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { checkoutRoot } from './checkout-root.mjs';
import { BUILD_STAMP, buildNeeded, inputTimes, stampTime } from './build-freshness.mjs';

const root = checkoutRoot(import.meta.url);
const reason = buildNeeded(stampTime(root), inputTimes(root));
if (reason !== null) {
  process.stderr.write(`Building first (${reason})…\n`);
  const started = new Date();
  // npm sets npm_execpath for scripts; run the same npm with the same Node on every OS
  const npm = process.env.npm_execpath;
  const result = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build', '--silent'], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // a file saved while the build ran is newer than this and triggers the next build
  utimesSync(join(root, BUILD_STAMP), started, started);
}
