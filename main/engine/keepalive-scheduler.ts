// One keep-alive scheduler for all phones of a keeper: one short re-check timer on the injected
// clock (never one 12-hour timer), per-phone persisted rhythm, staggering across phones, and the
// anti-ban gate asked before every pulse. The decisions are the pure functions of
// keepalive-schedule.ts; this class carries them out, persists them and logs them.
import { formatLocal, modeAt, type AntiBanGate, type GateDecision, type Mode, type ModeAt } from './anti-ban.js';
import type { Clock, TimerHandle } from './clock.js';
import { KeeperError } from './errors.js';
import {
  CHECK_GRANULARITY_MS,
  placeDue,
  planNextPulse,
  planSettingsKey,
  pulseHoldMs,
  pulseTick,
  refitPlan,
  type OtherPhone,
  type PulseState,
  type Random,
} from './keepalive-schedule.js';
import { readKeepAliveFile, writeKeepAliveFile } from './keepalive-state.js';
import { keepAliveLine } from './session-age.js';
import type { KeepAliveSettings } from './settings-schema.js';
import type { LogLevel } from './types.js';

/** A pulse that could not go out (no push name yet, a send error) is tried again this much later. */
export const PULSE_RETRY_MS = 15 * 60_000;

export type PulseFailureCode = 'not-open' | 'no-push-name' | 'busy' | 'send-failed';
export type PulseResult = { sent: true } | { sent: false; code: PulseFailureCode; reason: string };

/** What the scheduler needs from a phone (PhoneSession implements it). */
export interface PulseTarget {
  readonly id: string;
  isOpen(): boolean;
  /** presence 'available', then 'unavailable' after holdMs; resolves once 'available' went out (or why not) */
  sendPulse(holdMs: number): Promise<PulseResult>;
  /** resolves once a pulse's pending 'unavailable' went out */
  pulseSettled(): Promise<void>;
  /** true while a pulse holds its presence or sends its 'unavailable' */
  pulseInFlight(): boolean;
  sessionAgeMs(): number | null;
  checkPhoneActivity(now: number): void;
  notifyStatus(): void;
}

export type BackupHook = (phoneId: string, reason: 'keep-alive') => Promise<void> | void;

export interface KeepAliveView {
  nextKeepAliveAt: number | null;
  lastKeepAliveAt: number | null;
  mode: Mode;
  keepAlivePaused: boolean;
}

export interface ManualPulseResult {
  sentAt: number;
  mode: Mode;
  forced: boolean;
  nextKeepAliveAt: number | null;
}

/**
 * A manual pulse that was not sent; `refusal` says why (the gate's code, or the pulse
 * failure's). The gate and a pulse already under way refuse ('refused-by-gate'); a phone that
 * cannot send is 'not-connected'.
 */
export class KeepAliveRefusedError extends KeeperError {
  constructor(
    message: string,
    readonly refusal: GateDecision['code'] | PulseFailureCode,
    readonly retryAt: number | null = null,
  ) {
    super(refusal === 'not-open' || refusal === 'no-push-name' || refusal === 'send-failed' ? 'not-connected' : 'refused-by-gate', message);
    this.name = 'KeepAliveRefusedError';
  }
}

export interface KeepAliveSchedulerOptions {
  settings: KeepAliveSettings;
  clock: Clock;
  random: Random;
  gate: AntiBanGate;
  targets: readonly PulseTarget[];
  /** the folder for a phone's keepalive.json */
  stateDir: (phoneId: string) => string;
  log: (phoneId: string | null, level: LogLevel, event: string, message: string, data?: Record<string, unknown>) => void;
  requestBackup?: BackupHook;
  granularityMs?: number;
}

interface Run {
  target: PulseTarget;
  /** null until the phone is first open and planned */
  state: PulseState | null;
  paused: boolean;
  busy: boolean;
  lastFailCode: PulseFailureCode | null;
  writing: Promise<void>;
}

