// `npm start`: run `npm run build` only when dist/ is older than its sources.
// `npm run headless` (--headless): the runner needs only dist/main. When no full build is current,
// main/ is transpiled file by file with esbuild (about a second, where tsc's full build takes
// 10–30 s: a fresh clone must reach its first QR quickly). No type check here: `npm run build` and
// `npm test` do that, and tsconfig's isolatedModules keeps every file transpilable on its own.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkoutRoot } from './checkout-root.mjs';
import { BUILD_INPUTS, BUILD_STAMP, HEADLESS_INPUTS, HEADLESS_STAMP, buildNeeded, headlessBuildNeeded, inputTimes, stampTime } from './build-freshness.mjs';

const root = checkoutRoot(import.meta.url);

function tsFiles(dir) {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) return tsFiles(rel);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [join(root, rel)] : [];
  });
}

if (process.argv.includes('--headless')) {
  const reason = headlessBuildNeeded(stampTime(root), stampTime(root, HEADLESS_STAMP), inputTimes(root, BUILD_INPUTS), inputTimes(root, HEADLESS_INPUTS));
  if (reason !== null) {
    process.stderr.write(`Preparing the headless runner (${reason})…\n`);
    const started = new Date();
    const { build } = await import('esbuild');
    // the same files, names and module format tsc writes to dist/main
    await build({ entryPoints: tsFiles('main'), outdir: join(root, 'dist'), outbase: root, format: 'esm', platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', tsconfig: join(root, 'tsconfig.json') });
    writeFileSync(join(root, HEADLESS_STAMP), `${started.toISOString()}\n`);
    // a file saved while this ran is newer than the stamp and triggers the next transpile
    utimesSync(join(root, HEADLESS_STAMP), started, started);
  }
} else {
  const reason = buildNeeded(stampTime(root), inputTimes(root, BUILD_INPUTS));
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
}
