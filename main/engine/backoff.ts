// Reconnect backoff: pure delay maths plus a tiny one-shot timer on the injected Clock.
import type { Clock, TimerHandle } from './clock.js';

export interface BackoffConfig {
  /** delay before the first retry */
  baseMs: number;
  /** growth per further attempt */
  factor: number;
  /** no single wait is ever longer than this, jitter included */
  maxMs: number;
  /** ± fraction applied to the nominal delay (0.25 = ±25 %) */
  jitter: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffConfig> = Object.freeze({
  baseMs: 2_000,
  factor: 1.8,
  maxMs: 60_000,
  jitter: 0.25,
});

/** A connection open this long counts as healthy: the failure streak starts over. */
export const DEFAULT_STABLE_OPEN_MS = 60_000;

/** Delay before attempt `attempt` (1-based) without jitter, capped at `maxMs`. */
export function nominalDelay(attempt: number, config: BackoffConfig = DEFAULT_BACKOFF): number {
  const n = Math.max(1, Math.floor(attempt));
  // Math.pow overflows to Infinity for silly attempt counts; min() keeps that harmless.
  return Math.min(config.maxMs, config.baseMs * Math.pow(config.factor, n - 1));
}

/**
 * Delay before attempt `attempt` (1-based) with jitter from `random` (a value in [0, 1]:
 * 0 → −jitter, 0.5 → exact, 1 → +jitter). Jitter spreads many phones reconnecting after the
 * same network drop; the result is clamped to `maxMs` so "capped at 60 s" holds literally.
 */
export function backoffDelay(
  attempt: number,
  random: () => number,
  config: BackoffConfig = DEFAULT_BACKOFF,
): number {
  const r = Math.min(1, Math.max(0, random()));
  const factor = 1 + config.jitter * (2 * r - 1);
  return Math.round(Math.min(config.maxMs, nominalDelay(attempt, config) * factor));
}

/** Whether a connection that opened at `openSince` has been up long enough to forget past failures. */
export function shouldResetFailures(
  openSince: number | null,
  now: number,
  stableOpenMs: number = DEFAULT_STABLE_OPEN_MS,
): boolean {
  return openSince !== null && now - openSince >= stableOpenMs;
}

/**
 * One pending reconnect at a time: scheduling again replaces the previous one, so a burst of
 * close events can never stack up parallel sockets.
 */
export class ReconnectTimer {
  private handle: TimerHandle | null = null;
  private at: number | null = null;

  constructor(private readonly clock: Clock) {}

  /** ms since epoch of the pending attempt, or null when none is pending. */
  get nextAt(): number | null {
    return this.at;
  }

  schedule(delayMs: number, fn: () => void): number {
    this.cancel();
    const delay = Math.max(0, delayMs);
    const at = this.clock.now() + delay;
    this.at = at;
    this.handle = this.clock.setTimeout(() => {
      this.handle = null;
      this.at = null;
      fn();
    }, delay);
    return at;
  }

  cancel(): void {
    this.clock.clearTimeout(this.handle);
    this.handle = null;
    this.at = null;
  }
}

/**
 * Stateful companion to the pure functions for callers that just want "the next delay":
 * counts failures, and forgets them once a connection has stayed open `stableOpenMs`.
 */
export class Backoff {
  private failures = 0;
  private openSince: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly random: () => number = Math.random,
    private readonly config: BackoffConfig = DEFAULT_BACKOFF,
    private readonly stableOpenMs: number = DEFAULT_STABLE_OPEN_MS,
  ) {}

  /** consecutive failures counted so far */
  get attempt(): number {
    return this.failures;
  }

  /** The connection opened now. */
  opened(): void {
    this.openSince = this.clock.now();
  }

  /** The connection failed or closed: returns the wait before the next attempt. */
  failed(): number {
    if (shouldResetFailures(this.openSince, this.clock.now(), this.stableOpenMs)) this.failures = 0;
    this.openSince = null;
    this.failures += 1;
    return backoffDelay(this.failures, this.random, this.config);
  }

  reset(): void {
    this.failures = 0;
    this.openSince = null;
  }
}
