// The engine's front door: N phones in one process, one status object per phone, one log.
// Electron-free, so the tray app and the headless runner drive the very same code.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import type { SocketConfig } from '@whiskeysockets/baileys';
import pino from 'pino';
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';
import { createAntiBanGate, type AntiBanGate } from './anti-ban.js';
import { ensureBaileysPatched } from './baileys-guard.js';
import { useCompiledSignatureCheck } from './compiled-signature-check.js';
import { systemClock, type Clock } from './clock.js';
import { KeeperError } from './errors.js';
import { liftBaileysWarnings } from './baileys-log-bridge.js';
import { normalizePolicyConfig, type PolicyConfig } from './disconnect-policy.js';
import type { DeafWatchConfig } from './session/deaf-socket-watch.js';
import { LearnedWaVersion } from './wa-version.js';
import { EventLog, type TailQuery } from './event-log.js';
import { KeepAliveScheduler, type BackupHook, type ManualPulseResult } from './keepalive-scheduler.js';
import { assertPhoneId, dataPaths, type DataPaths } from './paths.js';
import { PhoneSession } from './phone-session.js';
import { KeeperMessaging } from './messaging/keeper-messaging.js';
import { sweepStaleTemps } from './temp-sweep.js';
import { parseKeepAliveSettings, parseOutboundSettings, type KeepAliveSettings, type KeepAliveSettingsInput, type OutboundSettings, type OutboundSettingsInput, type SettingsProblem } from './settings-schema.js';
import { OutboundQueue } from './messaging/outbound-queue.js';
import type { MessageRecord, MessagingPort } from './messaging/types.js';
import type { LogEntry, LogLevel, PairingCode, PhoneConfig, PhoneStatus } from './types.js';
import { appVersion } from './app-version.js';
import { ensureDir } from './auth-store/atomic-fs.js';
import { BackupManager, type BackupResult } from './backup/backup-manager.js';
import type { RestoreOutcome } from './backup/restore-run.js';
import { installInstallationKey, installationKeyPath, keyFileSecretProvider, readInstallationKey, type BackupSecretProvider } from './backup/key-store.js';
import type { RecoveryKeyFacts } from './backup/recovery-export.js';
import type { BackupSecret } from './backup/envelope.js';
import { LocalFolderTarget } from './backup/local-folder-target.js';
import type { BackupEntry, BackupTarget } from './backup/targets.js';
import type { TargetCheck } from './backup/target-check.js';
import { HISTORY_WRITE_FAILED, UptimeHistory } from './uptime/history-store.js';
import type { UptimeReport } from './uptime/uptime.js';

export interface KeeperBackupOptions {
  /** where generations go; default: an encrypted local folder under dataDir/backups; null: none set up */
  target?: BackupTarget | null;
  /** the key; default: a passphrase-less installation key in a 0600 file under dataDir/keys */
  secret?: BackupSecretProvider;
  /** generations kept per phone (default 14) */
  keep?: number;
}

export interface KeeperOptions {
  dataDir: string;
  phones: PhoneConfig[];
  /** passed through to Baileys' makeWASocket (e.g. `waWebSocketUrl` for the test server) */
  socket?: Partial<SocketConfig>;
  policy?: Partial<PolicyConfig>;
  /** when an open socket that hears nothing counts as deaf and is replaced (DEFAULT_DEAF_WATCH) */
  deafWatch?: Partial<DeafWatchConfig>;
  /**
   * Learn the current WhatsApp Web version from this document at start (cached a day) and after
   * a 405, instead of announcing the one bundled with Baileys. Absent = Baileys' own, never asked.
   */
  waVersion?: { url: string; timeoutMs?: number };
  clock?: Clock;
  random?: () => number;
  /** Baileys' own chatter; silent unless asked for (it is noisy and not for end users) */
  baileysLogger?: ILogger;
  /** keep-alive and anti-ban settings, validated with the one settings schema (defaults when absent) */
  keepAlive?: KeepAliveSettingsInput;
  /**
   * Called after every keep-alive that went out, to back the session up. Until a backup is
   * configured (absent), the log says so. A rejection is logged, never thrown.
   */
  requestBackup?: BackupHook;
  /** encrypted session backups after keep-alives, pairing and creds changes; false turns them off */
  backup?: false | KeeperBackupOptions;
  /** the outbound anti-ban gate's limits (defaults when absent) */
  outbound?: OutboundSettingsInput;
  /** the port the outbound gate sends through: this keeper's own messaging unless given (tests, embedders with their own) */
  outboundPort?: MessagingPort;
}

