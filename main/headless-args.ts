// Command line of the headless runner, parsed into plain data (tested without starting anything).
import { parseArgs } from 'node:util';
import { assertPhoneId } from './engine/paths.js';

export const USAGE = `Session Keeper (headless) — keeps WhatsApp Web linked-device sessions alive.

Usage:
  npm run headless -- [options]                 run: show QR codes, keep sessions alive
  npm run headless -- import <folder> [options] import a Baileys session folder (useMultiFileAuthState)

Options:
  --data-dir <dir>   where sessions, state and logs live
                     (default: $SESSION_KEEPER_DATA_DIR, else the app's data folder)
  --phone <id>       a phone to run; repeat for several (default: "default")
  --replace          with import: set an existing session aside (quarantine) and import anyway
  --verbose          also print debug log lines
  -h, --help         show this help

Stop with Ctrl-C (or SIGTERM): sessions are flushed and the runner exits 0.`;

export type HeadlessCommand =
  | { kind: 'help' }
  | { kind: 'run'; dataDir: string | null; phones: string[]; verbose: boolean }
  | { kind: 'import'; dataDir: string | null; phone: string; from: string; replace: boolean };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseHeadlessArgs(argv: string[]): HeadlessCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'data-dir': { type: 'string' },
        phone: { type: 'string', multiple: true },
        replace: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const dataDir = values['data-dir'] ?? null;
  if (dataDir !== null && dataDir.trim() === '') throw new UsageError('--data-dir needs a folder.');
  const phones = values.phone ?? ['default'];
  for (const id of phones) {
    try {
      assertPhoneId(id);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (new Set(phones).size !== phones.length) throw new UsageError('The same --phone is given twice.');
  const [command, ...rest] = positionals;
  if (command === undefined) {
    if (values.replace) throw new UsageError('--replace only goes with import.');
    return { kind: 'run', dataDir, phones, verbose: values.verbose };
  }
  if (command === 'import') {
    if (rest.length !== 1 || !rest[0]) throw new UsageError('import takes exactly one folder: import <folder>');
    if (phones.length !== 1) throw new UsageError('import takes one --phone.');
    return { kind: 'import', dataDir, phone: phones[0] ?? 'default', from: rest[0], replace: values.replace };
  }
  throw new UsageError(`Unknown command ${JSON.stringify(command)}. Commands: import. See --help.`);
}
