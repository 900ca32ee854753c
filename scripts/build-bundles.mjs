// Bundles what cannot load modules at run time, after tsc has type-checked everything:
// - the preload: a sandboxed preload gets a tiny `require` (electron only), so it must be one
//   CommonJS file;
// - the renderer: the page loads one script under a strict CSP (no inline code, no eval).
// Main-process code is NOT bundled: it runs from dist/ with dependencies in node_modules.
import { build } from 'esbuild';
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkoutRoot } from './checkout-root.mjs';
import { BUILD_STAMP } from './build-freshness.mjs';

const root = checkoutRoot(import.meta.url);
const out = join(root, 'dist');
// `npm run dist` builds with --release: smaller bundles to ship (source maps keep them debuggable)
const release = process.argv.includes('--release');

await build({
  entryPoints: [join(root, 'preload/index.ts')],
  outfile: join(out, 'preload/index.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['electron'],
  minify: release,
  sourcemap: true,
  logLevel: 'warning',
});

if (existsSync(join(root, 'renderer/app.ts'))) {
  await build({
    entryPoints: [join(root, 'renderer/app.ts')],
    outfile: join(out, 'renderer/app.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'chrome130',
    minify: release,
    sourcemap: true,
    logLevel: 'warning',
  });
  await mkdir(join(out, 'renderer'), { recursive: true });
  for (const name of await readdir(join(root, 'renderer'))) {
    if (/\.(html|css|svg|png|woff2)$/.test(name)) await cp(join(root, 'renderer', name), join(out, 'renderer', name));
  }
}

// the last step of `npm run build`: dist/ is complete (scripts/ensure-built.mjs compares against it)
await writeFile(join(root, BUILD_STAMP), `${new Date().toISOString()}\n`);