/** createKeeper was given keep-alive settings the schema rejects; `problems` lists each one. */
export class InvalidSettingsError extends KeeperError {
  constructor(readonly problems: SettingsProblem[]) {
    super('invalid-settings', `Invalid keep-alive settings: ${problems.map((p) => p.message).join('; ')}`);
    this.name = 'InvalidSettingsError';
  }
}

export interface KeeperEvents {
  status: [PhoneStatus];
  log: [LogEntry];
}

/** How one phone's start went: `error` is null when it started (connecting, or waiting for a link). */
export interface PhoneStartResult {
  phoneId: string;
  error: string | null;
}

export class UnknownPhoneError extends KeeperError {
  constructor(phoneId: string) {
    super('unknown-phone', `No phone with id ${JSON.stringify(phoneId)} is configured.`);
    this.name = 'UnknownPhoneError';
  }
}

/** The uptime history, the backup plans and the rhythm loading beside the first connections (Keeper.loadRest). */
interface RestLoad {
  /** rejects when any of them could not be read */
  loaded: Promise<unknown>;
  /** what an 'open' waits for: settles either way */
  gate: Promise<void>;
  done: boolean;
}

export class Keeper extends EventEmitter<KeeperEvents> {
  readonly paths: DataPaths;
  private readonly sessions = new Map<string, PhoneSession>();
  private readonly eventLog: EventLog;
  private readonly clock: Clock;
  private readonly gate: AntiBanGate;
  private readonly scheduler: KeepAliveScheduler;
  readonly keepAliveSettings: KeepAliveSettings;
  private readonly lastState = new Map<string, string>();
  private readonly backups: BackupManager | null;
  /** what backups go to; null when turned off or not set up */
  private readonly backupTarget: BackupTarget | null;
  private readonly backupRegistered = new Set<string>();
  /** backup plans being read, by phone (planRead) */
  private readonly planReads = new Map<string, Promise<void>>();
  /** backup hooks waiting for their phone's plan, by phone (afterBackupPlans) */
  private readonly pendingHooks = new Map<string, Promise<void>>();
  /** the uptime history, the backup plans and the rhythm, loaded beside the first connections (loadRest) */
  private rest: RestLoad | null = null;
  /** the second part of the temp sweep, under way */
  private sweeping: Promise<void> | null = null;
  /** counts starts and stops: a start a stop overtook loads nothing more */
  private runs = 0;
  /** the WhatsApp Web version the sessions announce, when asked to learn it */
  private readonly waVersion: LearnedWaVersion | null;
  /** each phone's uptime history, outside the log's rotation */
  private readonly history: UptimeHistory;
  private lastHistoryError: string | null = null;
  private started = false;
  private stopping = false;
  private readonly rawMessaging: KeeperMessaging;
  /** Every message sent through this keeper passes this queue and its anti-ban gate. */
  readonly outbound: OutboundQueue;

