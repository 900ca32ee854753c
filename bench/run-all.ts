// `npm run bench`: every benchmark, each in its own process (they read their own argv and spawn
// children of their own), one after another so they do not compete for the two cores.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// names pick benches; `--x=y` options go through to each (e.g. `npm run bench -- vs-baileys --reps=3`)
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const options = process.argv.slice(2).filter((a) => a.startsWith('--'));
const benches = ['engine', 'keepalive', 'backup', 'restore', 'api', 'renderer', 'gate', 'first-qr', 'vs-baileys'].filter((b) => only.length === 0 || only.includes(b));
let failed = 0;
for (const name of benches) {
  const file = join(here, `${name}.js`);
  if (!existsSync(file)) continue;
  process.stdout.write(`\n=== bench/${name} ===\n`);
  const r = spawnSync(process.execPath, [file, ...options], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
