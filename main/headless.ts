// `npm run headless`: the engine with a terminal for a face, for machines with no display.
import QRCode from 'qrcode';
import { defaultDataDir } from './engine/data-dir.js';
import { createKeeper, type Keeper } from './engine/index.js';
import { formatStatusLine, formatLogLine } from './headless-format.js';
import { parseHeadlessArgs, USAGE, UsageError, type HeadlessCommand } from './headless-args.js';

async function run(cmd: Extract<HeadlessCommand, { kind: 'run' }>): Promise<void> {
  const dataDir = cmd.dataDir ?? defaultDataDir();
  const keeper = createKeeper({ dataDir, phones: cmd.phones.map((id) => ({ id })), socket: socketOverrides() });
  const lastQr = new Map<string, string>();
  keeper.on('status', (s) => {
    process.stdout.write(`${formatStatusLine(s)}\n`);
    if (s.qr && lastQr.get(s.phoneId) !== s.qr) {
      lastQr.set(s.phoneId, s.qr);
      QRCode.toString(s.qr, { type: 'terminal', small: true, errorCorrectionLevel: 'L' })
        .then((art) => process.stdout.write(`${art}\nScan with WhatsApp → Linked devices → Link a device (${s.phoneId})\n`))
        .catch((err: unknown) => process.stderr.write(`could not draw the QR code: ${(err as Error).message}\n`));
    }
  });
  keeper.on('log', (e) => {
    if (e.level === 'debug' && !cmd.verbose) return;
    process.stdout.write(`${formatLogLine(e)}\n`);
  });
  installShutdown(keeper);
  process.stdout.write(`Session Keeper headless — data folder: ${dataDir}\n`);
  await keeper.start();
}

/** SESSION_KEEPER_WA_URL points the sessions at another WhatsApp Web endpoint (a proxy, or the test server). */
function socketOverrides(): { waWebSocketUrl: string } | undefined {
  const url = process.env.SESSION_KEEPER_WA_URL;
  return url ? { waWebSocketUrl: url } : undefined;
}

let stopping = false;
function installShutdown(keeper: Keeper): void {
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping sessions…\n`);
    keeper
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

async function importFolder(cmd: Extract<HeadlessCommand, { kind: 'import' }>): Promise<void> {
  const dataDir = cmd.dataDir ?? defaultDataDir();
  const keeper = createKeeper({ dataDir, phones: [{ id: cmd.phone }] });
  const result = await keeper.importSession(cmd.phone, cmd.from, { replace: cmd.replace });
  process.stdout.write(`Imported ${cmd.from} as phone "${cmd.phone}" into ${keeper.paths.session(cmd.phone)}.\n`);
  if (result.quarantinedTo) process.stdout.write(`The previous session was set aside in ${result.quarantinedTo}.\n`);
  await keeper.stop();
}

async function main(): Promise<number> {
  let cmd: HeadlessCommand;
  try {
    cmd = parseHeadlessArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  switch (cmd.kind) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'import':
      await importFolder(cmd);
      return 0;
    case 'run':
      await run(cmd);
      return -1; // keeps running until a signal
  }
}

main()
  .then((code) => {
    if (code >= 0) process.exitCode = code;
  })
  .catch((err: unknown) => {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