  constructor(private readonly opts: KeeperOptions) {
    super();
    this.rawMessaging = new KeeperMessaging((id) => this.session(id).messaging);
    const ids = new Set<string>();
    for (const phone of opts.phones) {
      assertPhoneId(phone.id);
      if (ids.has(phone.id)) throw new KeeperError('invalid-settings', `Phone id ${JSON.stringify(phone.id)} is configured twice.`);
      ids.add(phone.id);
    }
    const parsed = parseKeepAliveSettings(opts.keepAlive ?? {});
    if (!parsed.ok) throw new InvalidSettingsError(parsed.problems);
    this.keepAliveSettings = parsed.settings;
    const outbound = parseOutboundSettings(opts.outbound ?? {});
    if (!outbound.ok) throw new InvalidSettingsError(outbound.problems.map((p) => ({ ...p, path: p.path === '' ? 'outbound' : `outbound.${p.path}` })));
    const outboundSettings = outbound.settings;
    this.clock = opts.clock ?? systemClock;
    this.gate = createAntiBanGate(parsed.settings, this.clock);
    this.paths = dataPaths(opts.dataDir);
    this.eventLog = new EventLog({
      dataDir: opts.dataDir,
      clock: this.clock,
      // a phone's log belongs to it; the app-wide log to every phone (the same disk refuses both)
      onWrite: (phoneId, path, err) => {
        for (const s of this.sessions.values()) if (phoneId === null || s.id === phoneId) s.logWritten(path, err);
      },
    });
    this.history = new UptimeHistory({
      logsDir: this.paths.logs,
      phoneIds: [...ids],
      clock: this.clock,
      onError: (phoneId, err) => this.historyFailed(phoneId, err),
    });
    const policy = normalizePolicyConfig(opts.policy);
    this.waVersion = opts.waVersion
      ? new LearnedWaVersion({
          ...opts.waVersion,
          stateDir: join(opts.dataDir, 'state'),
          clock: this.clock,
          log: (level, event, message, data) => this.log(null, level, event, message, data),
        })
      : null;
    const baileysLogger = opts.baileysLogger ?? (pino({ level: 'silent' }) as unknown as ILogger);
    const backup = opts.backup === false ? null : (opts.backup ?? {});
    this.backupTarget = backup === null ? null : backup.target === undefined ? new LocalFolderTarget(opts.dataDir) : backup.target;
    this.backups = backup === null ? null : this.makeBackupManager(backup, this.backupTarget);
    const backups = this.backups;
    for (const phone of opts.phones) {
      const session = new PhoneSession({
        phone,
        paths: this.paths,
        clock: this.clock,
        random: opts.random ?? Math.random,
        socket: opts.socket ?? {},
        policy,
        ...(opts.deafWatch ? { deafWatch: opts.deafWatch } : {}),
        ...(this.waVersion ? { waVersion: this.waVersion } : {}),
        baileysLogger: liftBaileysWarnings(baileysLogger, (event, message, data) => this.log(phone.id, 'warn', event, message, data)),
        log: (level, event, message, data) => this.log(phone.id, level, event, message, data),
        onStatus: (status) => this.onStatus(status),
        onMessage: (m) => this.rawMessaging.emitMessage(m),
        onMessageStatus: (u) => this.rawMessaging.emitStatus(u),
        gate: this.gate,
        keepAliveView: (id) => this.scheduler.view(id),
        untilLoaded: () => {
          const rest = this.loadRest();
          return rest && !rest.done ? rest.gate : null;
        },
        ...(backups
          ? {
              backupView: (id: string) => {
                if (!this.backupRegistered.has(id)) return undefined;
                const b = backups.status(id);
                return {
                  lastBackupAt: b.lastBackupAt,
                  lastBackupGeneration: b.lastBackupGeneration,
                  lastBackupError: b.lastBackupError,
                  backupFailing: b.backupFailing,
                  nextBackupAt: b.nextBackupAt,
                  backupWarning: b.backupWarning,
                };
              },
              backupHooks: {
                // the plans are read beside the first handshakes (loadRest): a phone with usable
                // session files connects without them, and what happens before they are read
                // (the login's creds, a pairing, a logout) is handed over once they are
                restoreAtStart: (id: string) => backups.restoreAtStart(id, () => this.planRead(id)),
                onPaired: (id: string) => this.afterBackupPlans(id, () => backups.onPaired(id)),
                onCredsChanged: (id: string) => this.afterBackupPlans(id, () => backups.onCredsChanged(id)),
                onLoggedOut: (id: string) => this.afterBackupPlans(id, () => backups.onLoggedOut(id)),
              },
            }
          : {}),
      });
      this.sessions.set(phone.id, session);
    }
    this.outbound = this.makeOutbound(outboundSettings);
    this.scheduler = new KeepAliveScheduler({
      settings: parsed.settings,
      clock: this.clock,
      random: opts.random ?? Math.random,
      gate: this.gate,
      targets: [...this.sessions.values()],
      stateDir: (id) => this.paths.meta(id),
      log: (phoneId, level, event, message, data) => this.log(phoneId, level, event, message, data),
      ...(opts.requestBackup
        ? { requestBackup: opts.requestBackup }
        : backups
          ? { requestBackup: (id: string) => backups.onKeepAlive(id) }
          : {}),
    });
  }

