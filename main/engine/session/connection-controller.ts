// One phone's Baileys socket: opening it, reading its connection updates, and carrying out what
// the disconnect policy decides (reconnect, pause, stop, a new link). What the decisions mean
// for the session files and the meta is the host's business (PhoneSession).
import makeWASocket, { Browsers, makeCacheableSignalKeyStore, type BinaryNode, type ConnectionState, type SocketConfig, type WASocket, type WAVersion } from '@whiskeysockets/baileys';
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';
import type { AntiBanGate } from '../anti-ban.js';
import type { AuthStore } from '../auth-store/index.js';
import { ReconnectTimer } from '../backoff.js';
import type { Clock, TimerHandle } from '../clock.js';
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
} from '../disconnect-policy.js';
import { stanzaFromOwnPhone } from '../phone-activity.js';
import { neutraliseCredsPresence } from '../presence-hygiene.js';
import { sessionDurationLine } from '../session-age.js';
import { KeeperError } from '../errors.js';
import { dropUnfinishedCodeLink, maskedNumber, PAIRING_WINDOW_MS } from '../pairing-code.js';
import type { LogLevel, PairingCode, ReconnectInfo } from '../types.js';
import { compareVersions, versionText, type WaVersionSource } from '../wa-version.js';
import { DEFAULT_DEAF_WATCH, DeafSocketWatch, probeNode, type DeafWatchConfig } from './deaf-socket-watch.js';
import type { StatusModel } from './status-model.js';

/** Baileys shows the first QR for 60 s, each following one for 20 s. */
const FIRST_QR_MS = 60_000;
const NEXT_QR_MS = 20_000;

const SCAN_DETAIL = 'Scan the QR code with WhatsApp on your phone: Settings → Linked devices → Link a device.';
const CODE_DETAIL = 'A pairing code is waiting to be typed on the phone.';

/** Stanzas that can come from our own phone: its receipts, messages and presence. */
const PHONE_SIGNS = ['CB:receipt', 'CB:message', 'CB:presence'] as const;
/** what ends a socket's TLS connect, one way or the other */
const TRANSPORT_EVENTS = ['open', 'close', 'error', 'unexpected-response'] as const;
/** a connect that hangs (packets dropped) holds the keeper's later start reads no longer than this */
export const TRANSPORT_WAIT_CAP_MS = 2_000;

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

/** What the controller asks of the session that owns the files and the meta. */
export interface ConnectionHost {
  store(): AuthStore | null;
  /**
   * The socket opened: note the pairing; true on the first open after a scan. Bookkeeping only:
   * it is noted in memory at once and written in the background, so a full disk cannot hold up
   * the connection.
   */
  opened(me: string | null, now: number): boolean;
  /** the phone was linked before this connection (a re-open, not the open that ends a pairing) */
  linkedBefore(): boolean;
  /** what 'open' waits for first: the keeper's rhythm and history, while they still load beside the first connection (null: nothing) */
  untilLoaded?(): Promise<void> | null;
  /** the socket closed (bookkeeping, like `opened`); called after the disconnect was acted on */
  closed(now: number): void;
  phoneSeen(now: number): void;
  credsSaved(): void;
  /** the first open after a scan is on screen as 'open' */
  paired(): void;
  /** WhatsApp logged the device out (repeated 401, device_removed, 411) */
  serverLoggedOut(quarantine: boolean, detail: string): Promise<void>;
  /** every QR ran out with no valid session; `byCode` when a pairing code was on screen */
  pairingExpired(byCode: boolean): Promise<void>;
  quarantine(reason: string): Promise<void>;
  /** show a fresh QR (the session is dead) */
  offerPairing(): Promise<void>;
  /** a new socket exists (before it opens); `current` is false once it is replaced */
  socketCreated?(sock: WASocket, current: () => boolean): void;
}

