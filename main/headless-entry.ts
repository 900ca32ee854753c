// The headless runner's entry point (`npm run headless`). Only the signal handlers load before
// the runner: importing Baileys and the engine takes ~0.3 s, and a Ctrl-C in that time must
// end the process cleanly (exit 0), not with Node's default for SIGINT (130).
import './headless-stop.js';

await import('./headless.js');
