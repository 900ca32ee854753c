// One phone: its auth store, its Baileys socket, its disconnect-policy state and its status.
// Decisions (what a close code means, how long to wait) come from pure modules; this class only
// carries them out and reports what it did.
import makeWASocket, {
  Browsers,
  makeCacheableSignalKeyStore,
  type ConnectionState,
  type SocketConfig,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';
import type { AntiBanGate } from './anti-ban.js';
import { ReconnectTimer } from './backoff.js';
import type { Clock, TimerHandle } from './clock.js';
import {
  decideDisconnect,
  disconnectInputFromError,
  initialPolicyState,
  policyOnOpen,
  policyOnResume,
  policyOnStable,
  type Decision,
  type PolicyConfig,
  type PolicyState,
} from './disconnect-policy.js';
import { importSession, openAuthStore, type AuthStore } from './auth-store/index.js';
import type { DataPaths } from './paths.js';
import { EMPTY_META, readPhoneMeta, removedDevice, withRemovedDevice, writePhoneMeta, type PhoneMeta } from './phone-meta.js';
import type { KeepAliveView, PulseResult } from './keepalive-scheduler.js';
import { PHONE_SEEN_PERSIST_MS, phoneInactive, phoneInactiveMessage, stanzaFromOwnPhone } from './phone-activity.js';
import { neutraliseCredsPresence } from './presence-hygiene.js';
import { sessionDurationLine } from './session-age.js';
import type { BackupPhonePort } from './backup/backup-manager.js';
import type { LogLevel, PhoneConfig, PhoneState, PhoneStatus, RemovedDevice, UnlinkCause } from './types.js';

/** Baileys shows the first QR for 60 s, each following one for 20 s. */
const FIRST_QR_MS = 60_000;
const NEXT_QR_MS = 20_000;

export interface PhoneSessionOptions {
  phone: PhoneConfig;
  paths: DataPaths;
  clock: Clock;
  random: () => number;
  socket: Partial<SocketConfig>;
  policy: PolicyConfig;
  baileysLogger: ILogger;
  log: (level: LogLevel, event: string, message: string, data?: Record<string, unknown>) => void;
  onStatus: (status: PhoneStatus) => void;
  /** asked before every connection attempt (reconnect budget); absent = no budget */
  gate?: AntiBanGate;
  /** the keep-alive part of this phone's status, owned by the keeper's scheduler */
  keepAliveView?: (phoneId: string) => KeepAliveView;
  /** the backup part of this phone's status, owned by the keeper's backup manager */
  backupView?: (phoneId: string) => BackupView | undefined;
  /** lifecycle events the backup manager acts on */
  backupHooks?: SessionBackupHooks;
}

export type BackupView = Pick<PhoneStatus, 'lastBackupAt' | 'lastBackupGeneration' | 'lastBackupError' | 'backupFailing' | 'nextBackupAt'>;

const NO_BACKUP: BackupView = { lastBackupAt: null, lastBackupGeneration: null, lastBackupError: null, backupFailing: false, nextBackupAt: null };

export interface SessionBackupHooks {
  /** before the store opens at start: restore a backup when the session files are missing or unusable */
  restoreAtStart(phoneId: string): Promise<boolean>;
  onPaired(phoneId: string): void;
  onCredsChanged(phoneId: string): void;
  onLoggedOut(phoneId: string): void;
}

/**
 * What should happen to this phone's connection, as opposed to what it is doing (the state):
 * - `not-started`: before start(); a restore at start must not connect (start() will);
 * - `run`: keep it connected (or pairing), following the disconnect policy;
 * - `user-stopped`: the user (or app quit) stopped it; nothing connects until asked;
 * - `unlinked`: it needs a new link (state 'logged-out', `unlinked` says why); nothing connects
 *   until a QR is requested or a backup is restored.
 */
export type SessionIntent = 'not-started' | 'run' | 'user-stopped' | 'unlinked';

/** After the session folder was replaced (restore, import): connect again unless nobody wants it to. */
export function resumesAfterSwap(intent: SessionIntent): boolean {
  return intent === 'run' || intent === 'unlinked';
}

/** Stanzas that can come from our own phone: its receipts, messages and presence. */
const PHONE_SIGNS = ['CB:receipt', 'CB:message', 'CB:presence'] as const;

export class PhoneSession {
  private sock: WASocket | null = null;
  /** bumps on every new or retired socket; events from an older socket are ignored */
  private generation = 0;
  private store: AuthStore | null = null;
  private meta: PhoneMeta = { ...EMPTY_META };
  private policyState: PolicyState = initialPolicyState();
  private readonly retry: ReconnectTimer;
  private stableTimer: TimerHandle | null = null;
  private qrCount = 0;
  private holdTimer: TimerHandle | null = null;
  /** the pending 'unavailable' of a pulse, so stop() and tests can wait for it */
  private holdSend: Promise<void> = Promise.resolve();
  private holdSending = false;
  private phoneSeenSavedAt: number | null = null;
  private inactiveWarned = false;
  private intent: SessionIntent = 'not-started';
  /** the session folder is being replaced: nothing may connect until it is back */
  private swapping = false;
  private state: PhoneState = 'stopped';
  private fields: Omit<
    PhoneStatus,
    | 'phoneId' | 'label' | 'state' | 'updatedAt' | 'reconnect'
    | 'nextKeepAliveAt' | 'lastKeepAliveAt' | 'mode' | 'keepAlivePaused' | 'phoneLastSeenAt' | 'phoneInactive'
    | keyof BackupView | 'unlinked'
  > = {
    qr: null,
    qrExpiresAt: null,
    me: null,
    pairedAt: null,
    connectedSince: null,
    lastDisconnect: null,
    detail: 'Not started.',
    quarantinedTo: null,
    bannedUntil: null,
  };

  constructor(private readonly opts: PhoneSessionOptions) {
    this.retry = new ReconnectTimer(opts.clock);
  }

  get id(): string {
    return this.opts.phone.id;
  }

  status(): PhoneStatus {
    const now = this.opts.clock.now();
    const pairedAt = this.fields.pairedAt;
    return {
      phoneId: this.opts.phone.id,
      label: this.opts.phone.label ?? this.opts.phone.id,
      state: this.state,
      ...this.fields,
      reconnect: { attempt: this.policyState.consecutiveFailures, nextAt: this.retry.nextAt },
      ...(this.opts.keepAliveView?.(this.id) ?? { nextKeepAliveAt: null, lastKeepAliveAt: null, mode: 'active', keepAlivePaused: false }),
      // an unlinked phone gets no pulse, so it shows no plan for one
      ...(pairedAt === null ? { nextKeepAliveAt: null } : {}),
      phoneLastSeenAt: this.meta.phoneLastSeenAt,
      phoneInactive: pairedAt !== null && phoneInactive(this.meta.phoneLastSeenAt, now),
      ...(this.opts.backupView?.(this.id) ?? NO_BACKUP),
      unlinked: this.state === 'logged-out' ? this.meta.unlinked : null,
      // a snapshot: stamped when built, so nobody ages it twice
      updatedAt: now,
    };
  }

  /** Loads the session from disk and connects (or reports why it cannot). */
  async start(): Promise<void> {
    const { meta, setAside } = await readPhoneMeta(this.opts.paths.meta(this.id));
    this.meta = meta;
    if (setAside) this.opts.log('warn', 'meta.damaged', `Phone state file was damaged and set aside: ${setAside}`);
    this.fields.pairedAt = meta.pairedAt;
    this.fields.me = meta.me;
    // A missing or unreadable session with a backup is restored before anything else reads it,
    // and while the phone still counts as stopped, so the restore does not connect on its own:
    // the one connection below is the only one.
    await this.opts.backupHooks?.restoreAtStart(this.id);
    this.intent = 'run';
    if (!(await this.openStore())) return;
    if (!this.store?.isRegistered()) {
      // Not linked: pairing starts only when asked, or right away for a phone that has never
      // been linked and never needed a new link, so a first run shows a QR.
      if (this.meta.unlinked !== null) {
        await this.enterUnlinked(this.meta.unlinked.cause, this.meta.unlinked.device, unlinkedDetail(this.meta.unlinked.cause), { keepSince: true });
        return;
      }
      if (this.meta.pairedAt !== null) {
        await this.enterUnlinked('session-unreadable', this.meta.me, 'This phone is not linked any more: its session files are gone. Restore a backup or request a new QR code.');
        return;
      }
    }
    await this.connect('connecting');
  }

  /** User stop / app quit: close the socket, flush creds, no retry. */
  async stop(): Promise<void> {
    this.intent = 'user-stopped';
    this.retry.cancel();
    this.clearStableTimer();
    if (this.holdTimer !== null && this.sock) {
      // Stopping mid-pulse: go offline explicitly rather than leave 'available' as the last word.
      this.clearHold();
      await this.sock.sendPresenceUpdate('unavailable').catch(() => {});
    }
    await this.holdSend;
    await this.retireSocket();
    await this.store?.close();
    this.store = null;
    this.fields.qr = null;
    this.fields.qrExpiresAt = null;
    this.setState('stopped', 'Stopped.');
  }

  /** User asked for a reconnect: start over now, whatever the policy was waiting for. */
  async reconnect(): Promise<void> {
    this.intent = 'run';
    this.retry.cancel();
    await this.retireSocket();
    if (!this.store && !(await this.openStore())) return;
    this.policyState = policyOnResume(this.policyState);
    await this.connect('connecting');
  }

  /** Shows a fresh QR code for linking; refused while a linked session is healthy. */
  async requestQr(): Promise<void> {
    if (this.store?.isRegistered() && this.state === 'open') {
      throw new Error(`Phone ${this.id} is already linked and connected; log out first to link another phone.`);
    }
    if (this.store?.isRegistered()) {
      // A linked session exists but is not open: reconnecting is the right move, not a new identity.
      await this.reconnect();
      return;
    }
    this.intent = 'run';
    this.retry.cancel();
    await this.retireSocket();
    if (!this.store && !(await this.openStore())) return;
    this.qrCount = 0;
    await this.connect('connecting');
  }

  /** Unlinks this device at WhatsApp (when connected) and sets the session files aside. */
  async logout(): Promise<void> {
    this.intent = 'unlinked';
    this.retry.cancel();
    const sock = this.sock;
    const device = this.linkedDevice();
    // Only a logout WhatsApp confirmed removes the device; otherwise its backups still link.
    let removed = false;
    if (sock && this.state === 'open') {
      this.generation += 1; // the close that follows is ours, not a server decision
      try {
        await sock.logout('Logged out from Session Keeper');
        removed = true;
      } catch (err) {
        this.opts.log('warn', 'logout.failed', `WhatsApp did not confirm the logout: ${(err as Error).message}`);
      }
    }
    await this.retireSocket();
    await this.quarantineSession('logged-out-by-user');
    await this.enterUnlinked('user-logout', device, 'Logged out by you. Request a new QR code to link a phone again.', { removed });
  }

  /**
   * Takes over a Baileys session folder (e.g. a bot's `sessions/`). The source is only read; a
   * session already here is quarantined when `replace` is set, and refused otherwise.
   */
  async importFrom(from: string, replace: boolean): Promise<{ me: string; quarantinedTo: string | null }> {
    const resume = resumesAfterSwap(this.intent);
    this.retry.cancel();
    await this.retireSocket();
    await this.store?.close();
    this.store = null;
    const result = await importSession(from, this.opts.paths.session(this.id), {
      quarantineDir: this.opts.paths.quarantine,
      overwrite: replace,
      label: this.id,
      clock: this.opts.clock,
    });
    // When the imported session was first linked is unknown: its age counts from its first open here.
    // What WhatsApp removed stays remembered: the meta is about this phone, not one session.
    this.meta = { ...EMPTY_META, removedDevices: this.meta.removedDevices };
    await writePhoneMeta(this.opts.paths.meta(this.id), this.meta);
    this.fields.pairedAt = null;
    this.fields.me = result.me;
    this.fields.quarantinedTo = result.replacedTo;
    this.opts.log('info', 'session.imported', `Imported a session for ${result.me} (${result.files} files) from ${from}.`, {
      files: result.files,
      replacedTo: result.replacedTo,
    });
    if (resume) {
      this.intent = 'run';
      if (await this.openStore()) await this.connect('connecting');
    } else {
      this.setState('stopped', 'Session imported; start the phone to connect.');
    }
    return { me: result.me, quarantinedTo: result.replacedTo };
  }

  /** OS resumed from sleep or came back online: resume a paused or waiting reconnect now. */
  async wake(): Promise<void> {
    if (this.intent !== 'run' || this.swapping) return;
    if (this.state === 'paused' || this.state === 'reconnecting') {
      this.opts.log('info', 'wake', 'System woke up or came online: reconnecting now.');
      this.retry.cancel();
      this.policyState = policyOnResume(this.policyState);
      await this.connect('reconnecting');
    }
  }

  // ---- keep-alive (driven by the keeper's scheduler) ---------------------------------------

  isOpen(): boolean {
    return this.state === 'open' && this.sock !== null;
  }

  sessionAgeMs(): number | null {
    const pairedAt = this.fields.pairedAt;
    return pairedAt === null ? null : Math.max(0, this.opts.clock.now() - pairedAt);
  }

  notifyStatus(): void {
    this.emit();
  }

  /**
   * Presence 'available' now, 'unavailable' after `holdMs` (0: right away). Resolves once
   * 'available' went out, or says why it did not: Baileys silently drops both while creds.me.name
   * (the push name) is empty, so that case is checked here rather than counted as sent.
   */
  async sendPulse(holdMs: number): Promise<PulseResult> {
    const sock = this.sock;
    if (!sock || this.state !== 'open') {
      return { sent: false, code: 'not-open', reason: `the session is not connected (${this.state})` };
    }
    if (!this.store?.state.creds.me?.name) {
      return {
        sent: false,
        code: 'no-push-name',
        reason: 'WhatsApp has not given this session the account\'s push name yet, and without it WhatsApp Web cannot send presence (Baileys drops it silently)',
      };
    }
    if (this.holdTimer !== null) {
      return { sent: false, code: 'busy', reason: 'the previous pulse is still holding its online presence' };
    }
    try {
      await sock.sendPresenceUpdate('available');
    } catch (err) {
      return { sent: false, code: 'send-failed', reason: `sending presence failed: ${(err as Error).message}` };
    }
    const generation = this.generation;
    const offline = async (): Promise<void> => {
      if (generation !== this.generation) return;
      this.holdSending = true;
      try {
        await sock.sendPresenceUpdate('unavailable');
      } catch (err) {
        this.opts.log('warn', 'keepalive.unavailable-failed', `Could not send the presence 'unavailable' after the pulse: ${(err as Error).message}`);
      } finally {
        this.holdSending = false;
      }
    };
    if (holdMs <= 0) {
      this.holdSend = offline();
      await this.holdSend;
    } else {
      this.holdTimer = this.opts.clock.setTimeout(() => {
        this.holdTimer = null;
        this.holdSend = offline();
      }, holdMs);
    }
    return { sent: true };
  }

  /** Resolves once a pulse's 'unavailable' (if one was due) went out. */
  pulseSettled(): Promise<void> {
    return this.holdSend;
  }

  /** True while a pulse holds its online presence or is sending its 'unavailable'. */
  pulseInFlight(): boolean {
    return this.holdTimer !== null || this.holdSending;
  }

  /** Raises or clears the inactivity warning; logs once per transition. */
  checkPhoneActivity(now: number): void {
    const lastSeen = this.meta.phoneLastSeenAt;
    const inactive = this.fields.pairedAt !== null && phoneInactive(lastSeen, now);
    if (inactive === this.inactiveWarned) return;
    this.inactiveWarned = inactive;
    if (inactive && lastSeen !== null) {
      this.opts.log('warn', 'phone.inactive', phoneInactiveMessage(lastSeen, now), { phoneLastSeenAt: lastSeen });
    } else {
      this.opts.log('info', 'phone.active', 'The phone is in use again: the inactivity warning is cleared.', { phoneLastSeenAt: lastSeen });
    }
    this.emit();
  }

  private notePhoneSeen(now: number): void {
    if (this.fields.pairedAt === null) return;
    this.meta = { ...this.meta, phoneLastSeenAt: now };
    const saved = this.phoneSeenSavedAt;
    if (this.inactiveWarned) this.checkPhoneActivity(now);
    // Every receipt would be a disk write; an hour's precision is plenty against a 12-day limit.
    if (saved === null || now - saved >= PHONE_SEEN_PERSIST_MS || now < saved) {
      this.phoneSeenSavedAt = now;
      writePhoneMeta(this.opts.paths.meta(this.id), this.meta).catch((err: unknown) => {
        this.opts.log('error', 'meta.save-failed', `Could not save the phone state: ${(err as Error).message}`);
      });
      this.emit();
    }
  }

  private clearHold(): void {
    this.opts.clock.clearTimeout(this.holdTimer);
    this.holdTimer = null;
  }

  // ---- internals -------------------------------------------------------------------------

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
    });
    this.store = store;
    if (quarantined) {
      this.fields.quarantinedTo = quarantined.to;
      this.opts.log('error', 'session.quarantined', `Session files were unreadable (${quarantined.reason}); moved to ${quarantined.to}. Nothing was deleted.`, {
        reason: quarantined.reason,
        to: quarantined.to,
      });
      const device = this.meta.me;
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

  private mayConnect(): boolean {
    return this.intent === 'run' && !this.swapping && this.store !== null;
  }

  private async connect(state: 'connecting' | 'reconnecting'): Promise<void> {
    if (!this.mayConnect()) return;
    await this.retireSocket();
    if (!this.mayConnect() || !this.store) return;
    const gate = this.opts.gate;
    if (gate) {
      const decision = gate.ask({ phoneId: this.id, action: 'reconnect' });
      if (decision.verdict === 'deny') {
        // Over budget: wait for the rolling hour to free a slot instead of hammering the server.
        const now = this.opts.clock.now();
        const retryAt = Math.max(now, decision.retryAt ?? now + 60_000);
        this.retry.schedule(retryAt - now, () => void this.connect(state));
        this.opts.log('warn', 'reconnect.deferred', decision.reason, { retryAt, attempts: gate.attemptsInWindow(this.id) });
        this.setState(state, decision.reason);
        return;
      }
      gate.recordAttempt(this.id, 'reconnect');
    }
    const generation = ++this.generation;
    const store = this.store;
    this.setState(state, state === 'connecting' ? 'Connecting to WhatsApp…' : 'Reconnecting to WhatsApp…');
    const sock = makeWASocket({
      browser: Browsers.ubuntu('Session Keeper'),
      markOnlineOnConnect: false, // a companion that stays online stops the phone's notifications
      syncFullHistory: false,
      shouldSyncHistoryMessage: () => false,
      printQRInTerminal: false,
      ...this.opts.socket,
      logger: this.opts.baileysLogger,
      auth: { creds: store.state.creds, keys: makeCacheableSignalKeyStore(store.state.keys, this.opts.baileysLogger) },
    });
    this.sock = sock;
    neutraliseCredsPresence(sock, store.state.creds);
    sock.ev.on('creds.update', () => {
      // a socket that outlived its store (quarantine, restore) must not write through it
      if (this.store !== store) return;
      store
        .saveCreds()
        .then(() => this.opts.backupHooks?.onCredsChanged(this.id))
        .catch((err: unknown) => {
          this.opts.log('error', 'creds.save-failed', `Could not save session credentials: ${(err as Error).message}`);
        });
    });
    for (const event of PHONE_SIGNS) {
      sock.ws.on(event, (node: { attrs?: Record<string, string> }) => {
        if (generation !== this.generation) return;
        if (stanzaFromOwnPhone(node.attrs ?? {}, store.state.creds.me)) this.notePhoneSeen(this.opts.clock.now());
      });
    }
    sock.ev.on('connection.update', (update) => {
      if (generation !== this.generation) return;
      this.onConnectionUpdate(update).catch((err: unknown) => {
        this.opts.log('error', 'engine.error', `Unexpected error handling a connection update: ${(err as Error).message}`);
      });
    });
  }

  private async onConnectionUpdate(update: Partial<ConnectionState>): Promise<void> {
    const now = this.opts.clock.now();
    if (update.qr) {
      this.qrCount += 1;
      this.fields.qr = update.qr;
      this.fields.qrExpiresAt = now + (this.qrCount === 1 ? FIRST_QR_MS : NEXT_QR_MS);
      this.setState('waiting-for-scan', 'Scan the QR code with WhatsApp on your phone: Settings → Linked devices → Link a device.');
      this.opts.log('info', 'pairing.qr', `New QR code shown (${this.qrCount}).`);
    }
    if (update.connection === 'open') {
      await this.onOpen(now);
    } else if (update.connection === 'close') {
      await this.onClose(update, now);
    }
  }

  private async onOpen(now: number): Promise<void> {
    const me = this.store?.state.creds.me?.id ?? null;
    const firstOpen = this.meta.pairedAt === null;
    // Pairing is the phone in hand; a session from before this was tracked starts counting now.
    const phoneLastSeenAt = firstOpen || this.meta.phoneLastSeenAt === null ? now : this.meta.phoneLastSeenAt;
    // an open session is linked: whatever needed a new link is over
    this.meta = { ...this.meta, pairedAt: this.meta.pairedAt ?? now, me, lastOpenAt: now, phoneLastSeenAt, unlinked: null };
    this.phoneSeenSavedAt = phoneLastSeenAt;
    await writePhoneMeta(this.opts.paths.meta(this.id), this.meta);
    Object.assign(this.fields, {
      qr: null,
      qrExpiresAt: null,
      me,
      pairedAt: this.meta.pairedAt,
      connectedSince: now,
      quarantinedTo: null,
      bannedUntil: null,
    });
    this.qrCount = 0;
    this.policyState = policyOnOpen(this.policyState, now);
    this.setState('open', firstOpen ? 'Linked and connected.' : 'Connected.');
    this.opts.log('info', 'connection.open', firstOpen ? `Linked as ${me ?? 'unknown'}; session age starts now.` : 'Connected with the saved session.');
    if (firstOpen) this.opts.backupHooks?.onPaired(this.id);
    this.armStableTimer();
  }

  private async onClose(update: Partial<ConnectionState>, now: number): Promise<void> {
    this.clearStableTimer();
    this.clearHold();
    const connectedSince = this.fields.connectedSince;
    if (connectedSince !== null) {
      this.opts.log('info', 'connection.duration', sessionDurationLine(now - connectedSince), { ms: now - connectedSince });
    }
    this.sock = null;
    this.fields.connectedSince = null;
    this.fields.qr = null;
    this.fields.qrExpiresAt = null;
    this.meta = { ...this.meta, lastCloseAt: now };
    await writePhoneMeta(this.opts.paths.meta(this.id), this.meta);

    const input = disconnectInputFromError(update.lastDisconnect?.error, now);
    this.fields.lastDisconnect = { code: input.code, reason: input.reason, at: now };
    if (this.intent !== 'run' || this.swapping) return;
    const sessionValid = this.store?.isRegistered() ?? false;
    const result = decideDisconnect({ ...input, sessionValid }, this.policyState, this.opts.policy, now, this.opts.random);
    this.policyState = result.nextState;
    this.opts.log(result.log.level, 'disconnect.decision', result.log.message, {
      code: input.code,
      reason: input.reason,
      decision: result.decision.kind,
    });
    await this.apply(result.decision);
  }

  private async apply(decision: Decision): Promise<void> {
    const message = decision.detail;
    switch (decision.kind) {
      case 'reconnect': {
        const next = decision.state;
        // "at once" means now, not on the next tick of whatever clock was injected
        if (decision.delayMs <= 0) {
          this.setState(next, message);
          await this.connect(next);
          return;
        }
        this.retry.schedule(decision.delayMs, () => void this.connect(next));
        this.setState(next, message);
        return;
      }
      case 'pause': {
        this.retry.schedule(Math.max(0, decision.resumeAt - this.opts.clock.now()), () => {
          this.opts.log('info', 'reconnect.resume', 'Pause over: trying to reconnect.');
          this.policyState = policyOnResume(this.policyState);
          void this.connect('reconnecting');
        });
        this.setState('paused', message);
        return;
      }
      case 'stop-pairing': {
        // Every QR ran out with no valid session: the phone needs a new link. A server logout
        // that led here stays the reason (its quarantine already forgot the pairing).
        const prior = this.meta.unlinked;
        const cause = prior?.cause ?? 'pairing-expired';
        await this.enterUnlinked(cause, prior?.device ?? null, unlinkedDetail(cause), { keepSince: prior !== null });
        return;
      }
      case 'stop': {
        if (decision.state === 'logged-out') {
          // WhatsApp logged this device out (repeated 401, device_removed, 411): it is gone for good.
          const device = this.linkedDevice();
          if (decision.quarantine) await this.quarantineSession(decision.state);
          await this.enterUnlinked('server-logout', device, message, { removed: true });
          if (decision.offerPairing) await this.requestQr();
          return;
        }
        if (decision.quarantine) await this.quarantineSession(decision.state);
        if (decision.state === 'temp-banned') this.fields.bannedUntil = decision.retryAt ?? null;
        if (decision.retryAt !== undefined) {
          this.retry.schedule(Math.max(0, decision.retryAt - this.opts.clock.now()), () => void this.connect('reconnecting'));
        }
        this.setState(decision.state, message);
        if (decision.offerPairing) {
          // The session is truly dead: offer a fresh pairing right away so the QR is on screen.
          await this.requestQr();
        }
        return;
      }
    }
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
      this.fields.quarantinedTo = to;
      this.opts.log('warn', 'session.quarantined', `Session files moved to ${to} (${reason}). Nothing was deleted.`, { to, reason });
    }
    await this.forgetPairing();
    this.opts.backupHooks?.onLoggedOut(this.id);
    await this.openStore();
  }

  // ---- for the backup manager ----------------------------------------------------------

  /** The store's write lock, so a backup snapshot never sees half a key batch. */
  withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.store ? this.store.withWriteLock(fn) : fn();
  }

  /**
   * Runs fn (which replaces the session folder) with the socket ended and the store closed —
   * never two sockets on one session — then reopens the store and reconnects if it was running.
   */
  async withSessionStopped<T>(fn: () => Promise<T>): Promise<T> {
    this.swapping = true;
    this.retry.cancel();
    await this.retireSocket();
    await this.store?.close();
    this.store = null;
    // the socket is gone: the status must not keep saying 'open' while the folder is replaced
    if (this.intent === 'run') this.setState('connecting', 'Replacing the session files, then connecting…');
    let swapped = false;
    try {
      const result = await fn();
      swapped = true;
      return result;
    } finally {
      this.swapping = false;
      // A new folder connects from any state but a stop; the old one only if it was running.
      if (swapped ? resumesAfterSwap(this.intent) : this.intent === 'run') {
        this.intent = 'run';
        if (await this.openStore()) await this.connect('connecting');
      }
    }
  }

  /** A restored backup brings its own pairing: keep its session age instead of starting over. */
  async adoptRestored(info: { pairedAt: number | null; me: string }): Promise<void> {
    this.meta = { ...this.meta, pairedAt: info.pairedAt, me: info.me, unlinked: null };
    this.fields.pairedAt = info.pairedAt;
    this.fields.me = info.me;
    this.fields.quarantinedTo = null;
    await writePhoneMeta(this.opts.paths.meta(this.id), this.meta);
  }

  /** The record of this device if WhatsApp removed it (its backups are refused). */
  removedDevice(me: string): RemovedDevice | null {
    return removedDevice(this.meta, me);
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
      changed: () => this.emit(),
    };
  }

  /** The linked device's id, from the live creds or, without them, the meta. */
  private linkedDevice(): string | null {
    return this.store?.state.creds.me?.id ?? this.meta.me;
  }

  /**
   * The one way into "needs a new link": state 'logged-out' with its reason, remembered across
   * restarts; `removed` also remembers the device as gone at WhatsApp, so its backups are refused.
   */
  private async enterUnlinked(
    cause: UnlinkCause,
    device: string | null,
    detail: string,
    opts: { removed?: boolean; keepSince?: boolean } = {},
  ): Promise<void> {
    this.intent = 'unlinked';
    this.retry.cancel();
    const now = this.opts.clock.now();
    const at = opts.keepSince && this.meta.unlinked ? this.meta.unlinked.at : now;
    this.meta = { ...this.meta, unlinked: { cause, at, device } };
    if (opts.removed && device !== null && (cause === 'user-logout' || cause === 'server-logout')) {
      this.meta = withRemovedDevice(this.meta, { device, at: now, cause });
    }
    await writePhoneMeta(this.opts.paths.meta(this.id), this.meta);
    this.fields.qr = null;
    this.fields.qrExpiresAt = null;
    this.setState('logged-out', detail);
  }

  private async forgetPairing(): Promise<void> {
    this.meta = { ...this.meta, pairedAt: null, me: null, phoneLastSeenAt: null };
    this.fields.pairedAt = null;
    this.fields.me = null;
    await writePhoneMeta(this.opts.paths.meta(this.id), this.meta);
  }

  private armStableTimer(): void {
    this.clearStableTimer();
    const wait = this.opts.policy.stableOpenMs;
    this.stableTimer = this.opts.clock.setTimeout(() => {
      this.stableTimer = null;
      if (this.state === 'open') {
        this.policyState = policyOnStable(this.policyState, this.opts.clock.now(), this.opts.policy);
        this.emit();
      }
    }, wait);
  }

  private clearStableTimer(): void {
    this.opts.clock.clearTimeout(this.stableTimer);
    this.stableTimer = null;
  }

  private async retireSocket(): Promise<void> {
    const sock = this.sock;
    this.sock = null;
    this.generation += 1;
    if (!sock) return;
    this.clearStableTimer();
    this.clearHold();
    const since = this.fields.connectedSince;
    if (since !== null) {
      const now = this.opts.clock.now();
      this.opts.log('info', 'connection.duration', sessionDurationLine(now - since), { ms: now - since });
      this.fields.connectedSince = null;
    }
    await sock.end(undefined).catch(() => {});
    await this.store?.flush();
  }

  private setState(state: PhoneState, detail: string): void {
    this.state = state;
    this.fields.detail = detail;
    this.emit();
  }

  private emit(): void {
    this.opts.onStatus(this.status());
  }
}

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