export class KeepAliveScheduler {
  private readonly runs = new Map<string, Run>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly granularity: number;
  private timer: TimerHandle | null = null;
  private running = false;
  private modeCache: { at: number; m: ModeAt } | null = null;
  private lastMode: Mode | null = null;

  constructor(private readonly opts: KeepAliveSchedulerOptions) {
    this.granularity = opts.granularityMs ?? CHECK_GRANULARITY_MS;
    for (const target of opts.targets) {
      this.runs.set(target.id, { target, state: null, paused: false, busy: false, lastFailCode: null, writing: Promise.resolve() });
    }
  }

  get settings(): KeepAliveSettings {
    return this.opts.settings;
  }

  /** Loads every phone's persisted rhythm and starts the short re-check timer. */
  async start(): Promise<void> {
    if (this.running) return;
    await Promise.all(
      [...this.runs.values()].map(async (run) => {
        const { file, setAside } = await readKeepAliveFile(this.opts.stateDir(run.target.id));
        if (setAside) this.opts.log(run.target.id, 'warn', 'keepalive.damaged', `Keep-alive state file was damaged and set aside (${setAside}); the rhythm is planned afresh.`);
        run.paused = file.paused;
        run.state = file.dueAt === null ? null : { dueAt: file.dueAt, lastPulseAt: file.lastPulseAt, lastCheckAt: null };
        return { run, plannedWith: file.plannedWith ?? null };
      }),
    ).then((loaded) => this.refitToSettings(loaded));
    this.running = true;
    this.lastMode = this.modeNow(this.opts.clock.now()).mode;
    this.arm();
  }

  /** Stops the timer and waits for pulses and writes already under way. */
  async stop(): Promise<void> {
    this.running = false;
    this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.settled();
  }

  /** Resolves once no pulse, hold, write or backup request is in flight. */
  async settled(): Promise<void> {
    for (;;) {
      if (this.inflight.size > 0) {
        await Promise.allSettled([...this.inflight]);
        continue;
      }
      await Promise.all([...this.runs.values()].map((r) => r.target.pulseSettled()));
      if (this.inflight.size === 0) return;
    }
  }

  /** True while a pulse, its hold or a write is under way (tests yield to the event loop only then). */
  busy(): boolean {
    return this.inflight.size > 0 || [...this.runs.values()].some((r) => r.target.pulseInFlight());
  }

  view(phoneId: string): KeepAliveView {
    const run = this.runs.get(phoneId);
    const mode = this.modeNow(this.opts.clock.now()).mode;
    if (!run) return { nextKeepAliveAt: null, lastKeepAliveAt: null, mode, keepAlivePaused: false };
    return {
      nextKeepAliveAt: run.paused ? null : run.state?.dueAt ?? null,
      lastKeepAliveAt: run.state?.lastPulseAt ?? null,
      mode,
      keepAlivePaused: run.paused,
    };
  }

  /**
   * Runs a check now (after a wake, an open, a resume): a missed pulse is caught up at once.
   * With `phoneId` (it just opened) that phone only: the others' plans did not change, and
   * checking all of them at each of 50 opens cost 50 × 50 plan checks over a pairing.
   */
  check(phoneId?: string): void {
    if (!this.running) return;
    if (phoneId === undefined) {
      this.tick();
      return;
    }
    const run = this.runs.get(phoneId);
    if (!run) return;
    const now = this.opts.clock.now();
    this.noteMode(now);
    this.checkRun(run, now);
  }

  async pause(phoneId: string): Promise<void> {
    const run = this.run(phoneId);
    if (run.paused) return;
    run.paused = true;
    this.opts.log(phoneId, 'info', 'keepalive.paused', 'Keep-alive paused for this phone: no pulses until it is resumed.');
    await this.persist(run);
    run.target.notifyStatus();
  }

