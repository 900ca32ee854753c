// One phone: its auth store and session files, its meta, and the parts that run it — the
// connection controller (socket and disconnect decisions), the presence pulser, the phone-
// activity tracker and the status model (session/). This class carries out what the user, the
// scheduler and the backup manager ask, and owns every change to the session files.
import { dirname } from 'node:path';
import type { SocketConfig } from '@whiskeysockets/baileys';
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';
import type { AntiBanGate } from './anti-ban.js';
import { join } from 'node:path';
import type { BackupPhonePort } from './backup/backup-manager.js';
import type { Clock } from './clock.js';
import type { PolicyConfig } from './disconnect-policy.js';
import type { DeafWatchConfig } from './session/deaf-socket-watch.js';
import type { WaVersionSource } from './wa-version.js';
import { openAuthStore, type AuthStore } from './auth-store/index.js';
import { KeeperError } from './errors.js';
import type { KeepAliveView, PulseResult } from './keepalive-scheduler.js';
import type { DataPaths } from './paths.js';
import { EMPTY_META, removedDevice, withRemovedDevice } from './phone-meta.js';
import { ConnectionController, resumesAfterSwap } from './session/connection-controller.js';
import type { IncomingMessage, MessageStatusUpdate } from './messaging/types.js';
import { PhoneMessaging } from './session/messaging.js';
import { PhoneActivityTracker } from './session/phone-activity-tracker.js';
import { PhoneMetaStore } from './session/phone-meta-store.js';
import { PresencePulser } from './session/presence-pulser.js';
import { StorageFaults } from './session/storage-faults.js';
import { probeWritable } from './storage-error.js';
import { StatusModel, type BackupView } from './session/status-model.js';
import { decidePairingCode, parsePairingNumber, type LiveCode } from './pairing-code.js';
import type { LogLevel, PairingCode, PhoneConfig, PhoneStatus, RemovedDevice, UnlinkCause } from './types.js';

export { resumesAfterSwap, type SessionIntent } from './session/connection-controller.js';
export type { BackupView } from './session/status-model.js';

export interface PhoneSessionOptions {
  phone: PhoneConfig;
  paths: DataPaths;
  clock: Clock;
  random: () => number;
  socket: Partial<SocketConfig>;
  policy: PolicyConfig;
  deafWatch?: Partial<DeafWatchConfig>;
  waVersion?: WaVersionSource;
  baileysLogger: ILogger;
  log: (level: LogLevel, event: string, message: string, data?: Record<string, unknown>) => void;
  onStatus: (status: PhoneStatus) => void;
  /** asked before every connection attempt (reconnect budget); absent = no budget */
  gate?: AntiBanGate;
  /** the keep-alive part of this phone's status, owned by the keeper's scheduler */
  keepAliveView?: (phoneId: string) => KeepAliveView;
  /** what an 'open' waits for while the keeper still loads beside the first connection (null: nothing) */
  untilLoaded?: () => Promise<void> | null;
  /** the backup part of this phone's status, owned by the keeper's backup manager */
  backupView?: (phoneId: string) => BackupView | undefined;
  /** lifecycle events the backup manager acts on */
  backupHooks?: SessionBackupHooks;
  /** messages someone wrote to this phone, and receipts for the ones it sent */
  onMessage?: (m: IncomingMessage) => void;
  onMessageStatus?: (u: MessageStatusUpdate) => void;
}

export interface SessionBackupHooks {
  /** before the store opens at start: restore a backup when the session files are missing or unusable */
  restoreAtStart(phoneId: string): Promise<boolean>;
  onPaired(phoneId: string): void;
  onCredsChanged(phoneId: string): void;
  onLoggedOut(phoneId: string): void;
}