export interface ConnectionOptions {
  phoneId: string;
  clock: Clock;
  random: () => number;
  socket: Partial<SocketConfig>;
  policy: PolicyConfig;
  baileysLogger: ILogger;
  gate?: AntiBanGate;
  log: (level: LogLevel, event: string, message: string, data?: Record<string, unknown>) => void;
  status: StatusModel;
  host: ConnectionHost;
  /** the socket went away: a pulse's hold has nothing left to end */
  onSocketGone: () => void;
  /** when an open socket that hears nothing counts as deaf (defaults: DEFAULT_DEAF_WATCH) */
  deafWatch?: Partial<DeafWatchConfig>;
  /** the WhatsApp Web version to announce, learned again after a 405; absent = Baileys' own */
  waVersion?: WaVersionSource;
}

export class ConnectionController {
  private sock: WASocket | null = null;
  /** bumps on every new or retired socket; events from an older socket are ignored */
  private generation = 0;
  private policyState: PolicyState = initialPolicyState();
  private readonly retry: ReconnectTimer;
  private stableTimer: TimerHandle | null = null;
  private qrCount = 0;
  /** this pairing links by code (asked before its socket's first QR): its QRs are not announced */
  private codeExpected = false;
  /** when the current registration socket showed its first QR: its pairing window starts */
  private registrationSince: number | null = null;
  /** someone waits for the current socket's first QR (to ask for a pairing code on it) */
  private qrWaiters: Array<{ generation: number; settle: (shown: boolean) => void }> = [];
  private currentIntent: SessionIntent = 'not-started';
  /** the session folder is being replaced: nothing may connect until it is back */
  private swapping = false;
  private readonly deafWatch: DeafSocketWatch;
  /** sockets recycled because they went deaf, since this process started */
  private deafRecycles = 0;
  /** the version the current (or last) socket announced, when a source gives one */
  private announcedVersion: WAVersion | null = null;
  /** settles once the current socket is past its TLS connect (transportSettled) */
  private transport: Promise<void> = Promise.resolve();
  private endTransportWait: (() => void) | null = null;

  constructor(private readonly o: ConnectionOptions) {
    this.retry = new ReconnectTimer(o.clock);
    this.deafWatch = new DeafSocketWatch(o.clock, { ...DEFAULT_DEAF_WATCH, ...o.deafWatch });
  }

  get intent(): SessionIntent {
    return this.currentIntent;
  }

  set intent(intent: SessionIntent) {
    this.currentIntent = intent;
  }

  get socket(): WASocket | null {
    return this.sock;
  }

  /**
   * Settles once the current socket is past its TLS connect: its WebSocket opened (the Noise
   * hello is then on its way) or closed, it was retired, or TRANSPORT_WAIT_CAP_MS passed; at once
   * when there is no socket. The keeper reads the rest of its files then, while the handshake
   * waits for the server, rather than in the middle of the TLS handshake.
   */
  transportSettled(): Promise<void> {
    return this.transport;
  }

  /** A check that stays true only while the socket open now is the one in use. */
  currentCheck(): () => boolean {
    const generation = this.generation;
    return () => generation === this.generation;
  }

  isOpen(): boolean {
    return this.o.status.state === 'open' && this.sock !== null;
  }

  reconnectInfo(): ReconnectInfo {
    return { attempt: this.policyState.consecutiveFailures, nextAt: this.retry.nextAt };
  }

  cancelRetry(): void {
    this.retry.cancel();
  }

  /** The next pairing starts from the first, longer-lived QR; `forCode`: it links by pairing code, its QRs go unseen. */
  resetQr(forCode = false): void {
    this.qrCount = 0;
    this.codeExpected = forCode;
  }

  /** A pause ended or the user asked: a fresh round of attempts. */
  resumePolicy(): void {
    this.policyState = policyOnResume(this.policyState);
  }

  /** Holds every connection while the session folder is replaced. */
  hold(on: boolean): void {
    this.swapping = on;
  }

  private mayConnect(): boolean {
    return this.currentIntent === 'run' && !this.swapping && this.o.host.store() !== null;
  }