  async resume(phoneId: string): Promise<void> {
    const run = this.run(phoneId);
    if (!run.paused) return;
    run.paused = false;
    const due = run.state?.dueAt;
    this.opts.log(phoneId, 'info', 'keepalive.resumed', due === undefined ? 'Keep-alive resumed.' : `Keep-alive resumed; next pulse due ${this.when(due)}.`);
    await this.persist(run);
    run.target.notifyStatus();
    this.check();
  }

  /** A pulse asked for by the user. Refused (KeepAliveRefusedError) in sleep unless forced, or when it cannot go out. */
  async pulseNow(phoneId: string, force: boolean): Promise<ManualPulseResult> {
    const run = this.run(phoneId);
    const decision = this.opts.gate.ask({ phoneId, action: 'manual-pulse', force });
    if (decision.verdict === 'deny') {
      this.opts.log(phoneId, 'info', 'keepalive.refused', `Manual keep-alive refused: ${decision.reason}`, { code: decision.code });
      throw new KeepAliveRefusedError(decision.reason, decision.code, decision.retryAt ?? null);
    }
    if (run.busy) throw new KeepAliveRefusedError('A keep-alive pulse for this phone is already under way.', 'busy');
    run.busy = true;
    const work = (async () => {
      const now = this.opts.clock.now();
      const result = await run.target.sendPulse(pulseHoldMs(this.opts.settings));
      if (!result.sent) {
        this.opts.log(phoneId, 'warn', 'keepalive.not-sent', `Manual keep-alive not sent: ${result.reason}`, { code: result.code });
        throw new KeepAliveRefusedError(result.reason, result.code);
      }
      const plan = planNextPulse({ ...this.common(run), lastPulseAt: now, now });
      run.state = { dueAt: plan.dueAt, lastPulseAt: now, lastCheckAt: run.state?.lastCheckAt ?? null };
      this.afterSent(run, now, decision, decision.code === 'forced' ? 'forced' : 'manual', 0);
      return { sentAt: now, mode: decision.mode, forced: decision.code === 'forced', nextKeepAliveAt: run.paused ? null : plan.dueAt };
    })();
    this.track(work);
    try {
      return await work;
    } finally {
      run.busy = false;
      run.target.notifyStatus();
    }
  }

  // ---- internals -------------------------------------------------------------------------

  /**
   * Plans persisted under other settings (a settings restart) are checked one phone after the
   * other, so each recomputed plan staggers against the ones before it; a plan that still fits
   * is kept. Every plan is then stamped with the settings in force.
   */
  private async refitToSettings(loaded: Array<{ run: Run; plannedWith: string | null }>): Promise<void> {
    const key = planSettingsKey(this.opts.settings);
    const now = this.opts.clock.now();
    for (const { run, plannedWith } of loaded) {
      if (run.state === null || plannedWith === key) continue;
      const refit = refitPlan({ ...this.common(run), state: run.state, now });
      if (refit !== null) {
        run.state = { dueAt: refit.plan.dueAt, lastPulseAt: run.state.lastPulseAt, lastCheckAt: null };
        this.opts.log(run.target.id, 'info', 'keepalive.replanned', `Keep-alive settings changed and ${refit.reason}; next pulse planned for ${this.when(refit.plan.dueAt)}.`, {
          dueAt: refit.plan.dueAt,
        });
      }
      await this.persist(run);
    }
  }

  private run(phoneId: string): Run {
    const run = this.runs.get(phoneId);
    if (!run) throw new KeeperError('unknown-phone', `No phone with id ${JSON.stringify(phoneId)} is configured.`);
    return run;
  }

