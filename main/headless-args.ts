// Command line of the headless runner, parsed into plain data (tested without starting anything).
import { parseArgs } from 'node:util';
import { isPhoneId, phoneIdProblem } from './engine/phone-id.js';
import { webhookUrlProblem } from './settings/schema.js';
import { parsePairingNumber } from './engine/pairing-code.js';
import { CONSOLE_HELP } from './headless-console.js';

export const USAGE = `Session Keeper (headless) — keeps WhatsApp Web linked-device sessions alive.

Usage:
  npm run headless -- [options]                 run: show QR codes, keep sessions alive
  npm run headless -- --pair-code +<number>     run, linking by phone number: print a code to type
                                                on that phone instead of a QR code
  SESSION_KEEPER_PAIR_NUMBER=+<number> npm run headless -- --pair-code
                                                the same, with the number kept off the command line
  npm run headless -- import <folder> [options] import a Baileys session folder (useMultiFileAuthState)
  npm run headless -- backup [options]          back the session up now (skipped when unchanged)
  npm run headless -- backups [options]         list the stored backup generations
  npm run headless -- restore [generation]      restore a generation (default: the newest valid one)
  npm run headless -- backup-check              test the backup target: store, list, read and remove a
                                                test file, and say what is missing (bucket, policy, key)
  npm run headless -- recovery-key              print the recovery key that opens the newest backup
                                                (refuses when the backups use your passphrase)
  npm run headless -- uptime [--phone <id>]     each phone's last 30 days: one character per day,
                                                the 24 h / 7 d / 30 d uptime and the days to look at

Options:
  --data-dir <dir>   where sessions, state and logs live
                     (default: $SESSION_KEEPER_DATA_DIR, else the app's data folder)
  --phone <id>       a phone to run; repeat for several (default: the phones in the settings
                     file, else "default")
  --pair-code <num>  with run: the WhatsApp number to link, with country code (+44 7700 900123);
                     type the printed code on that phone under Linked devices → Link a device →
                     Link with phone number instead. One phone: --phone, else the only one.
                     Only that phone runs: the others are not kept alive until you start
                     again without --pair-code.
                     Without <num> it is read from $SESSION_KEEPER_PAIR_NUMBER: other users of
                     this computer can read command lines (ps), not your environment
  --replace          with import: set an existing session aside (quarantine) and import anyway
  --force            with backup: store a new generation even when nothing changed
  --recovery-key <k> with restore: open the backups with this recovery key (e.g. on a new machine);
                     a computer with no key of its own keeps it for its next backups
  --api <host:port>  serve the local API (send and receive from a bot) on this loopback address,
                     e.g. 127.0.0.1:8787 (port 0 picks a free one); the bearer token is
                     $SESSION_KEEPER_API_TOKEN, else one generated once and stored (0600) beside
                     the settings file as api-token. Without it, the settings file's api section
                     (as the tray app saves it: enabled, port, webhooks) decides; --api overrides
                     its address and --webhook its webhooks
  --webhook <url>    with --api: POST every event to this URL (https, or http to this machine),
                     signed with a per-webhook secret (printed once, stored beside the settings
                     file); repeat for several
  --verbose          also print debug log lines
  -h, --help         show this help

Settings (keep-alive interval and windows, time zone, reconnect, backup target) come from the
same settings.json as the tray app: in the app's data folder, or in --data-dir when given.

Backups are encrypted. The key is SESSION_KEEPER_BACKUP_PASSPHRASE when set (12+ characters),
otherwise the installation key in <data-dir>/keys/backup-installation.key, the same file the
tray app uses; the first backup creates it. They go to <data-dir>/backups/<phone>/, or to Supabase
Storage when SUPABASE_URL, SUPABASE_KEY and SUPABASE_BUCKET are set.

One process at a time per data folder: while the tray app or another run, import, backup or
restore holds it, these commands exit 2 naming the holder and write nothing.

While it runs, type a command and Enter:
${CONSOLE_HELP.replace(/^Commands:\n/, '')}

Stop with Ctrl-C (or SIGTERM): sessions are flushed and the runner exits 0. It exits 1 when no
phone could start.`;

export type HeadlessCommand =
  | { kind: 'help' }
  /** phones: from --phone, or null to run the phones in the settings file */
  | { kind: 'run'; dataDir: string | null; phones: string[] | null; verbose: boolean; api: ApiAddress | null; webhooks: string[]; pairCode?: PairCodeRequest }
  | { kind: 'import'; dataDir: string | null; phone: string; from: string; replace: boolean }
  | { kind: 'backup'; dataDir: string | null; phone: string; force: boolean }
  | { kind: 'backups'; dataDir: string | null; phone: string }
  | { kind: 'restore'; dataDir: string | null; phone: string; generation: string | null; recoveryKey: string | null }
  /** phones whose backups decide which key opens the newest one: --phone, or null for the settings file's */
  | { kind: 'recovery-key'; dataDir: string | null; phones: string[] | null }
  | { kind: 'backup-check'; dataDir: string | null }
  /** phones: --phone, or null for the settings file's */
  | { kind: 'uptime'; dataDir: string | null; phones: string[] | null };

/** Where the local API listens: loopback only. */
export interface ApiAddress {
  host: string;
  port: number;
}

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