  private makeOutbound(settings: OutboundSettings): OutboundQueue {
    const queue = new OutboundQueue({
      stateDir: (id) => this.paths.meta(id),
      phoneIds: [...this.sessions.keys()],
      port: this.opts.outboundPort ?? this.rawMessaging,
      outbound: settings,
      keepAlive: this.keepAliveSettings,
      clock: this.clock,
      pairedAt: (id) => this.sessions.get(id)?.status().pairedAt ?? null,
      log: (phoneId, level, event, message, data) => this.log(phoneId, level, event, message, data),
    });
    // a stop (or its lifting) is part of the phone's status: the window and notifications show it
    queue.on('stop', (phoneId) => this.emit('status', this.status(phoneId)));
    return queue;
  }

  private makeBackupManager(o: KeeperBackupOptions, target: BackupTarget | null): BackupManager {
    const dataDir = this.opts.dataDir;
    return new BackupManager({
      target,
      secret:
        o.secret ??
        keyFileSecretProvider({
          keyFile: installationKeyPath(dataDir),
        }),
      paths: this.paths,
      appVersion,
      clock: this.clock,
      ...(o.keep !== undefined ? { keep: o.keep } : {}),
    });
  }

  /** Reads every phone's backup plan (each once: callers that come meanwhile share its read). */
  private async registerBackups(): Promise<void> {
    // every phone's state file is read at once (a start with 50 phones waited for 50 reads in a row)
    await Promise.all([...this.sessions.keys()].map((id) => this.planRead(id)));
  }

  /**
   * One phone's backup plan: read once, shared by every caller meanwhile; a failed read is tried
   * again by the next caller, and never makes another phone register twice.
   */
  private planRead(phoneId: string): Promise<void> {
    const backups = this.backups;
    if (!backups || this.backupRegistered.has(phoneId)) return Promise.resolve();
    let read = this.planReads.get(phoneId);
    if (!read) {
      // backup changes reach listeners through the session's own notify path
      read = backups
        .register(this.session(phoneId).backupPort())
        .then(() => {
          this.backupRegistered.add(phoneId);
        })
        .finally(() => this.planReads.delete(phoneId));
      this.planReads.set(phoneId, read);
    }
    return read;
  }

  /**
   * Runs a backup hook now, or once the phone's backup plan is read (a start reads the plans beside
   * the first handshakes). A phone's hooks run in the order they came; a stop waits for them.
   */
  private afterBackupPlans(phoneId: string, hook: () => void): void {
    const pending = this.pendingHooks.get(phoneId);
    if (!pending && this.backupRegistered.has(phoneId)) {
      hook();
      return;
    }
    const done: Promise<void> = (pending ?? Promise.resolve())
      .then(() => this.planRead(phoneId))
      .then(hook, (err: unknown) => {
        // the start that reads the plans fails with the same error, and the app shows that
        this.log(phoneId, 'error', 'backup.plans-unreadable', `A backup request could not be handed over: the backup plan could not be read (${(err as Error).message}).`);
      })
      .finally(() => {
        if (this.pendingHooks.get(phoneId) === done) this.pendingHooks.delete(phoneId);
      });
    this.pendingHooks.set(phoneId, done);
  }