  private arm(): void {
    if (!this.running) return;
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      this.arm();
      this.tick();
    }, this.granularity);
  }

  /** ModeAt holds until its endsAt: recompute only then (or when the clock went back). */
  private modeNow(now: number): ModeAt {
    const c = this.modeCache;
    if (c && now >= c.at && (c.m.endsAt === undefined || now < c.m.endsAt)) return c.m;
    const m = modeAt(now, this.opts.settings);
    this.modeCache = { at: now, m };
    return m;
  }

  private noteMode(now: number): void {
    const m = this.modeNow(now);
    if (m.mode === this.lastMode) return;
    this.lastMode = m.mode;
    const zone = this.opts.settings.timeZone;
    const until = m.endsAt === undefined ? '' : ` until ${formatLocal(m.endsAt, zone)}`;
    const text =
      m.mode === 'sleep'
        ? `Anti-ban sleep window ${m.window?.label ?? ''} (${zone}) began: no pulses${until}.`
        : m.mode === 'reduced'
          ? `Reduced mode: inside the reduced window ${m.window?.label ?? ''} (${zone})${until}; pulses allowed and logged as reduced.`
          : `Active hours (${zone})${until}.`;
    this.opts.log(null, 'info', 'keepalive.mode', text, { mode: m.mode });
    for (const run of this.runs.values()) run.target.notifyStatus();
  }

  private others(run: Run): OtherPhone[] {
    const out: OtherPhone[] = [];
    for (const r of this.runs.values()) {
      if (r === run) continue;
      out.push({ lastPulseAt: r.state?.lastPulseAt ?? null, dueAt: r.paused ? null : r.state?.dueAt ?? null });
    }
    return out;
  }

  private common(run: Run) {
    const otherPhones = this.others(run);
    return {
      settings: this.opts.settings,
      random: this.opts.random,
      granularityMs: this.granularity,
      otherPhones,
      otherPhonesPulses: otherPhones.flatMap((p) => [p.lastPulseAt, p.dueAt].filter((t): t is number => t !== null)),
    };
  }

  private when(t: number): string {
    return `${formatLocal(t, this.opts.settings.timeZone)} (${this.opts.settings.timeZone})`;
  }

  /** One re-check of every phone. Synchronous unless a pulse or a write has to happen. */
  private tick(): void {
    const now = this.opts.clock.now();
    this.noteMode(now);
    for (const run of this.runs.values()) this.checkRun(run, now);
  }

  private checkRun(run: Run, now: number): void {
    run.target.checkPhoneActivity(now);
    // Pulses go out only on an open session; a phone that opens later is checked right then.
    if (run.paused || run.busy || !run.target.isOpen()) return;
    if (run.state === null) {
      const plan = planNextPulse({ ...this.common(run), lastPulseAt: null, now });
      run.state = { dueAt: plan.dueAt, lastPulseAt: null, lastCheckAt: now };
      this.opts.log(run.target.id, 'info', 'keepalive.planned', `First keep-alive planned for ${this.when(plan.dueAt)}.`, { dueAt: plan.dueAt });
      this.persist(run).catch(() => {});
      run.target.notifyStatus();
      return;
    }
    const out = pulseTick({ phoneId: run.target.id, state: run.state, now, gate: this.opts.gate, ...this.common(run) });
    switch (out.kind) {
      case 'wait':
        run.state = out.state;
        break;
      case 'replanned':
        run.state = out.state;
        this.opts.log(run.target.id, 'warn', 'keepalive.replanned', `${out.reason}; next pulse planned for ${this.when(out.state.dueAt)}.`);
        this.persist(run).catch(() => {});
        run.target.notifyStatus();
        break;
      case 'deferred':
        run.state = out.state;
        this.opts.log(run.target.id, 'info', 'keepalive.deferred', `Keep-alive not now: ${out.reason}. Moved to ${this.when(out.state.dueAt)}.`, {
          code: out.decision?.code ?? 'stagger',
          dueAt: out.state.dueAt,
        });
        this.persist(run).catch(() => {});
        run.target.notifyStatus();
        break;
      case 'pulse':
        this.startPulse(run, out.state, out.decision, out.trigger, out.lateByMs, now);
        break;
    }
  }

  private startPulse(run: Run, next: PulseState, decision: GateDecision, trigger: 'due' | 'catch-up', lateByMs: number, now: number): void {
    const previous = run.state;
    // Holding the new state already lets the other phones' checks stagger against this pulse.
    run.state = next;
    run.busy = true;
    const work = (async () => {
      const result = await run.target.sendPulse(pulseHoldMs(this.opts.settings));
      if (result.sent) {
        this.afterSent(run, now, decision, trigger, lateByMs);
        return;
      }
      const retry = placeDue({ ...this.common(run), candidate: now + PULSE_RETRY_MS }).dueAt;
      run.state = { dueAt: retry, lastPulseAt: previous?.lastPulseAt ?? null, lastCheckAt: now };
      const repeat = run.lastFailCode === result.code;
      run.lastFailCode = result.code;
      this.opts.log(run.target.id, repeat ? 'info' : 'warn', 'keepalive.not-sent', `Keep-alive not sent: ${result.reason}. Trying again at ${this.when(retry)}.`, {
        code: result.code,
        retryAt: retry,
      });
      await this.persist(run);
    })()
      .catch((err: unknown) => {
        this.opts.log(run.target.id, 'error', 'engine.error', `Keep-alive failed unexpectedly: ${(err as Error).message}`);
      })
      .finally(() => {
        run.busy = false;
        run.target.notifyStatus();
      });
    this.track(work);
  }

  private afterSent(run: Run, sentAt: number, decision: GateDecision, trigger: 'due' | 'catch-up' | 'manual' | 'forced', lateByMs: number): void {
    const id = run.target.id;
    run.lastFailCode = null;
    const nextAt = run.state?.dueAt ?? null;
    if (trigger === 'catch-up') {
      this.opts.log(id, 'info', 'keepalive.catch-up', `A keep-alive was missed by ${Math.round(lateByMs / 60_000)} min (the computer slept, the app was closed or the clock jumped): one catch-up pulse sent.`, { lateByMs });
    }
    this.opts.log(id, 'info', 'keepalive.sent', keepAliveLine(run.target.sessionAgeMs() ?? 0), { trigger, mode: decision.mode, nextAt });
    if (decision.verdict === 'allow-reduced') {
      this.opts.log(id, 'info', 'keepalive.reduced', `${decision.reason}: keep-alive sent in reduced mode.`);
    } else if (decision.code === 'forced') {
      this.opts.log(id, 'warn', 'keepalive.forced', decision.reason);
    }
    if (nextAt !== null) this.opts.log(id, 'debug', 'keepalive.next', `Next keep-alive ${this.when(nextAt)}.`, { nextAt });
    this.track(this.persist(run));
    this.track(this.backup(id));
  }

  private async backup(phoneId: string): Promise<void> {
    const hook = this.opts.requestBackup;
    if (!hook) {
      this.opts.log(phoneId, 'info', 'backup.none', 'No backup is configured: nothing was backed up after this keep-alive.');
      return;
    }
    try {
      await hook(phoneId, 'keep-alive');
    } catch (err) {
      this.opts.log(phoneId, 'warn', 'backup.failed', `The backup after the keep-alive failed: ${(err as Error).message}`);
    }
  }

  private persist(run: Run): Promise<void> {
    const file = {
      version: 1 as const,
      dueAt: run.state?.dueAt ?? null,
      lastPulseAt: run.state?.lastPulseAt ?? null,
      paused: run.paused,
      plannedWith: planSettingsKey(this.opts.settings),
    };
    const dir = this.opts.stateDir(run.target.id);
    run.writing = run.writing
      .then(() => writeKeepAliveFile(dir, file))
      .catch((err: unknown) => {
        this.opts.log(run.target.id, 'error', 'keepalive.save-failed', `Could not save the keep-alive state: ${(err as Error).message}`);
      });
    this.track(run.writing);
    return run.writing;
  }

  private track(p: Promise<unknown>): void {
    const t = p.catch(() => {}).finally(() => this.inflight.delete(t));
    this.inflight.add(t);
  }
}