export class PhoneSession {
  private store: AuthStore | null = null;
  /** set while a restore or an import replaces the session folder: nothing may open it meanwhile */
  private replacingFiles = false;
  /** the code on screen and when codes were asked for (the pairing-code rate rule) */
  private liveCode: LiveCode | null = null;
  private codesAskedAt: number[] = [];
  private readonly meta: PhoneMetaStore;
  private metaLoading: Promise<string | null> | null = null;
  private readonly faults: StorageFaults;
  private readonly model: StatusModel;
  private readonly conn: ConnectionController;
  private readonly pulser: PresencePulser;
  private readonly activity: PhoneActivityTracker;
  /** raw sends and message events (no anti-ban gate: see session/messaging.ts) */
  readonly messaging: PhoneMessaging;

  constructor(private readonly opts: PhoneSessionOptions) {
    const id = opts.phone.id;
    this.faults = new StorageFaults(opts.clock, opts.log, () => this.model.notify());
    this.meta = new PhoneMetaStore(opts.paths.meta(id), this.faults);
    this.model = new StatusModel(
      {
        phone: opts.phone,
        clock: opts.clock,
        meta: () => this.meta.value,
        storageError: () => this.faults.current(),
        reconnect: () => this.conn.reconnectInfo(),
        ...(opts.keepAliveView ? { keepAlive: () => opts.keepAliveView?.(id) as KeepAliveView } : {}),
        ...(opts.backupView ? { backup: () => opts.backupView?.(id) } : {}),
      },
      (status) => opts.onStatus(status),
    );
    this.pulser = new PresencePulser(opts.clock, (level, event, message) => opts.log(level, event, message));
    this.activity = new PhoneActivityTracker(this.meta, opts.log, () => this.model.notify());
    this.conn = new ConnectionController({
      phoneId: id,
      clock: opts.clock,
      random: opts.random,
      socket: opts.socket,
      policy: opts.policy,
      ...(opts.deafWatch ? { deafWatch: opts.deafWatch } : {}),
      ...(opts.waVersion ? { waVersion: opts.waVersion } : {}),
      baileysLogger: opts.baileysLogger,
      ...(opts.gate ? { gate: opts.gate } : {}),
      log: opts.log,
      status: this.model,
      onSocketGone: () => this.pulser.cancel(),
      host: {
        store: () => this.store,
        opened: (me, now) => this.onOpened(me, now),
        linkedBefore: () => this.meta.value.pairedAt !== null,
        untilLoaded: () => opts.untilLoaded?.() ?? null,
        closed: (now) => this.onClosed(now),
        phoneSeen: (now) => this.activity.seen(now),
        credsSaved: () => opts.backupHooks?.onCredsChanged(id),
        paired: () => opts.backupHooks?.onPaired(id),
        serverLoggedOut: (quarantine, detail) => this.onServerLogout(quarantine, detail),
        pairingExpired: (byCode) => this.onPairingExpired(byCode),
        quarantine: (reason) => this.quarantineSession(reason),
        offerPairing: () => this.requestQr(),
        socketCreated: (sock, current) => this.messaging.attach(sock, current),
      },
    });
    this.messaging = new PhoneMessaging({
      phoneId: id,
      clock: opts.clock,
      socket: () => this.conn.socket,
      isOpen: () => this.conn.isOpen(),
      state: () => this.model.state,
      log: opts.log,
      onMessage: (m) => opts.onMessage?.(m),
      onStatus: (u) => opts.onMessageStatus?.(u),
    });
  }

  get id(): string {
    return this.opts.phone.id;
  }

  /** A snapshot, built by the status model (the one place a status is built). */
  status(): PhoneStatus {
    return this.model.snapshot();
  }

  /**
   * Begins reading the phone's meta beside the keeper's other start reads (none of them touches
   * it); the next start() takes the result instead of reading again. Its warning is logged by
   * start(), when the uptime history records it.
   */
  /** ConnectionController.transportSettled: the current socket is past its TLS connect. */
  transportSettled(): Promise<void> {
    return this.conn.transportSettled();
  }

  preloadMeta(): void {
    if (this.metaLoading) return;
    const loading = this.meta.load();
    loading.catch(() => {}); // start() hears of a failure; a start that never comes must not crash
    this.metaLoading = loading;
  }

