// Child process for the soak's SIGKILL: a real keeper on the soak's data folder and WA test
// server, on a clock that starts at the soak's simulated instant and runs on from there, until
// the parent kills it. Prints `state <state>` for every status change.
// argv: <data dir> <ws url> <simulated now (ms)>
import { createKeeper } from '../../../main/engine/keeper.js';
import type { Clock } from '../../../main/engine/clock.js';
import { systemClock } from '../../../main/engine/clock.js';
import { installTestRoot } from '../wa-server/index.js';

const [dataDir, url, at] = process.argv.slice(2);
if (!dataDir || !url || !at) throw new Error('usage: keeper-child <data dir> <ws url> <simulated now>');
const offset = Number(at) - Date.now();
const clock: Clock = { ...systemClock, now: () => Date.now() + offset };
installTestRoot();
const keeper = createKeeper({
  dataDir,
  phones: [{ id: 'default', label: 'default' }],
  socket: { waWebSocketUrl: url },
  clock,
  keepAlive: { timeZone: 'UTC' },
  backup: false,
});
let last = '';
keeper.on('status', (s) => {
  if (s.state === last) return;
  last = s.state;
  process.stdout.write(`state ${s.state}\n`);
});
await keeper.start();
process.stdout.write('started\n');