  async connect(state: 'connecting' | 'reconnecting'): Promise<void> {
    if (!this.mayConnect()) return;
    // the new socket needs the old one's key batches on disk (it reads keys from there), not its
    // creds saves (it uses the creds in memory): the link's two saves no longer hold up the
    // login after the 515 that ends every pairing; 'open' still waits for all of them (onOpen)
    await this.retire('keys');
    const store = this.o.host.store();
    if (!this.mayConnect() || !store) return;
    const { gate, clock, status } = this.o;
    const id = this.o.phoneId;
    if (gate) {
      const decision = gate.ask({ phoneId: id, action: 'reconnect' });
      if (decision.verdict === 'deny') {
        // Over budget: wait for the rolling hour to free a slot instead of hammering the server.
        const now = clock.now();
        const retryAt = Math.max(now, decision.retryAt ?? now + 60_000);
        this.retry.schedule(retryAt - now, () => void this.connect(state));
        this.o.log('warn', 'reconnect.deferred', decision.reason, { retryAt, attempts: gate.attemptsInWindow(id) });
        status.set(state, decision.reason);
        return;
      }
      gate.recordAttempt(id, 'reconnect');
    }
    const generation = ++this.generation;
    status.set(state, state === 'connecting' ? 'Connecting to WhatsApp…' : 'Reconnecting to WhatsApp…');
    const version = this.o.waVersion?.current() ?? null;
    this.announcedVersion = version;
    // a new socket ends any code shown for the old one
    status.patch({ pairingCode: null });
    this.registrationSince = null;
    if (dropUnfinishedCodeLink(store.state.creds, store.isRegistered())) {
      this.o.log('info', 'pairing.code-dropped', 'An unused pairing code was dropped: this connection starts a new link.');
    }
    const sock = makeWASocket({
      browser: Browsers.ubuntu('Session Keeper'),
      markOnlineOnConnect: false, // a companion that stays online stops the phone's notifications
      syncFullHistory: false,
      shouldSyncHistoryMessage: () => false,
      printQRInTerminal: false,
      ...this.o.socket,
      ...(version ? { version } : {}),
      logger: this.o.baileysLogger,
      auth: { creds: store.state.creds, keys: makeCacheableSignalKeyStore(store.state.keys, this.o.baileysLogger) },
    });
    this.sock = sock;
    this.watchTransport(sock);
    this.o.host.socketCreated?.(sock, () => generation === this.generation);
    neutraliseCredsPresence(sock, store.state.creds);
    sock.ev.on('creds.update', () => {
      // a socket that outlived its store (quarantine, restore) must not write through it
      if (this.o.host.store() !== store) return;
      store
        .saveCreds()
        .then(() => this.o.host.credsSaved())
        // a refused write is a storage fault: the store reports it, and it is shown and retried
        .catch(() => {});
    });
    for (const event of PHONE_SIGNS) {
      sock.ws.on(event, (node: { attrs?: Record<string, string> }) => {
        if (generation !== this.generation) return;
        if (!stanzaFromOwnPhone(node.attrs ?? {}, store.state.creds.me)) return;
        this.o.host.phoneSeen(clock.now());
        this.deafWatch.phoneSeen();
      });
    }
    sock.ws.on('frame', (node: BinaryNode) => {
      if (generation === this.generation) this.deafWatch.heard(node);
    });
    sock.ev.on('connection.update', (update) => {
      if (generation !== this.generation) return;
      this.onUpdate(update).catch((err: unknown) => {
        this.o.log('error', 'engine.error', `Unexpected error handling a connection update: ${(err as Error).message}`);
      });
    });
  }

  private watchTransport(sock: WASocket): void {
    this.endTransportWait?.();
    this.transport = new Promise<void>((resolve) => {
      let cap: TimerHandle | null = null;
      const done = (): void => {
        for (const event of TRANSPORT_EVENTS) sock.ws.off(event, done);
        this.o.clock.clearTimeout(cap);
        if (this.endTransportWait === done) this.endTransportWait = null;
        resolve();
      };
      // registered after Baileys' own 'open' listener, which sends the Noise hello first
      for (const event of TRANSPORT_EVENTS) sock.ws.on(event, done);
      cap = this.o.clock.setTimeout(done, TRANSPORT_WAIT_CAP_MS);
      this.endTransportWait = done;
    });
  }