  /** Loads the session from disk and connects (or reports why it cannot). */
  async start(): Promise<void> {
    const loading = this.metaLoading ?? this.meta.load();
    this.metaLoading = null;
    const setAside = await loading;
    if (setAside) this.opts.log('warn', 'meta.damaged', `Phone state file was damaged and set aside: ${setAside}`);
    // A missing or unreadable session with a backup is restored before anything else reads it,
    // and while the phone is not started yet, so the restore does not connect on its own: the
    // one connection below is the only one.
    await this.opts.backupHooks?.restoreAtStart(this.id);
    this.conn.intent = 'run';
    this.faults.resumeRetrying();
    if (!(await this.openStore())) return;
    if (!this.store?.isRegistered()) {
      // Not linked: pairing starts only when asked, or right away for a phone that has never
      // been linked and never needed a new link, so a first run shows a QR.
      const unlinked = this.meta.value.unlinked;
      if (unlinked !== null) {
        await this.enterUnlinked(unlinked.cause, unlinked.device, unlinkedDetail(unlinked.cause), { keepSince: true });
        return;
      }
      if (this.meta.value.pairedAt !== null) {
        await this.enterUnlinked('session-unreadable', this.meta.value.me, 'This phone is not linked any more: its session files are gone. Restore a backup or request a new QR code.');
        return;
      }
    }
    await this.conn.connect('connecting');
  }

  /** User stop / app quit: close the socket, flush creds, no retry. */
  async stop(): Promise<void> {
    this.conn.intent = 'user-stopped';
    this.conn.quiet();
    this.faults.stopRetrying();
    await this.pulser.endEarly(this.conn.socket);
    await this.conn.retire();
    await this.store?.close();
    this.store = null;
    await this.meta.flush();
    this.model.patch({ qr: null, qrExpiresAt: null, pairingCode: null });
    this.model.set('stopped', 'Stopped.');
  }

  /** User asked for a reconnect: start over now, whatever the policy was waiting for. */
  async reconnect(): Promise<void> {
    this.conn.intent = 'run';
    this.faults.resumeRetrying();
    this.conn.cancelRetry();
    await this.conn.retire();
    if (!this.store && !(await this.openStore())) return;
    this.conn.resumePolicy();
    await this.conn.connect('connecting');
  }

  /** Shows a fresh QR code for linking; refused while a linked session is healthy. */
  async requestQr(): Promise<void> {
    if (this.store?.isRegistered() && this.model.state === 'open') {
      throw new KeeperError('already-linked', `Phone ${this.id} is already linked and connected; log out first to link another phone.`);
    }
    if (this.store?.isRegistered()) {
      // A linked session exists but is not open: reconnecting is the right move, not a new identity.
      await this.reconnect();
      return;
    }
    this.conn.intent = 'run';
    this.conn.cancelRetry();
    await this.conn.retire();
    if (!this.store && !(await this.openStore())) return;
    this.conn.resetQr();
    await this.conn.connect('connecting');
  }

  /**
   * Links by phone number instead of a QR: a fresh registration socket (so the code gets its whole
   * window), then WhatsApp's code for `number`, to be typed on that phone. Refused for a number
   * that is not one, and while a linked session exists (log out first).
   */
  async requestPairingCode(number: string): Promise<PairingCode> {
    const digits = parsePairingNumber(number);
    if (this.replacingFiles) {
      throw new KeeperError('restarting', `The session files of ${this.id} are being replaced (a restore or an import); ask for a code once that is done.`);
    }
    if (this.store?.isRegistered()) {
      throw new KeeperError('already-linked', `Phone ${this.id} is already linked; log out first to link another phone.`);
    }
    const now = this.opts.clock.now();
    // the code still on screen (its socket alive), not merely the last one handed out
    const live = this.liveCode && this.model.field('pairingCode')?.code === this.liveCode.code.code ? this.liveCode : null;
    const decision = decidePairingCode({ digits, now, live, issued: this.codesAskedAt });
    if (decision.kind === 'reuse') return decision.code;
    if (decision.kind === 'wait') throw new KeeperError('refused-by-gate', decision.reason);
    // counted when asked: a failed request still started a registration for that number
    this.codesAskedAt = [...this.codesAskedAt.filter((t) => t > now - 60 * 60_000), now];
    this.conn.intent = 'run';
    this.conn.cancelRetry();
    await this.conn.retire();
    if (!this.store && !(await this.openStore())) {
      throw new KeeperError('storage-error', `The session folder of ${this.id} cannot be opened: ${this.model.field('detail')}`);
    }
    this.conn.resetQr(true);
    await this.conn.connect('connecting');
    const code = await this.conn.requestPairingCode(digits);
    this.liveCode = { digits, code };
    return code;
  }

