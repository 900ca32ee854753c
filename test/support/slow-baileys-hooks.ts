// Module hooks for a child process under test: when the runner asks for Baileys, say so on
// stderr (synchronously, from the hooks thread) and hold the import for a while. A test can then
// signal the process exactly while it is still loading, however busy the machine is.
import { writeSync } from 'node:fs';
import type { ResolveHook } from 'node:module';

export const resolve: ResolveHook = async (specifier, context, next) => {
  if (specifier === '@whiskeysockets/baileys') {
    writeSync(2, 'loading @whiskeysockets/baileys\n');
    await new Promise((r) => setTimeout(r, 3000));
  }
  return next(specifier, context);
};
