// `node --import <this> …`: registers module-trace-hooks.ts, which appends the URL of every
// ES module the process loads to the file named by MODULE_TRACE_FILE.
import { register } from 'node:module';

register('./module-trace-hooks.js', import.meta.url);