/** `127.0.0.1:8787`, `localhost:8787` or `[::1]:8787`; anything that reaches other machines is refused. */
export function parseApiAddress(text: string): ApiAddress {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!m || host === undefined || port > 65535) throw new UsageError(`--api needs a loopback address and port, e.g. 127.0.0.1:8787 (got ${JSON.stringify(text)}).`);
  if (!LOOPBACK_HOSTS.includes(host)) throw new UsageError(`--api listens only on this machine (127.0.0.1, localhost or [::1]), not ${host}: the API can send messages as you.`);
  return { host, port };
}

/** A webhook URL by the settings' rule: https, or plain http to this machine. */
export function parseWebhookUrl(text: string): string {
  const problem = webhookUrlProblem(text);
  if (problem) throw new UsageError(`--webhook: ${problem}.`);
  return new URL(text).href;
}

/** Link by phone number: these digits (country code first), for this phone (null: the only one running). */
export interface PairCodeRequest {
  number: string;
  phone: string | null;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The variable `--pair-code` without a number reads: a number there is not in `ps` output. */
export const PAIR_NUMBER_ENV = 'SESSION_KEEPER_PAIR_NUMBER';

export function parseHeadlessArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): HeadlessCommand {
  // `--pair-code` last or before another option has no number of its own: it reads the env
  const args = argv.map((a, i) => (a === '--pair-code' && !(argv[i + 1] ?? '-').match(/^[^-]/) ? '--pair-code=' : a));
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        'data-dir': { type: 'string' },
        phone: { type: 'string', multiple: true },
        replace: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        'recovery-key': { type: 'string' },
        'pair-code': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        api: { type: 'string' },
        webhook: { type: 'string', multiple: true },
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
    if (!isPhoneId(id)) throw new UsageError(phoneIdProblem(id));
  }
  if (new Set(phones).size !== phones.length) throw new UsageError('The same --phone is given twice.');
  const [command, ...rest] = positionals;
  const webhooks = (values.webhook ?? []).map(parseWebhookUrl);
  if ((values.api !== undefined || webhooks.length > 0) && command !== undefined) throw new UsageError('--api and --webhook only go with a run (no command).');
  if (values.force && command !== 'backup') throw new UsageError('--force only goes with backup.');
  const recoveryKey = values['recovery-key'] ?? null;
  if (recoveryKey !== null && command !== 'restore') throw new UsageError('--recovery-key only goes with restore.');
  const pairNumber = values['pair-code'];
  if (pairNumber !== undefined && command !== undefined) throw new UsageError('--pair-code only goes with a run (no command).');
  const onePhone = (): string => {
    if (phones.length !== 1) throw new UsageError(`${command ?? 'this command'} takes one --phone.`);
    return phones[0] ?? 'default';
  };
  if (command === 'backup' || command === 'backups') {
    if (rest.length > 0) throw new UsageError(`${command} takes no arguments besides options.`);
    return command === 'backup'
      ? { kind: 'backup', dataDir, phone: onePhone(), force: values.force }
      : { kind: 'backups', dataDir, phone: onePhone() };
  }
  if (command === 'restore') {
    if (rest.length > 1) throw new UsageError('restore takes at most one generation name.');
    return { kind: 'restore', dataDir, phone: onePhone(), generation: rest[0] ?? null, recoveryKey };
  }
  if (command === 'backup-check') {
    if (rest.length > 0) throw new UsageError('backup-check takes no arguments.');
    return { kind: 'backup-check', dataDir };
  }
  if (command === 'recovery-key') {
    if (rest.length > 0) throw new UsageError('recovery-key takes no arguments.');
    return { kind: 'recovery-key', dataDir, phones: values.phone ?? null };
  }
  if (command === 'uptime') {
    if (rest.length > 0) throw new UsageError('uptime takes no arguments besides --phone.');
    return { kind: 'uptime', dataDir, phones: values.phone ?? null };
  }
  if (command === undefined) {
    if (values.replace) throw new UsageError('--replace only goes with import.');
    if (webhooks.length > 0 && values.api === undefined) throw new UsageError('--webhook needs --api (the webhooks carry the API\'s events).');
    if (new Set(webhooks).size !== webhooks.length) throw new UsageError('The same --webhook is given twice.');
    const api = values.api !== undefined ? parseApiAddress(values.api) : null;
    const run = { kind: 'run', dataDir, phones: values.phone ?? null, verbose: values.verbose, api, webhooks } as const;
    if (pairNumber === undefined) return run;
    if ((values.phone?.length ?? 0) > 1) throw new UsageError('--pair-code links one phone: give at most one --phone.');
    const given = pairNumber === '' ? env[PAIR_NUMBER_ENV] : pairNumber;
    if (given === undefined || given.trim() === '') throw new UsageError(`--pair-code needs the number to link: --pair-code +<number>, or --pair-code alone with ${PAIR_NUMBER_ENV} set.`);
    let number: string;
    try {
      number = parsePairingNumber(given);
    } catch (err) {
      throw new UsageError(`--pair-code: ${(err as Error).message}`);
    }
    return { ...run, pairCode: { number, phone: values.phone?.[0] ?? null } };
  }
  if (command === 'import') {
    if (rest.length !== 1 || !rest[0]) throw new UsageError('import takes exactly one folder: import <folder>');
    if (phones.length !== 1) throw new UsageError('import takes one --phone.');
    return { kind: 'import', dataDir, phone: phones[0] ?? 'default', from: rest[0], replace: values.replace };
  }
  throw new UsageError(`Unknown command ${JSON.stringify(command)}. Commands: import, backup, backups, restore, backup-check, recovery-key, uptime. See --help.`);
}