  /**
   * Ends the socket (if any) and waits for the store's writes (`keys`: its key batches only); the
   * socket's late events are ignored.
   */
  async retire(settle: 'all' | 'keys' = 'all'): Promise<void> {
    const sock = this.sock;
    this.sock = null;
    this.generation += 1;
    this.settleQrWaiters();
    this.endTransportWait?.();
    if (!sock) return;
    this.clearStableTimer();
    this.deafWatch.stop();
    this.o.onSocketGone();
    const since = this.o.status.field('connectedSince');
    if (since !== null) {
      const now = this.o.clock.now();
      this.o.log('info', 'connection.duration', sessionDurationLine(now - since), { ms: now - since });
      this.o.status.patch({ connectedSince: null });
    }
    await sock.end(undefined).catch(() => {});
    const store = this.o.host.store();
    await (settle === 'keys' ? store?.keysSettled() : store?.flush());
  }

  /** The close that follows is ours (a logout), not a server decision. */
  disown(): void {
    this.generation += 1;
  }

  /** Stops everything timed: retries and the stability timer. */
  quiet(): void {
    this.retry.cancel();
    this.clearStableTimer();
    this.deafWatch.stop();
  }

  private async onUpdate(update: Partial<ConnectionState>): Promise<void> {
    const now = this.o.clock.now();
    if (update.qr) {
      this.qrCount += 1;
      this.registrationSince ??= now;
      this.o.status.patch({ qr: update.qr, qrExpiresAt: now + (this.qrCount === 1 ? FIRST_QR_MS : NEXT_QR_MS) });
      // a code asked for on this socket stays valid while its QRs turn over: nobody sees those QRs
      const byCode = this.codeExpected || Boolean(this.o.status.field('pairingCode'));
      this.o.status.set('waiting-for-scan', byCode ? CODE_DETAIL : SCAN_DETAIL);
      if (byCode) this.o.log('debug', 'pairing.qr', `QR code ${this.qrCount} turned over behind the pairing code (not shown).`);
      else this.o.log('info', 'pairing.qr', `New QR code shown (${this.qrCount}).`);
      this.settleQrWaiters(this.generation);
    }
    if (update.connection === 'open') {
      await this.onOpen(now);
    } else if (update.connection === 'close') {
      await this.onClose(update, now);
    }
  }

  private async onOpen(now: number): Promise<void> {
    // The open that ends a pairing promises a durable link: the link's creds and keys settle
    // first (either way: a refused write is a storage fault, so a full disk cannot hold it up).
    // A re-open's session was on disk before this connection; the login's own creds save lands
    // right after, and a refused one is a storage fault, shown and retried. Waiting for it (and
    // for the store's folder fsync behind it) cost a re-open 3-15 ms (docs/benchmarks.md, fifth pass).
    const generation = this.generation;
    const loading = this.o.host.untilLoaded?.() ?? null;
    if (loading) await loading;
    if (!this.o.host.linkedBefore()) await this.o.host.store()?.flush();
    // closed or replaced meanwhile: that close was decided on its own
    if (generation !== this.generation || this.sock === null) return;
    const me = this.o.host.store()?.state.creds.me?.id ?? null;
    const firstOpen = this.o.host.opened(me, now);
    this.o.status.patch({ qr: null, qrExpiresAt: null, pairingCode: null, connectedSince: now, quarantinedTo: null, bannedUntil: null });
    this.resetQr();
    this.policyState = policyOnOpen(this.policyState, now);
    this.o.status.set('open', firstOpen ? 'Linked and connected.' : 'Connected.');
    this.o.log('info', 'connection.open', firstOpen ? `Linked as ${me ?? 'unknown'}; session age starts now.` : 'Connected with the saved session.');
    if (firstOpen) this.o.host.paired();
    this.armStableTimer();
    this.watchForDeafness(generation);
  }