  /**
   * Starts every phone; resolves once each has loaded its session and begun connecting, with
   * each phone's start error (null: started), so a caller can tell "nothing could start".
   */
  async start(): Promise<PhoneStartResult[]> {
    if (this.started) return [];
    // checked beside the first reads below; no phone connects before it passed, and then with
    // the compiled signature check in Baileys' (compiled-signature-check.ts says why)
    const unpatched = ensureBaileysPatched().then(
      () => {
        if (!useCompiledSignatureCheck()) {
          this.log(null, 'warn', 'baileys.compiled-check-refused', "The compiled signature check failed its self-test; Baileys' own (slower) check stays in use.");
        }
        return null;
      },
      (err: unknown) => err,
    );
    this.started = true;
    const run = ++this.runs;
    // the root holds every session's keys: 0700, like each folder inside (README promises it);
    // made beside the first reads, which find an empty folder alike when it is new
    const rootReady = ensureDir(this.paths.root);
    this.log(null, 'info', 'keeper.start', `Session Keeper starting with ${this.sessions.size} phone(s).`);
    // A phone connects as soon as what its connection needs is read, and the rest is read while
    // the connections wait for the server (their handshake is mostly waiting; before, a 1-phone
    // start spent ~15 ms of its own before it connected: docs/benchmarks.md, sixth pass).
    // Before a phone reads its session: a restore interrupted mid-swap is finished (the rest of
    // the sweep only removes temp files older than this process, so it can wait); the WhatsApp
    // Web version is learned (a retired one would only earn a 405) and the outbox is loaded
    // (receipts can come right after the login). Each phone's meta is read beside them (nothing
    // here writes it). The backup plans wait for the rest, unless a phone's session files are
    // missing or unusable and a restore may be needed first (BackupManager.restoreAtStart).
    for (const s of this.sessions.values()) s.preloadMeta();
    this.rest = null;
    this.history.hold();
    const [refused] = await Promise.all([
      unpatched,
      rootReady,
      this.sweepTemps(this.paths.sessions),
      this.waVersion?.start(),
      // an unreadable outbox must not keep the sessions from being kept alive: sends then fail with its error
      this.outbound.start().catch((err: unknown) => {
        this.log(null, 'error', 'outbound.start-failed', `Outgoing messages are unavailable: the outbound journal could not be read (${(err as Error).message}).`);
      }),
    ]);
    if (refused) throw refused;
    // stopped meanwhile: no phone connects after the stop
    if (run !== this.runs) return [];
    const started = await Promise.all([...this.sessions.values()].map(async (s) => ({ phoneId: s.id, error: await this.guard(s.id, 'start', () => s.start()) })));
    // a stop came meanwhile: it stopped what had started, and nothing more is loaded
    if (run !== this.runs) return started;
    // The rest is read while the Noise handshakes wait for the server, once every new socket is
    // past its TLS connect: read during it, it held a 1-phone TLS handshake up by ~3 ms
    // (docs/benchmarks.md, seventh pass). A phone about to open loads it sooner (untilLoaded).
    await Promise.all([...this.sessions.values()].map((s) => s.transportSettled()));
    if (run !== this.runs) return started;
    const rest = this.loadRest();
    // after the first part, so no two moves into quarantine pick the same name
    this.sweeping = this.sweepTemps();
    // a history, backup plan or rhythm that cannot be read fails the start, as before the phones connected first
    await Promise.all([rest?.loaded, this.sweeping]);
    return started;
  }

  /**
   * Loads the uptime history (which holds what the phones log and report until it records), the
   * backup plans and the rhythm, once per start: when every phone's socket is past its TLS
   * connect, or sooner when a phone is about to announce 'open' (one restoring at start must not
   * hold up the others). An 'open' waits for it (ConnectionHost.untilLoaded): its status shows
   * the next keep-alive and its catch-up check runs on the stored rhythm. Statuses announced
   * before are announced again once it is loaded, with the keep-alive and backup fields filled
   * in. The opens' wait ends even when a load fails (start() rejects with it, and the app stops
   * the keeper). Nothing new is loaded while the keeper is not running: a stop must not be
   * followed by a load that arms timers.
   */
  private loadRest(): RestLoad | null {
    if (!this.started || this.stopping) return this.rest;
    if (!this.rest) {
      // the rhythm after the backup plans: a pulse asks for a backup
      const loaded = Promise.all([this.history.start(), this.registerBackups().then(() => this.scheduler.start())]);
      const rest = { loaded, gate: Promise.resolve(), done: false };
      rest.gate = loaded.then(
        () => this.restLoaded(rest),
        () => this.restLoaded(rest),
      );
      this.rest = rest;
    }
    return this.rest;
  }

  private restLoaded(rest: { done: boolean }): void {
    rest.done = true;
    if (this.rest !== rest || this.stopping) return;
    for (const id of this.sessions.keys()) if (this.lastState.has(id)) this.emit('status', this.status(id));
  }