  /** Unlinks this device at WhatsApp (when connected) and sets the session files aside. */
  async logout(): Promise<void> {
    this.conn.intent = 'unlinked';
    this.conn.cancelRetry();
    const sock = this.conn.socket;
    const device = this.linkedDevice();
    // Only a logout WhatsApp confirmed removes the device; otherwise its backups still link.
    let removed = false;
    if (sock && this.model.state === 'open') {
      this.conn.disown(); // the close that follows is ours, not a server decision
      try {
        await sock.logout('Logged out from Session Keeper');
        removed = true;
      } catch (err) {
        this.opts.log('warn', 'logout.failed', `WhatsApp did not confirm the logout: ${(err as Error).message}`);
      }
    }
    await this.conn.retire();
    await this.quarantineSession('logged-out-by-user');
    await this.enterUnlinked('user-logout', device, 'Logged out by you. Request a new QR code to link a phone again.', { removed });
  }

  /**
   * Takes over a Baileys session folder (e.g. a bot's `sessions/`). The source is only read; a
   * session already here is quarantined when `replace` is set, and refused otherwise.
   */
  async importFrom(from: string, replace: boolean): Promise<{ me: string; quarantinedTo: string | null }> {
    const to = this.opts.paths.session(this.id);
    const importOptions = {
      quarantineDir: this.opts.paths.quarantine,
      overwrite: replace,
      label: this.id,
      clock: this.opts.clock,
      dataFolder: this.opts.paths.root,
      sessionsDir: dirname(to),
    };
    // loaded on first use: a resting phone does not carry the import
    const { checkImport, importSession } = await import('./auth-store/import-session.js');
    await checkImport(from, to, importOptions); // a refused import leaves the running phone alone
    const resume = resumesAfterSwap(this.conn.intent);
    this.replacingFiles = true;
    let result;
    try {
      this.conn.cancelRetry();
      await this.conn.retire();
      await this.store?.close();
      this.store = null;
      result = await importSession(from, to, importOptions);
    } finally {
      this.replacingFiles = false;
    }
    // When the imported session was first linked is unknown: its age counts from its first open
    // here. What WhatsApp removed stays remembered: that is about this phone, not one session.
    await this.meta.update({ ...EMPTY_META, me: result.me, removedDevices: this.meta.value.removedDevices });
    this.model.patch({ quarantinedTo: result.replacedTo });
    this.opts.log('info', 'session.imported', `Imported a session for ${result.me} (${result.files} files) from ${from}.`, {
      files: result.files,
      replacedTo: result.replacedTo,
    });
    if (resume) {
      this.conn.intent = 'run';
      if (await this.openStore()) await this.conn.connect('connecting');
    } else {
      this.model.set('stopped', 'Session imported; start the phone to connect.');
    }
    return { me: result.me, quarantinedTo: result.replacedTo };
  }

  /** OS resumed from sleep or came back online: resume a paused or waiting reconnect now. */
  async wake(): Promise<void> {
    if (this.conn.intent !== 'run') return;
    const state = this.model.state;
    if (state === 'paused' || state === 'reconnecting') {
      this.opts.log('info', 'wake', 'System woke up or came online: reconnecting now.');
      this.conn.cancelRetry();
      this.conn.resumePolicy();
      await this.conn.connect('reconnecting');
    }
  }