  /**
   * Asks WhatsApp for a pairing code on the current registration socket, once it shows its first
   * QR (then the server knows it as a companion that wants a link). The code lives as long as
   * that socket; it is shown in the status until the link opens or the socket closes.
   */
  async requestPairingCode(digits: string, timeoutMs = 30_000): Promise<PairingCode> {
    const generation = this.generation;
    const gone = (): KeeperError =>
      new KeeperError('not-connected', `WhatsApp did not take a pairing code request: ${this.o.status.field('detail')}`);
    if (this.sock === null) throw gone();
    if (this.registrationSince === null && !(await this.untilQr(generation, timeoutMs))) throw gone();
    const sock = this.sock;
    if (generation !== this.generation || sock === null) throw gone();
    let code: string;
    try {
      code = await sock.requestPairingCode(digits);
    } catch (err) {
      throw new KeeperError('not-connected', `The pairing code request did not reach WhatsApp: ${(err as Error).message}`, { cause: err });
    }
    if (generation !== this.generation) throw gone();
    const pairingCode = { code, expiresAt: (this.registrationSince ?? this.o.clock.now()) + PAIRING_WINDOW_MS };
    this.o.status.patch({ pairingCode });
    this.o.status.set('waiting-for-scan', CODE_DETAIL);
    this.o.log('info', 'pairing.code', `Pairing code shown for the number ${maskedNumber(digits)}.`, { expiresAt: pairingCode.expiresAt });
    return pairingCode;
  }

  /** True once the socket of `generation` showed a QR; false when it went away or time ran out. */
  private untilQr(generation: number, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.o.clock.setTimeout(() => {
        this.qrWaiters = this.qrWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter = {
        generation,
        settle: (shown: boolean) => {
          this.o.clock.clearTimeout(timer);
          resolve(shown);
        },
      };
      this.qrWaiters.push(waiter);
    });
  }

  /** A QR of `generation` was shown (true for its waiters), or, without one, every wait ends unmet. */
  private settleQrWaiters(generation?: number): void {
    const waiters = this.qrWaiters;
    this.qrWaiters = [];
    for (const w of waiters) w.settle(generation !== undefined && w.generation === generation);
  }

  /** Probes a socket that has been quiet too long, and replaces it when the probe goes unanswered. */
  private watchForDeafness(generation: number): void {
    this.deafWatch.start({
      probe: async (timeoutMs) => {
        const sock = this.sock;
        if (generation !== this.generation || !sock) return 'gone';
        this.o.log('debug', 'connection.probe', 'Nothing heard from WhatsApp for a while: asking it for an answer.');
        try {
          // Baileys resolves undefined (or rejects 408 "Timed Out") when no answer came in time
          return (await sock.query(probeNode(), timeoutMs)) ? 'answered' : 'unanswered';
        } catch (err) {
          const boom = err as { message?: string; output?: { statusCode?: number } };
          if (boom.message === 'Timed Out' && boom.output?.statusCode === 408) return 'unanswered';
          // an error reply is an answer too; a closed socket is handled by its close
          return generation === this.generation ? 'answered' : 'gone';
        }
      },
      recycle: (quietForMs) => {
        if (generation !== this.generation) return;
        this.deafRecycles += 1;
        this.o.status.patch({ deafRecycles: this.deafRecycles });
        const minutes = Math.round(quietForMs / 60_000);
        const reason = `The connection answered pings but nothing else for ${minutes} min (deaf socket): replacing it.`;
        this.o.log('warn', 'connection.deaf', reason, { quietForMs, recycles: this.deafRecycles });
        this.o.status.set('reconnecting', reason);
        void this.connect('reconnecting');
      },
    });
  }

