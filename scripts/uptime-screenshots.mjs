// Regenerates the README's uptime strip screenshots (docs/screenshots/uptime*.png) from a
// simulated 30-day history: a 6 h outage and two 401 retries. They are taken by the Chromium
// strip test (test/renderer/uptime-strip.test.ts), so the picture is what that test asserts.
//   node scripts/uptime-screenshots.mjs
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { checkoutRoot } from './checkout-root.mjs';

const root = checkoutRoot(import.meta.url);
const built = spawnSync(process.execPath, [join(root, 'scripts', 'ensure-built.mjs')], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const run = spawnSync(process.execPath, ['--test', join(root, 'dist', 'test', 'renderer', 'uptime-strip.test.js')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, RENDERER_SCREENSHOTS: join(root, 'docs', 'screenshots') },
});
process.exit(run.status ?? 1);