  // ---- keep-alive (driven by the keeper's scheduler) ---------------------------------------

  isOpen(): boolean {
    return this.conn.isOpen();
  }

  sessionAgeMs(): number | null {
    const pairedAt = this.meta.value.pairedAt;
    return pairedAt === null ? null : Math.max(0, this.opts.clock.now() - pairedAt);
  }

  notifyStatus(): void {
    this.model.notify();
  }

  /** Presence 'available' now, 'unavailable' after `holdMs` (0: right away). */
  async sendPulse(holdMs: number): Promise<PulseResult> {
    const sock = this.conn.socket;
    if (!sock || this.model.state !== 'open') {
      return { sent: false, code: 'not-open', reason: `the session is not connected (${this.model.state})` };
    }
    return this.pulser.pulse({ sock, pushName: this.store?.state.creds.me?.name, current: this.conn.currentCheck() }, holdMs);
  }

  /** Resolves once a pulse's 'unavailable' (if one was due) went out. */
  pulseSettled(): Promise<void> {
    return this.pulser.settled();
  }

  /** True while a pulse holds its online presence or is sending its 'unavailable'. */
  pulseInFlight(): boolean {
    return this.pulser.inFlight();
  }

  /** Raises or clears the inactivity warning; logs once per transition. */
  checkPhoneActivity(now: number): void {
    this.activity.check(now);
  }

  /** How a write to this phone's log (or the app's) ended; the next line is its retry. */
  logWritten(path: string, err: unknown): void {
    if (err === null) this.faults.succeeded('log');
    // a refused line is gone: a probe write shows when the folder takes writes again
    else this.faults.failed('log', path, err, () => probeWritable(dirname(path)));
  }

  // ---- for the backup manager ----------------------------------------------------------

