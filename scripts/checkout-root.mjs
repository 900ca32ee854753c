// The checkout's root from a script's own `import.meta.url`. `new URL('..', url).pathname` is
// wrong twice: on Windows it gives `/C:/…`, and a space arrives as `%20`, so every path built on
// it points nowhere. fileURLToPath decodes both; `platform` lets the test check Windows paths here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder above the script's folder (scripts/ → the checkout), as a path of `platform`. */
export function checkoutRoot(scriptUrl, platform = process.platform) {
  const windows = platform === 'win32';
  const p = windows ? path.win32 : path.posix;
  return p.dirname(p.dirname(fileURLToPath(scriptUrl, { windows })));
}