  private async onClose(update: Partial<ConnectionState>, now: number): Promise<void> {
    this.clearStableTimer();
    this.deafWatch.stop();
    this.o.onSocketGone();
    const connectedSince = this.o.status.field('connectedSince');
    if (connectedSince !== null) {
      this.o.log('info', 'connection.duration', sessionDurationLine(now - connectedSince), { ms: now - connectedSince });
    }
    this.sock = null;
    this.settleQrWaiters();
    const byCode = Boolean(this.o.status.field('pairingCode'));
    this.o.status.patch({ connectedSince: null, qr: null, qrExpiresAt: null, pairingCode: null });

    // The disconnect is decided and acted on first; bookkeeping (the meta write) comes after
    // and never blocks: a full disk must not leave a dead socket showing 'open'.
    const input = disconnectInputFromError(update.lastDisconnect?.error, now);
    this.o.status.patch({ lastDisconnect: { code: input.code, reason: input.reason, at: now } });
    try {
      if (this.currentIntent === 'run' && !this.swapping) await this.decideAndApply(input, now, byCode);
    } finally {
      this.o.host.closed(now);
    }
  }

  private async decideAndApply(input: ReturnType<typeof disconnectInputFromError>, now: number, byCode: boolean): Promise<void> {
    const sessionValid = this.o.host.store()?.isRegistered() ?? false;
    const newerVersion = await this.newerVersionAfter(input.code);
    // the user may have stopped it (or a restore begun) while the version was asked for
    if (this.currentIntent !== 'run' || this.swapping) return;
    const result = decideDisconnect({ ...input, sessionValid, ...(newerVersion ? { newerVersion } : {}), ...(byCode ? { byCode } : {}) }, this.policyState, this.o.policy, now, this.o.random);
    this.policyState = result.nextState;
    this.o.log(result.log.level, 'disconnect.decision', result.log.message, {
      code: input.code,
      reason: input.reason,
      decision: result.decision.kind,
    });
    await this.apply(result.decision, byCode);
  }

  /** After a 405: the current WhatsApp Web version, if it is newer than the one refused. */
  private async newerVersionAfter(code: number | null): Promise<string | undefined> {
    const source = this.o.waVersion;
    const refused = this.announcedVersion;
    if (code !== 405 || !source || !refused) return undefined;
    const next = await source.refresh('outdated');
    return compareVersions(next, refused) > 0 ? versionText(next) : undefined;
  }

  private async apply(decision: Decision, byCode: boolean): Promise<void> {
    const message = decision.detail;
    const { status, clock } = this.o;
    switch (decision.kind) {
      case 'reconnect': {
        const next = decision.state;
        // "at once" means now, not on the next tick of whatever clock was injected
        if (decision.delayMs <= 0) {
          status.set(next, message);
          await this.connect(next);
          return;
        }
        this.retry.schedule(decision.delayMs, () => void this.connect(next));
        status.set(next, message);
        return;
      }
      case 'pause': {
        this.retry.schedule(Math.max(0, decision.resumeAt - clock.now()), () => {
          this.o.log('info', 'reconnect.resume', 'Pause over: trying to reconnect.');
          this.resumePolicy();
          void this.connect('reconnecting');
        });
        status.set('paused', message);
        return;
      }
      case 'stop-pairing': {
        await this.o.host.pairingExpired(byCode);
        return;
      }
      case 'stop': {
        if (decision.state === 'logged-out') {
          await this.o.host.serverLoggedOut(decision.quarantine, message);
          if (decision.offerPairing) await this.o.host.offerPairing();
          return;
        }
        if (decision.quarantine) await this.o.host.quarantine(decision.state);
        if (decision.state === 'temp-banned') status.patch({ bannedUntil: decision.retryAt ?? null });
        if (decision.retryAt !== undefined) {
          this.retry.schedule(Math.max(0, decision.retryAt - clock.now()), () => void this.connect('reconnecting'));
        }
        status.set(decision.state, message);
        if (decision.offerPairing) await this.o.host.offerPairing();
        return;
      }
    }
  }

  private armStableTimer(): void {
    this.clearStableTimer();
    this.stableTimer = this.o.clock.setTimeout(() => {
      this.stableTimer = null;
      if (this.o.status.state === 'open') {
        this.policyState = policyOnStable(this.policyState, this.o.clock.now(), this.o.policy);
        this.o.status.notify();
      }
    }, this.o.policy.stableOpenMs);
  }

  private clearStableTimer(): void {
    this.o.clock.clearTimeout(this.stableTimer);
    this.stableTimer = null;
  }
}