  /** The store's write lock, so a backup snapshot never sees half a key batch. */
  withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.store ? this.store.withWriteLock(fn) : fn();
  }

  /**
   * Runs fn (which replaces the session folder) with the socket ended and the store closed —
   * never two sockets on one session — then reopens the store and connects: a new folder from
   * any state but a stop (or before start), the old one only if the phone was running.
   */
  async withSessionStopped<T>(fn: () => Promise<T>): Promise<T> {
    this.conn.hold(true);
    this.replacingFiles = true;
    this.conn.cancelRetry();
    await this.conn.retire();
    await this.store?.close();
    this.store = null;
    // the socket is gone: the status must not keep saying 'open' while the folder is replaced
    if (this.conn.intent === 'run') this.model.set('connecting', 'Replacing the session files, then connecting…');
    let swapped = false;
    try {
      const result = await fn();
      swapped = true;
      return result;
    } finally {
      this.conn.hold(false);
      this.replacingFiles = false;
      if (swapped ? resumesAfterSwap(this.conn.intent) : this.conn.intent === 'run') {
        this.conn.intent = 'run';
        if (await this.openStore()) await this.conn.connect('connecting');
      }
    }
  }

  /** A restored backup brings its own pairing: keep its session age instead of starting over. */
  async adoptRestored(info: { pairedAt: number | null; me: string }): Promise<void> {
    await this.meta.update({ pairedAt: info.pairedAt, me: info.me, unlinked: null });
    this.model.patch({ quarantinedTo: null });
  }

  /** The record of this device if WhatsApp removed it (its backups are refused). */
  removedDevice(me: string): RemovedDevice | null {
    return removedDevice(this.meta.value, me);
  }

  /**
   * This phone as the backup manager sees it. Its changes reach listeners through this
   * session's one notify path, so no status is built beside it.
   */
  backupPort(): BackupPhonePort {
    return {
      phoneId: this.id,
      sessionDir: this.opts.paths.session(this.id),
      status: () => this.status(),
      withWriteLock: (fn) => this.withWriteLock(fn),
      withSessionStopped: (fn) => this.withSessionStopped(fn),
      adoptRestored: (info) => this.adoptRestored(info),
      removedDevice: (me) => this.removedDevice(me),
      log: (level, event, message, data) => this.opts.log(level, event, message, data),
      changed: () => this.model.notify(),
      // the backup manager retries on its own plan, so no retry here
      storageWrite: (fault) => (fault === null ? this.faults.succeeded('backup') : this.faults.failed('backup', fault.path, fault.err, null)),
    };
  }

  // ---- session files and meta ---------------------------------------------------------

  private async openStore(): Promise<boolean> {
    // one store per folder: a second instance would write behind the first one's back
    await this.store?.close();
    this.store = null;
    const { store, quarantined } = await openAuthStore({
      dir: this.opts.paths.session(this.id),
      quarantineDir: this.opts.paths.quarantine,
      label: this.id,
      clock: this.opts.clock,
      logger: (e) => this.opts.log(e.level, e.event, e.message, e.data),
      onWrite: (write, err) => this.onSessionWrite(write, err),
    });
    this.store = store;
    if (quarantined) {
      this.model.patch({ quarantinedTo: quarantined.to });
      this.opts.log('error', 'session.quarantined', `Session files were unreadable (${quarantined.reason}); moved to ${quarantined.to}. Nothing was deleted.`, {
        reason: quarantined.reason,
        to: quarantined.to,
      });
      const device = this.meta.value.me;
      await this.forgetPairing();
      await this.enterUnlinked(
        'session-unreadable',
        device,
        `The saved session could not be read (${quarantined.reason}) and was moved aside to ${quarantined.to}. Restore a backup or request a new QR code.`,
      );
      return false;
    }
    return true;
  }

  /**
   * How a creds save or key batch ended. A refused one is retried by saving the creds again:
   * that shows the folder takes writes once more, and Baileys was told the batch failed, so
   * nothing it dropped is written behind its back.
   */
  private onSessionWrite(write: 'creds' | 'keys', err: unknown): void {
    if (err === null) {
      this.faults.succeeded(write);
      // a creds save that lands shows the folder takes writes again: key batches can too
      if (write === 'creds') this.faults.succeeded('keys');
      return;
    }
    const dir = this.opts.paths.session(this.id);
    this.faults.failed(write, write === 'creds' ? join(dir, 'creds.json') : dir, err, () => this.store?.saveCreds() ?? Promise.resolve());
  }

  /** The socket opened: note the pairing (written in the background). True on the first open after a scan. */
  private onOpened(me: string | null, now: number): boolean {
    const meta = this.meta.value;
    const firstOpen = meta.pairedAt === null;
    // Pairing is the phone in hand; a session from before this was tracked starts counting now.
    const phoneLastSeenAt = firstOpen || meta.phoneLastSeenAt === null ? now : meta.phoneLastSeenAt;
    const patch = { pairedAt: meta.pairedAt ?? now, me, lastOpenAt: now, phoneLastSeenAt, unlinked: null };
    if (!firstOpen && meta.me === me && meta.unlinked === null && meta.phoneLastSeenAt !== null) {
      // a re-open changes only its time: written a little later, off the other phones' opens
      this.meta.updateLater(patch, REOPEN_META_DELAY_MS, this.opts.clock);
    } else {
      // an open session is linked: whatever needed a new link is over
      void this.meta.update(patch);
    }
    this.activity.opened(phoneLastSeenAt);
    return firstOpen;
  }

  /**
   * The socket closed: note when (bookkeeping, written in the background). The restart that ends
   * every pairing (a new link, its first open next) leaves it to that open's meta write: one
   * durable write per link instead of two.
   */
  private onClosed(now: number): void {
    if (this.meta.value.pairedAt === null && this.store?.isRegistered()) this.meta.updateLater({ lastCloseAt: now }, REOPEN_META_DELAY_MS, this.opts.clock);
    else void this.meta.update({ lastCloseAt: now });
  }

  /** WhatsApp logged this device out (repeated 401, device_removed, 411): it is gone for good. */
  private async onServerLogout(quarantine: boolean, detail: string): Promise<void> {
    const device = this.linkedDevice();
    if (quarantine) await this.quarantineSession('logged-out');
    await this.enterUnlinked('server-logout', device, detail, { removed: true });
  }

  /**
   * Every QR ran out with no valid session: the phone needs a new link. A server logout that
   * led here stays the reason (its quarantine already forgot the pairing).
   */
  private async onPairingExpired(byCode: boolean): Promise<void> {
    const prior = this.meta.value.unlinked;
    const cause = prior?.cause ?? 'pairing-expired';
    const detail = byCode && cause === 'pairing-expired' ? CODE_EXPIRED_DETAIL : unlinkedDetail(cause);
    await this.enterUnlinked(cause, prior?.device ?? null, detail, { keepSince: prior !== null, byCode: byCode && cause === 'pairing-expired' });
  }

  private async quarantineSession(reason: string): Promise<void> {
    if (!this.store) {
      if (!(await this.openStore())) return;
    }
    const store = this.store;
    if (!store) return;
    const to = await store.quarantine(reason);
    this.store = null;
    if (to) {
      this.model.patch({ quarantinedTo: to });
      this.opts.log('warn', 'session.quarantined', `Session files moved to ${to} (${reason}). Nothing was deleted.`, { to, reason });
    }
    await this.forgetPairing();
    this.opts.backupHooks?.onLoggedOut(this.id);
    await this.openStore();
  }

  /** The linked device's id, from the live creds or, without them, the meta. */
  private linkedDevice(): string | null {
    return this.store?.state.creds.me?.id ?? this.meta.value.me;
  }

  /**
   * The one way into "needs a new link": state 'logged-out' with its reason, remembered across
   * restarts; `removed` also remembers the device as gone at WhatsApp, so its backups are refused.
   */
  private async enterUnlinked(
    cause: UnlinkCause,
    device: string | null,
    detail: string,
    opts: { removed?: boolean; keepSince?: boolean; byCode?: boolean } = {},
  ): Promise<void> {
    this.conn.intent = 'unlinked';
    this.conn.cancelRetry();
    const now = this.opts.clock.now();
    const prior = this.meta.value.unlinked;
    const at = opts.keepSince && prior ? prior.at : now;
    this.meta.set({ unlinked: { cause, at, device, ...(opts.byCode ? { byCode: true } : {}) } });
    if (opts.removed && device !== null && (cause === 'user-logout' || cause === 'server-logout')) {
      this.meta.set(withRemovedDevice(this.meta.value, { device, at: now, cause }));
    }
    await this.meta.save();
    this.model.patch({ qr: null, qrExpiresAt: null, pairingCode: null });
    this.model.set('logged-out', detail);
  }

  private async forgetPairing(): Promise<void> {
    await this.meta.update({ pairedAt: null, me: null, phoneLastSeenAt: null });
  }
}

/** How long a bookkeeping meta write (a re-open's time, a pairing restart's close) may wait: past the opens of a start with many phones. */
const REOPEN_META_DELAY_MS = 30_000;

const CODE_EXPIRED_DETAIL = 'The pairing code expired before it was typed on the phone. Ask for a new code (or a QR code) to link this phone.';

/** What a phone that comes up still needing a new link says, by cause. */
function unlinkedDetail(cause: UnlinkCause): string {
  switch (cause) {
    case 'user-logout':
      return 'Logged out by you. Request a new QR code to link a phone again.';
    case 'server-logout':
      return 'WhatsApp logged this device out. Scan a new QR code to link it again.';
    case 'session-unreadable':
      return 'The saved session could not be read and was moved aside. Restore a backup or request a new QR code.';
    case 'pairing-expired':
      return 'The QR codes expired before one was scanned. Request a new QR code to link this phone.';
  }
}
