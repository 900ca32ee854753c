// `npm run headless`: the engine with a terminal for a face, for machines with no display.
// headless-stop first: its signal handlers must exist before the heavy imports below load.
import { markOneShot, setStopper } from './headless-stop.js';
import { createInterface } from 'node:readline';
import { defaultDataDir } from './engine/data-dir.js';
import { createKeeper, type Keeper, type KeeperOptions } from './engine/index.js';
import { dirname } from 'node:path';
import { dataPaths } from './engine/paths.js';
import { keyFileSecretProvider, installationKeyPath } from './engine/backup/key-store.js';
import type { BackupTarget } from './engine/backup/targets.js';
import { socketOverridesFromEnv, waVersionUrlFromEnv } from './engine/env-overrides.js';
import { keeperOptionsFromSettings } from './engine-options.js';
import { loadSettingsFile, readSettingsFileOnly } from './headless-settings.js';
import { existsSync } from 'node:fs';
import { historyFile } from './engine/uptime/history-store.js';
import { parseRecoveryKey } from './engine/backup/recovery-key.js';
import { BackupError } from './engine/backup/errors.js';
import { passphraseProblem } from './engine/backup/passphrase-policy.js';
import { formatStatusLine, formatLogLine } from './headless-format.js';
import { presentUptime, uptimeReportText } from './presenters/uptime-presenter.js';
import { parseHeadlessArgs, USAGE, UsageError, type HeadlessCommand } from './headless-args.js';
import { CODE_HINT, CONSOLE_HELP, CONSOLE_HINT, parseConsoleLine } from './headless-console.js';
import { pairCodeTarget, PairCodePrinter } from './headless-pair-code.js';
import { ensureDir } from './engine/auth-store/atomic-fs.js';
import { DataFolderLockedError, DataFolderUnwritableError, holdDataFolder, type DataFolderLock } from './engine/data-folder-lock.js';
import { headlessApiPlan, startHeadlessApi } from './headless-api.js';
import type { AppSettings } from './settings/schema.js';
import type { LocalApi } from './api/local-api.js';

async function run(cmd: Extract<HeadlessCommand, { kind: 'run' }>): Promise<number> {
  const dataDir = cmd.dataDir ?? defaultDataDir();
  const lock = await holdDataFolder(dataDir, 'headless run', { onLost: (err) => lostDataFolder(err), onRefreshRefused: (err) => refusedLockRefresh(err) });
  let keeper: Keeper;
  let settings: AppSettings;
  try {
    const setup = await headlessSetup(cmd.dataDir, cmd.phones);
    settings = setup.settings;
    keeper = createKeeper(setup.options);
  } catch (err) {
    await lock.release();
    throw err;
  }
  let api: LocalApi | null = null;
  setStopper(async () => {
    await api?.close();
    await stopAndRelease(keeper, lock);
  });
  let codeTarget: string | null;
  try {
    codeTarget = cmd.pairCode ? pairCodeTarget(cmd.pairCode, keeper.phoneIds()) : null;
  } catch (err) {
    await lock.release();
    throw err;
  }
  const codes = codeTarget !== null && cmd.pairCode ? new PairCodePrinter(keeper, codeTarget, cmd.pairCode.number, (text) => process.stdout.write(`${text}\n`)) : null;
  const lastQr = new Map<string, string>();
  const states = new Map(keeper.phoneIds().map((id) => [id, 'stopped']));
  keeper.on('status', (s) => {
    states.set(s.phoneId, s.state);
    process.stdout.write(`${formatStatusLine(s, Date.now())}\n`);
    codes?.onStatus(s);
    // a phone linking by number gets its code printed instead of the QR
    if (s.qr && s.phoneId !== codeTarget && lastQr.get(s.phoneId) !== s.qr) {
      const qr = s.qr;
      lastQr.set(s.phoneId, qr);
      // qrcode is loaded by the first QR to draw: a linked phone's runner never needs it
      import('qrcode')
        .then(({ default: QRCode }) => QRCode.toString(qr, { type: 'terminal', small: true, errorCorrectionLevel: 'L' }))
        .then((art) => process.stdout.write(`${art}\nScan with WhatsApp → Linked devices → Link a device (${s.phoneId})\n`))
        .catch((err: unknown) => process.stderr.write(`could not draw the QR code: ${(err as Error).message}\n`));
    }
  });
  keeper.on('log', (e) => {
    if (e.level === 'debug' && !cmd.verbose) return;
    process.stdout.write(`${formatLogLine(e)}\n`);
  });
  process.stdout.write(`Session Keeper headless — data folder: ${dataDir}\n`);
  let started;
  try {
    started = await keeper.start();
  } catch (err) {
    await stopAndRelease(keeper, lock).catch(() => undefined);
    throw err;
  }
  const failed = started.filter((r) => r.error !== null);
  if (started.length > 0 && failed.length === started.length) {
    // Running on with nothing started would look alive while keeping nothing alive.
    process.stderr.write(`error: no phone could start:\n${failed.map((r) => `  [${r.phoneId}] could not start: ${r.error ?? ''}`).join('\n')}\n`);
    await stopAndRelease(keeper, lock).catch(() => undefined);
    return 1;
  }
  // the settings file's api section (as the tray app uses it), the flags overriding it
  const apiPlan = headlessApiPlan(cmd, settings.api);
  if (apiPlan) {
    try {
      api = await startHeadlessApi({
        plan: apiPlan,
        dataDir,
        settingsDir: settingsDirFor(cmd.dataDir),
        keeper,
        // incoming messages from the raw port; every send through the outbound anti-ban gate
        messaging: keeper.messaging,
        outbound: keeper.outbound,
        print: (line) => process.stdout.write(`${line}\n`),
      });
    } catch (err) {
      const why = apiStartProblem(err, apiPlan.address);
      if (apiPlan.fromFile) {
        // the command line never asked for the API: keeping the sessions alive matters more (as in the tray app)
        process.stderr.write(`warning: the local API from the settings file's api section could not start: ${why}. The keeper runs on without it; change api.port in the settings file or free the port, then restart.\n`);
      } else {
        await stopAndRelease(keeper, lock).catch(() => undefined);
        throw new ConfigError(`The local API could not start: ${why}`);
      }
    }
  }
  codes?.request();
  listenForCommands(keeper, states, codes);
  return -1; // keeps running until a signal
}

