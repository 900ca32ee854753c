// Importing this module makes `import … from 'electron'` load the stand-in (see resolve-hook.ts),
// and `require('electron')` in CommonJS packages (electron-updater) too.
import { createRequire, register } from 'node:module';
import { fileURLToPath } from 'node:url';
import electron from './electron.js';

register(new URL('./resolve-hook.js', import.meta.url));

// Node 20's module hooks do not see require() made by the CommonJS loader (module.registerHooks,
// which does, arrives in Node 22.15), so CommonJS is pointed at the stand-in through the loader's
// own resolution and cache: 'electron' resolves to an id whose cache entry is the stand-in.
interface CjsLoader {
  _resolveFilename(request: string, ...rest: unknown[]): string;
  _cache: Record<string, unknown>;
}
const Module = createRequire(import.meta.url)('node:module') as CjsLoader;
const STAND_IN_ID = fileURLToPath(new URL('./electron.cjs-stand-in', import.meta.url));
Module._cache[STAND_IN_ID] = { id: STAND_IN_ID, filename: STAND_IN_ID, loaded: true, exports: electron, children: [], paths: [] };
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  return request === 'electron' ? STAND_IN_ID : resolveFilename.call(this, request, ...rest);
};
