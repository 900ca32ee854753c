// `npm run headless`: the engine with a terminal for a face, for machines with no display.
import QRCode from 'qrcode';
import { defaultDataDir } from './engine/data-dir.js';
import { createKeeper, type Keeper, type KeeperOptions } from './engine/index.js';
import { headlessSecretProvider, installationKeyPath } from './engine/backup/key-store.js';
import { parseRecoveryKey } from './engine/backup/recovery-key.js';
import { formatStatusLine, formatLogLine } from './headless-format.js';
import { parseHeadlessArgs, USAGE, UsageError, type HeadlessCommand } from './headless-args.js';

async function run(cmd: Extract<HeadlessCommand, { kind: 'run' }>): Promise<void> {
  const dataDir = cmd.dataDir ?? defaultDataDir();
  const keeper = createKeeper({
    dataDir,
    phones: cmd.phones.map((id) => ({ id })),
    socket: socketOverrides(),
    backup: await backupOptions(dataDir),
  });
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

/**
 * Backups for the headless runner, from the environment: a passphrase, and Supabase Storage when
 * configured (imported only then: supabase-js warns on Node 20 when merely loaded).
 */
async function backupOptions(dataDir: string): Promise<NonNullable<KeeperOptions['backup']>> {
  const env = process.env;
  const secret = headlessSecretProvider({
    keyFile: installationKeyPath(dataDir),
    passphrase: () => env.SESSION_KEEPER_BACKUP_PASSPHRASE ?? null,
  });
  if (env.SUPABASE_URL && env.SUPABASE_KEY && env.SUPABASE_BUCKET) {
    const { SupabaseTarget } = await import('./engine/backup/supabase-target.js');
    const target = new SupabaseTarget({
      url: env.SUPABASE_URL,
      key: env.SUPABASE_KEY,
      bucket: env.SUPABASE_BUCKET,
      prefix: env.SUPABASE_PREFIX ?? 'session-keeper',
    });
    return { target, secret };
  }
  return { secret };
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

async function backupCommand(cmd: Extract<HeadlessCommand, { kind: 'backup' | 'backups' | 'restore' }>): Promise<void> {
  const dataDir = cmd.dataDir ?? defaultDataDir();
  const keeper = createKeeper({ dataDir, phones: [{ id: cmd.phone }], backup: await backupOptions(dataDir) });
  try {
    if (cmd.kind === 'backup') {
      const r = await keeper.backupNow(cmd.phone, { force: cmd.force });
      switch (r.outcome) {
        case 'uploaded':
          process.stdout.write(`Backed up phone "${cmd.phone}" as ${r.generation}.\n`);
          break;
        case 'unchanged':
          process.stdout.write(`Nothing changed since backup ${r.generation ?? '(none)'}; no new generation (use --force).\n`);
          break;
        case 'skipped':
          throw new Error(`backup skipped: ${r.reason}`);
        case 'failed':
          throw new Error(`backup failed: ${r.error}`);
      }
    } else if (cmd.kind === 'backups') {
      const list = await keeper.listBackups(cmd.phone);
      if (list.length === 0) process.stdout.write(`No backups of phone "${cmd.phone}".\n`);
      for (const b of list) process.stdout.write(`${b.name}  ${new Date(b.createdAt).toISOString()}  ${b.size} bytes\n`);
    } else {
      const r = await keeper.restore(cmd.phone, {
        ...(cmd.generation ? { generation: cmd.generation } : {}),
        ...(cmd.recoveryKey ? { secret: { installationKey: parseRecoveryKey(cmd.recoveryKey) } } : {}),
      });
      process.stdout.write(`Restored ${r.generation} for ${r.me}.\n`);
      if (r.quarantinedTo) process.stdout.write(`The previous session files were moved to ${r.quarantinedTo}.\n`);
    }
  } finally {
    await keeper.stop();
  }
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
    case 'backup':
    case 'backups':
    case 'restore':
      await backupCommand(cmd);
      return 0;
    case 'recovery-key': {
      const keeper = createKeeper({ dataDir: cmd.dataDir ?? defaultDataDir(), phones: [{ id: 'default' }] });
      process.stdout.write(`${await keeper.recoveryKey()}\n`);
      process.stderr.write('Anyone with this key and a backup file can take over the WhatsApp session: keep it offline.\n');
      return 0;
    }
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