  /** Stops every phone (creds flushed) and closes the log. */
  async stop(): Promise<void> {
    this.runs++;
    this.stopping = true;
    try {
      // what a start still loads settles first, so no timer it arms outlives the stop, and so do
      // backup hooks that waited for their plan (a logout's must be saved before the stop ends)
      await this.rest?.gate;
      await this.sweeping;
      await Promise.all(this.pendingHooks.values());
      await this.stopParts();
    } finally {
      this.stopping = false;
    }
  }

  private async stopParts(): Promise<void> {
    await this.outbound.stop();
    await this.scheduler.stop();
    await this.backups?.stop();
    await Promise.all([...this.sessions.values()].map((s) => this.guard(s.id, 'stop', () => s.stop())));
    await this.history.stop();
    this.log(null, 'info', 'keeper.stop', 'Session Keeper stopped.');
    this.started = false;
    await this.eventLog.close();
  }

  /**
   * Raw WhatsApp messaging (MessagingPort): sends go out at once, WITHOUT the outbound anti-ban
   * gate — for the gate itself and tests. Bots and the API send through the gated path.
   */
  get messaging(): MessagingPort {
    return this.rawMessaging;
  }

  phoneIds(): string[] {
    return [...this.sessions.keys()];
  }

  status(phoneId: string): PhoneStatus {
    return this.withOutbound(this.session(phoneId).status());
  }

  statuses(): PhoneStatus[] {
    return [...this.sessions.values()].map((s) => this.withOutbound(s.status()));
  }

  /**
   * Sends a text through the outbound anti-ban gate (rates, caps, sleep window, stop): resolves
   * with the record once queued; `keeper.outbound` tells how it goes on ('record' events, get).
   * Rejects with KeeperError 'unknown-phone' or 'not-on-whatsapp'.
   */
  sendText(phoneId: string, to: string, text: string): Promise<MessageRecord> {
    return this.outbound.submit({ phoneId, to, text });
  }

  /** Lifts a stop of outgoing messages (after WhatsApp refused them): a person's decision. False: sending was not stopped. */
  resumeOutbound(phoneId: string): Promise<boolean> {
    this.session(phoneId);
    return this.outbound.resume(phoneId);
  }

  private withOutbound(status: PhoneStatus): PhoneStatus {
    return { ...status, outboundStop: this.outbound.stopOf(status.phoneId) };
  }

  reconnect(phoneId: string): Promise<void> {
    return this.session(phoneId).reconnect();
  }

  requestQr(phoneId: string): Promise<void> {
    return this.session(phoneId).requestQr();
  }

  /**
   * Links by phone number: the 8-character code to type on that phone (Linked devices → Link
   * with phone number) and when it expires. `e164` is the number with its country code
   * (`+44 7700 900123`); anything else is refused with an 'invalid-input' KeeperError.
   */
  requestPairingCode(phoneId: string, e164: string): Promise<PairingCode> {
    return this.session(phoneId).requestPairingCode(e164);
  }

  logout(phoneId: string): Promise<void> {
    return this.session(phoneId).logout();
  }

  /** Imports a Baileys `useMultiFileAuthState` folder as this phone's session (source untouched). */
  importSession(phoneId: string, from: string, opts: { replace?: boolean } = {}): Promise<{ me: string; quarantinedTo: string | null }> {
    return this.session(phoneId).importFrom(from, opts.replace ?? false);
  }

  /** The OS resumed from sleep or came back online: reconnect what waits, and catch up a missed pulse now. */
  async wake(): Promise<void> {
    this.scheduler.check();
    for (const id of this.sessions.keys()) this.outbound.kick(id);
    await Promise.all([...this.sessions.values()].map((s) => s.wake()));
  }

  /**
   * Sends a keep-alive pulse now. Rejects with a KeepAliveRefusedError whose message says why
   * (inside the sleep window unless `force`, not connected, no push name yet, a pulse already
   * under way); resolves with when it went out and when the next one is planned.
   */
  keepAliveNow(phoneId: string, opts: { force?: boolean } = {}): Promise<ManualPulseResult> {
    this.session(phoneId);
    return this.scheduler.pulseNow(phoneId, opts.force ?? false);
  }

  /** Stops scheduled pulses for this phone until resumed (persisted across restarts). */
  pauseKeepAlive(phoneId: string): Promise<void> {
    this.session(phoneId);
    return this.scheduler.pause(phoneId);
  }