/** Why the API could not listen, in words: a taken port names itself. */
function apiStartProblem(err: unknown, address: { host: string; port: number }): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') return `port ${address.port} on ${address.host} is already in use`;
  if (code === 'EACCES') return `port ${address.port} on ${address.host} may not be used by this user`;
  return (err as Error).message;
}

/** Flushes the sessions, then lets the data folder go. */
async function stopAndRelease(keeper: Keeper, lock: DataFolderLock): Promise<void> {
  try {
    await keeper.stop();
  } finally {
    await lock.release();
  }
}

/** Another process took the data folder from under us: stop writing to it at once. */
/** The disk refused the lock's refresh: a storage fault to show, not a reason to stop (it is taken back by itself). */
function refusedLockRefresh(err: Error): void {
  process.stderr.write(`warning: ${err.message} Keeping the folder and retrying.\n`);
}

function lostDataFolder(err: Error): never {
  process.stderr.write(`error: lost the lock on the data folder (${err.message}); stopping so that two processes never write one folder.\n`);
  process.exit(2);
}

/** Runs a command that writes to the data folder while holding it; refused while another process holds it. */
async function withDataFolder<T>(dataDir: string | null, command: string, fn: () => Promise<T>): Promise<T> {
  const lock = await holdDataFolder(dataDir ?? defaultDataDir(), command, { onLost: (err) => lostDataFolder(err), onRefreshRefused: (err) => refusedLockRefresh(err) });
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/** Lines typed on stdin (a terminal, or a pipe): `r` asks for new QR codes, `c` for a new pairing code. Ctrl-C stays a signal. */
function listenForCommands(keeper: Keeper, states: ReadonlyMap<string, string>, codes: PairCodePrinter | null): void {
  if (process.stdin.isTTY) process.stdout.write(`${codes ? CODE_HINT : CONSOLE_HINT}\n`);
  const lines = createInterface({ input: process.stdin, terminal: false });
  lines.on('line', (line) => {
    const cmd = parseConsoleLine(line, states, codes?.phoneId ?? null);
    if (cmd.kind === 'code') codes?.request();
    if (cmd.kind === 'help') process.stdout.write(`${CONSOLE_HELP}\n`);
    else if (cmd.kind === 'refused') process.stdout.write(`${cmd.message}\n`);
    else if (cmd.kind === 'resume-sending') {
      const id = cmd.phone;
      keeper.resumeOutbound(id).then(
        (lifted) => process.stdout.write(lifted ? `[${id}] sending resumed.\n` : `[${id}] sending was not stopped: nothing to resume.\n`),
        (err: unknown) => process.stderr.write(`[${id}] could not resume sending: ${(err as Error).message}\n`),
      );
    } else if (cmd.kind === 'qr') {
      for (const id of cmd.phones) {
        process.stdout.write(`[${id}] asking for a new QR code…\n`);
        keeper.requestQr(id).catch((err: unknown) => process.stderr.write(`[${id}] no new QR code: ${(err as Error).message}\n`));
      }
    }
  });
}

/** Configuration a person must fix before anything runs (exit code 2, message only). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export class SettingsFileError extends ConfigError {
  constructor(path: string, problems: { path: string; message: string }[]) {
    super(`The settings file ${path} is not valid:\n${problems.map((p) => `  - ${p.path || '(file)'}: ${p.message}`).join('\n')}`);
    this.name = 'SettingsFileError';
  }
}

/** Where the settings file lives: a chosen data folder holds its own; the default one shares the tray app's. */
function settingsDirFor(dataDirFlag: string | null): string {
  const env = process.env;
  const dataDir = dataDirFlag ?? defaultDataDir();
  const chosen = dataDirFlag !== null || Boolean(env.SESSION_KEEPER_DATA_DIR);
  return env.SESSION_KEEPER_SETTINGS_DIR ?? (chosen ? dataDir : dirname(dataDir));
}

/**
 * The keeper's options from the shared settings file (the tray app's settings.json: next to the
 * default data folder, or inside --data-dir), the environment (SESSION_KEEPER_WA_URL, backup
 * passphrase, Supabase) and --phone flags. An invalid settings file is an error, never ignored.
 */
async function headlessKeeperOptions(dataDirFlag: string | null, phones: string[] | null, readOnly = false): Promise<KeeperOptions> {
  return (await headlessSetup(dataDirFlag, phones, readOnly)).options;
}

/** The keeper's options and the settings they came from (the run also reads the `api` section). */
async function headlessSetup(dataDirFlag: string | null, phones: string[] | null, readOnly = false): Promise<{ options: KeeperOptions; settings: AppSettings }> {
  const env = process.env;
  const dataDir = dataDirFlag ?? defaultDataDir();
  const settingsDir = settingsDirFor(dataDirFlag);
  if (readOnly && !existsSync(dataDir)) throw new ConfigError(`no data folder at ${dataDir} (nothing to read there)`);
  // made (or tightened) before the settings file, whose library would create it 0755
  if (!readOnly) await ensureDir(dataDir);
  const loaded = readOnly ? { ...readSettingsFileOnly(settingsDir), warnings: [] } : loadSettingsFile(settingsDir);
  const { result, path } = loaded;
  for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
  if (!result.ok) throw new SettingsFileError(path, result.problems);
  const settings = result.settings;
  const passphrase = env.SESSION_KEEPER_BACKUP_PASSPHRASE;
  const weak = passphrase ? passphraseProblem(passphrase) : null;
  if (weak) throw new ConfigError(`SESSION_KEEPER_BACKUP_PASSPHRASE is refused: ${weak}`);
  const secret = keyFileSecretProvider({
    keyFile: installationKeyPath(dataDir),
    passphrase: () => env.SESSION_KEEPER_BACKUP_PASSPHRASE ?? null,
  });
  // Supabase from the environment, or from the settings with the key from the environment (the
  // app keeps that key in the OS keychain, which a headless process cannot read).
  const url = env.SUPABASE_URL ?? (settings.backup.target === 'supabase' ? settings.backup.supabase.url : '');
  const bucket = env.SUPABASE_BUCKET ?? (settings.backup.target === 'supabase' ? settings.backup.supabase.bucket : '');
  let supabaseTarget: BackupTarget | null = null;
  if (url && bucket && env.SUPABASE_KEY) {
    // imported only when used: supabase-js warns on Node 20 when merely loaded
    const { SupabaseTarget } = await import('./engine/backup/supabase-target.js');
    supabaseTarget = new SupabaseTarget({ url, key: env.SUPABASE_KEY, bucket, prefix: env.SUPABASE_PREFIX ?? settings.backup.supabase.prefix });
  } else if (settings.backup.target === 'supabase') {
    process.stderr.write('Supabase backups are selected but SUPABASE_KEY is not set: backups are off.\n');
  }
  const effective = supabaseTarget && settings.backup.target !== 'supabase' ? { ...settings, backup: { ...settings.backup, target: 'supabase' as const } } : settings;
  const socket = socketOverridesFromEnv(env);
  const waVersionUrl = waVersionUrlFromEnv(env);
  const options = keeperOptionsFromSettings(effective, { dataDir, secret, supabaseTarget, waVersionUrl, ...(socket ? { socket } : {}) });
  return { options: phones ? { ...options, phones: phones.map((id) => ({ id })) } : options, settings };
}

async function importFolder(cmd: Extract<HeadlessCommand, { kind: 'import' }>): Promise<void> {
  const keeper = createKeeper(await headlessKeeperOptions(cmd.dataDir, [cmd.phone]));
  const result = await keeper.importSession(cmd.phone, cmd.from, { replace: cmd.replace });
  process.stdout.write(`Imported ${cmd.from} as phone "${cmd.phone}" into ${keeper.paths.session(cmd.phone)}.\n`);
  if (result.quarantinedTo) process.stdout.write(`The previous session was set aside in ${result.quarantinedTo}.\n`);
  await keeper.stop();
}

async function backupCommand(cmd: Extract<HeadlessCommand, { kind: 'backup' | 'backups' | 'restore' }>): Promise<void> {
  const keeper = createKeeper(await headlessKeeperOptions(cmd.dataDir, [cmd.phone]));
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
      if (list.length === 0) {
        // Supabase lists a mistyped bucket, or one the key may not read, as simply empty.
        process.stdout.write(`No backups of phone "${cmd.phone}". If you expected some, run backup-check: a wrong bucket or a missing select policy also lists as empty.\n`);
      }
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

/** Exit 0 when the target works end to end, 1 with the problem in words otherwise. */
async function backupCheck(cmd: Extract<HeadlessCommand, { kind: 'backup-check' }>): Promise<number> {
  const keeper = createKeeper(await headlessKeeperOptions(cmd.dataDir, ['default']));
  try {
    const r = await keeper.checkBackupTarget();
    for (const s of r.steps) process.stdout.write(`${s.ok ? 'ok  ' : 'FAIL'} ${s.step.padEnd(6)} ${s.detail}\n`);
    if (r.warning) process.stderr.write(`warning: ${r.warning}\n`);
    if (r.ok) {
      process.stdout.write(`${r.summary}\n`);
      return 0;
    }
    process.stderr.write(`${r.problem ?? r.summary}\n`);
    return 1;
  } finally {
    await keeper.stop();
  }
}

/**
 * Prints each phone's uptime strip from its history file. Only reads: it runs beside the tray
 * app or a headless run, and a keeper that is never started connects and writes nothing.
 */
async function uptimeCommand(cmd: Extract<HeadlessCommand, { kind: 'uptime' }>): Promise<number> {
  const options = await headlessKeeperOptions(cmd.dataDir, null, true);
  const configured = new Set(options.phones.map((p) => p.id));
  const paths = dataPaths(options.dataDir);
  for (const id of cmd.phones ?? []) {
    // a phone is here when the settings name it or it left a session or a history behind
    if (!configured.has(id) && !existsSync(paths.session(id)) && !existsSync(historyFile(paths.logs, id))) throw new ConfigError(`no phone "${id}" here (${options.dataDir})`);
  }
  if (cmd.phones) options.phones = cmd.phones.map((id) => options.phones.find((p) => p.id === id) ?? { id });
  const keeper = createKeeper(options);
  const texts: string[] = [];
  for (const phone of options.phones) texts.push(uptimeReportText(presentUptime(await keeper.uptime(phone.id)), phone.label ?? phone.id));
  process.stdout.write(`${texts.join('\n\n')}\n`);
  return 0;
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
  try {
    return await dispatch(cmd);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError || err instanceof DataFolderLockedError || err instanceof DataFolderUnwritableError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

async function dispatch(cmd: HeadlessCommand): Promise<number> {
  if (cmd.kind !== 'run' && cmd.kind !== 'help') markOneShot();
  switch (cmd.kind) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'import':
      await withDataFolder(cmd.dataDir, 'headless import', () => importFolder(cmd));
      return 0;
    case 'backup':
    case 'restore':
      await withDataFolder(cmd.dataDir, `headless ${cmd.kind}`, () => backupCommand(cmd));
      return 0;
    case 'backups':
      await backupCommand(cmd); // only reads
      return 0;
    case 'backup-check':
      return backupCheck(cmd);
    case 'uptime':
      return uptimeCommand(cmd);
    case 'recovery-key': {
      // the same settings, target and passphrase as `run`: the key printed must open those backups
      const keeper = createKeeper(await headlessKeeperOptions(cmd.dataDir, cmd.phones));
      try {
        process.stdout.write(`${await keeper.recoveryKey()}\n`);
      } catch (err) {
        if (!(err instanceof BackupError && (err.kind === 'no-recovery-key' || err.kind === 'key-missing'))) throw err;
        process.stderr.write(`No recovery key to print: ${err.message}.\n`);
        return 1;
      } finally {
        await keeper.stop();
      }
      process.stderr.write('Anyone with this key and a backup file can take over the WhatsApp session: keep it offline.\n');
      return 0;
    }
    case 'run':
      return run(cmd);
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
