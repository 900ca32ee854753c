// Module hooks for a child process under test: every ES module loaded, one URL a line, appended
// synchronously (from the hooks thread) to MODULE_TRACE_FILE, so nothing is lost at exit.
import { appendFileSync } from 'node:fs';
import type { LoadHook } from 'node:module';

const file = process.env.MODULE_TRACE_FILE;

export const load: LoadHook = async (url, context, next) => {
  if (file) appendFileSync(file, `${url}\n`);
  return next(url, context);
};