  resumeKeepAlive(phoneId: string): Promise<void> {
    this.session(phoneId);
    return this.scheduler.resume(phoneId);
  }

  /** Resolves once no keep-alive pulse, hold or state write is under way (tests, shutdown). */
  keepAliveSettled(): Promise<void> {
    return this.scheduler.settled();
  }

  /** True while a keep-alive pulse or write is in flight. */
  keepAliveBusy(): boolean {
    return this.scheduler.busy();
  }

  /** Backs the session up now (skipped as 'unchanged' when nothing changed, unless forced). */
  async backupNow(phoneId: string, opts: { force?: boolean } = {}): Promise<BackupResult> {
    this.session(phoneId);
    await this.registerBackups();
    return this.requireBackups().backupNow(phoneId, opts);
  }

  /** The stored generations of this phone, newest first. */
  async listBackups(phoneId: string): Promise<BackupEntry[]> {
    this.session(phoneId);
    await this.registerBackups();
    return this.requireBackups().listBackups(phoneId);
  }

  /**
   * Restores a generation (default: the newest valid one). The phone's socket is stopped first,
   * the current files go to quarantine, and the restored session is verified before it connects.
   */
  async restore(phoneId: string, opts: { generation?: string; secret?: BackupSecret } = {}): Promise<RestoreOutcome> {
    this.session(phoneId);
    await this.registerBackups();
    const outcome = await this.requireBackups().restore(phoneId, {
      ...(opts.generation !== undefined ? { generation: opts.generation } : {}),
      ...(opts.secret !== undefined ? { secret: opts.secret } : {}),
    });
    if (opts.secret && 'installationKey' in opts.secret) await this.adoptRecoveryKey(opts.secret.installationKey);
    return outcome;
  }

  /**
   * A recovery key that just restored a backup becomes this computer's key when it has none
   * (a new machine): later backups then open with the same written-down key. An existing,
   * different key file is left alone and said so: replacing a key is never implicit.
   */
  private async adoptRecoveryKey(key: Uint8Array): Promise<void> {
    const keyFile = installationKeyPath(this.opts.dataDir);
    try {
      const { key: current, written } = await installInstallationKey(keyFile, key);
      if (written) this.log(null, 'info', 'backup.key-installed', `The recovery key that restored this backup is now this computer's backup key (${keyFile}); new backups open with it too.`);
      else if (!current.equals(key)) {
        this.log(null, 'warn', 'backup.key-differs', `The recovery key used for this restore differs from this computer's backup key (${keyFile}); new backups keep using this computer's key, so export its recovery key too.`);
      }
    } catch (err) {
      // the restore itself succeeded; a damaged key file is reported, never replaced
      this.log(null, 'warn', 'backup.key-not-installed', `The restore worked, but the recovery key was not kept as this computer's key: ${(err as Error).message}`);
    }
  }

  /**
   * The recovery key that opens the newest backup, or a KeeperError saying why there is none
   * ("these backups use your passphrase", "made with another key"). Never creates a key.
   */
  async recoveryKey(): Promise<string> {
    const keyFile = installationKeyPath(this.opts.dataDir);
    const key = await readInstallationKey(keyFile);
    let facts: Omit<RecoveryKeyFacts, 'key'> = { passphraseSet: false, newest: null };
    if (this.backups) {
      await this.registerBackups();
      facts = await this.backups.recoveryFacts();
    }
    // the recovery export, the target check and the uptime report load on first use: a resting keeper does not carry them
    const { recoveryKeyFor } = await import('./backup/recovery-export.js');
    return recoveryKeyFor({ key, ...facts }, keyFile);
  }

  /**
   * "Test connection": writes, lists, reads and removes a probe object on the backup target and
   * says in plain words what is missing (a bucket, a policy, a valid key). Never throws.
   */
  async checkBackupTarget(): Promise<TargetCheck> {
    const { checkTarget } = await import('./backup/target-check.js');
    return checkTarget(this.backupTarget, this.clock.now());
  }

  private requireBackups(): BackupManager {
    if (!this.backups) throw new KeeperError('backup-failed', 'Backups are turned off for this keeper.');
    return this.backups;
  }

  /** The newest log entries, oldest first. */
  logTail(filter: TailQuery = {}): LogEntry[] {
    return this.eventLog.tail(filter);
  }

  /**
   * The phone's uptime over the last `days` local days (keep-alive time zone): intervals, the
   * share of time open over 24 h / 7 d / 30 d, and day and hour cells. Plain data, for the
   * window's presenter, the tray, the headless `uptime` command and the local API. Works on a
   * keeper that was never started too (reads the history file).
   */
  async uptime(phoneId: string, opts: { days?: number; now?: number } = {}): Promise<UptimeReport> {
    this.session(phoneId);
    const { computeUptime } = await import('./uptime/uptime.js');
    return computeUptime(phoneId, await this.history.history(phoneId), {
      now: opts.now ?? this.clock.now(),
      timeZone: this.keepAliveSettings.timeZone,
      ...(opts.days !== undefined ? { days: opts.days } : {}),
    });
  }

  /** A history write failed: said once per distinct error, never recorded in the history itself. */
  private historyFailed(phoneId: string, err: unknown): void {
    const message = (err as Error).message;
    if (message === this.lastHistoryError) return;
    this.lastHistoryError = message;
    this.log(phoneId, 'warn', HISTORY_WRITE_FAILED, `The uptime history could not be written: ${message}`);
  }

  private onStatus(status: PhoneStatus): void {
    this.history.onStatus(status);
    const before = this.lastState.get(status.phoneId);
    this.lastState.set(status.phoneId, status.state);
    this.emit('status', this.withOutbound(status));
    // A phone that just opened may owe a pulse (after a restart or a wake): check it now.
    if (status.state === 'open' && before !== 'open') {
      this.scheduler.check(status.phoneId);
      this.outbound.kick(status.phoneId);
    }
  }

  private session(phoneId: string): PhoneSession {
    const s = this.sessions.get(phoneId);
    if (!s) throw new UnknownPhoneError(phoneId);
    return s;
  }

  /** Runs fn, logging a failure instead of throwing it; resolves with the failure's message (null: none). */
  private async guard(phoneId: string, what: string, fn: () => Promise<void>): Promise<string | null> {
    try {
      await fn();
      return null;
    } catch (err) {
      const message = (err as Error).message;
      this.log(phoneId, 'error', 'engine.error', `Could not ${what} phone ${phoneId}: ${message}`);
      return message;
    }
  }

  /**
   * Unfinished writes of an earlier run must not keep a disk full; a sweep that fails is only
   * logged. `only`: one folder's own entries (sweepStaleTemps); without it the whole data folder.
   */
  private async sweepTemps(only?: string): Promise<void> {
    try {
      const swept = await sweepStaleTemps({
        root: this.paths.root,
        quarantineDir: this.paths.quarantine,
        processStartedAt: performance.timeOrigin,
        now: this.clock.now(),
        ...(only !== undefined ? { only } : {}),
      });
      if (swept.removed.length > 0) {
        this.log(null, 'info', 'temp.swept', `Removed ${swept.removed.length} unfinished temp file(s) left by an earlier run.`, { files: swept.removed });
      }
      for (const c of swept.completed) {
        this.log(null, 'warn', 'temp.restore-completed', `A restore interrupted while swapping sessions was finished: the restored session is now at ${c.to} (a session it replaced, if any, is in quarantine).`, c);
      }
      for (const q of swept.quarantined) {
        const what = q.kind === 'restored-session' ? 'A restored session that an interrupted restore never put in place' : 'A file named like a temp file but not made by Session Keeper';
        this.log(null, 'warn', 'temp.quarantined', `${what} was moved to ${q.to}.`, q);
      }
    } catch (err) {
      this.log(null, 'warn', 'temp.sweep-failed', `Could not sweep old temp files: ${(err as Error).message}`);
    }
  }

  private log(phoneId: string | null, level: LogLevel, event: string, message: string, data?: Record<string, unknown>): void {
    const entry: LogEntry = { at: this.clock.now(), phoneId, level, event, message, ...(data ? { data } : {}) };
    const written = this.eventLog.append(entry);
    this.history.onLog(written);
    this.emit('log', written);
  }
}

export function createKeeper(opts: KeeperOptions): Keeper {
  return new Keeper(opts);
}
