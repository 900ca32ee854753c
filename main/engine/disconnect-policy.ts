// What to do when a phone's connection closes: a pure table from Baileys' close reason to a
// decision. No timers, no I/O: the caller passes `now` and `random` and applies the decision.
//
// Baileys' close errors are turned into a DisconnectInput by ./baileys-close-error.ts.
import { DEFAULT_BACKOFF, backoffDelay, shouldResetFailures, type BackoffConfig } from './backoff.js';
import type { PhoneState } from './types.js';

export { disconnectInputFromError } from './baileys-close-error.js';

// ---------------------------------------------------------------------------------------------
// Input

export interface DisconnectInput {
  /** the Boom's output.statusCode; null when the socket ended without an error */
  code: number | null;
  /** the Boom's message, e.g. "Stream Errored (conflict)", "Connection Failure" */
  reason: string;
  /** <conflict type="…"/> of a stream:error: 'device_removed' (401) or 'replaced' (440) */
  conflict?: 'device_removed' | 'replaced' | string;
  /** 402: when the server says the temporary ban ends (ms since epoch) */
  expiresAt?: number;
}

/** Facts the engine knows besides the error itself. */
export interface PolicyInput extends DisconnectInput {
  /** the phone's session folder holds creds that load and look complete */
  sessionValid: boolean;
  /** set when the close was caused by the user, not by the network or the server */
  initiatedBy?: 'user-logout' | 'user-stop';
  /**
   * 405: a WhatsApp Web version newer than the refused one was just learned (e.g. "2.3000.1051").
   * Absent when none is known: then the refusal stands.
   */
  newerVersion?: string;
  /** a pairing code (not only QR codes) was waiting to be typed when the socket closed */
  byCode?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Config

export interface PolicyConfig {
  backoff: BackoffConfig;
  /** the Nth consecutive failure pauses instead of reconnecting */
  maxConsecutiveFailures: number;
  /** a pause ends on its own after this long */
  pauseMs: number;
  /** an open connection this old forgets earlier failures */
  stableOpenMs: number;
  /** 401 with valid session files: how many retries before giving up (1..3) */
  unauthorizedRetries: number;
  unauthorizedRetryDelayMs: number;
  /** 440: wait before the single reconnect */
  replacedRetryDelayMs: number;
  /** 440: a second one within this window means another client really owns the session */
  replacedWindowMs: number;
}

export const DEFAULT_POLICY_CONFIG: Readonly<PolicyConfig> = Object.freeze({
  backoff: DEFAULT_BACKOFF,
  maxConsecutiveFailures: 12,
  pauseMs: 30 * 60_000,
  stableOpenMs: 60_000,
  unauthorizedRetries: 1,
  unauthorizedRetryDelayMs: 10_000,
  replacedRetryDelayMs: 60_000,
  replacedWindowMs: 10 * 60_000,
});

/** Inclusive bounds for the user-tunable numbers; `normalizePolicyConfig` clamps into them. */
export const POLICY_LIMITS = Object.freeze({
  maxConsecutiveFailures: { min: 1, max: 100 },
  pauseMs: { min: 60_000, max: 24 * 60 * 60_000 },
  stableOpenMs: { min: 5_000, max: 10 * 60_000 },
  unauthorizedRetries: { min: 1, max: 3 },
  unauthorizedRetryDelayMs: { min: 1_000, max: 5 * 60_000 },
  replacedRetryDelayMs: { min: 10_000, max: 30 * 60_000 },
  replacedWindowMs: { min: 60_000, max: 24 * 60 * 60_000 },
} satisfies Record<string, { min: number; max: number }>);

type LimitedKey = keyof typeof POLICY_LIMITS;

function clampInt(value: unknown, fallback: number, min: number, max: number): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : fallback;
  return Math.min(max, Math.max(min, n));
}

/** Defaults for anything missing, and every number clamped into POLICY_LIMITS. */
export function normalizePolicyConfig(partial: Partial<PolicyConfig> = {}): PolicyConfig {
  const out: PolicyConfig = { ...DEFAULT_POLICY_CONFIG, backoff: { ...DEFAULT_BACKOFF, ...partial.backoff } };
  for (const key of Object.keys(POLICY_LIMITS) as LimitedKey[]) {
    const { min, max } = POLICY_LIMITS[key];
    out[key] = clampInt(partial[key], DEFAULT_POLICY_CONFIG[key], min, max);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// State (per phone, owned by the caller, replaced wholesale by each decision)

export interface PolicyState {
  /** closes in a row that were not followed by a stable (≥ stableOpenMs) connection */
  consecutiveFailures: number;
  /** when the current connection opened; null while closed */
  openSince: number | null;
  /** 401 retries used since the last successful open */
  unauthorizedRetriesUsed: number;
  /** when the last 440 that was answered with a reconnect happened */
  lastReplacedAt: number | null;
}

export function initialPolicyState(): PolicyState {
  return { consecutiveFailures: 0, openSince: null, unauthorizedRetriesUsed: 0, lastReplacedAt: null };
}

/** The connection opened: a 401 retry worked, and the stability clock starts. */
export function policyOnOpen(state: PolicyState, now: number): PolicyState {
  return { ...state, openSince: now, unauthorizedRetriesUsed: 0 };
}

/** The connection has been open `stableOpenMs`: forget the failure streak (for a timely UI). */
export function policyOnStable(state: PolicyState, now: number, config: PolicyConfig = DEFAULT_POLICY_CONFIG): PolicyState {
  return shouldResetFailures(state.openSince, now, config.stableOpenMs) ? { ...state, consecutiveFailures: 0 } : state;
}

/** A pause ended (user, OS wake/online, or its own timer): start a fresh round of attempts. */
export function policyOnResume(state: PolicyState): PolicyState {
  return { ...state, consecutiveFailures: 0 };
}

// ---------------------------------------------------------------------------------------------
// Decision

export type Decision =
  | { kind: 'reconnect'; delayMs: number; at: number; state: 'connecting' | 'reconnecting'; detail: string }
  | { kind: 'pause'; resumeAt: number; state: 'paused'; detail: string }
  | {
      kind: 'stop';
      state: PhoneState;
      /** move the session folder aside (never delete it) */
      quarantine: boolean;
      /** offer the user a fresh pairing (QR) */
      offerPairing: boolean;
      /** reconnect on its own at this time (402 with a known expiry) */
      retryAt?: number;
      detail: string;
    }
  | { kind: 'stop-pairing'; state: 'logged-out'; detail: string };

export interface PolicyResult {
  decision: Decision;
  nextState: PolicyState;
  log: { level: 'info' | 'warn' | 'error'; message: string };
}

/** Which rule applies; the order of checks in `ruleFor` is the precedence. */
export type RuleName =
  | 'user-logout'
  | 'user-stop'
  | 'qr-expired'
  | 'restart'
  | 'unauthorized'
  | 'replaced'
  | 'temp-banned'
  | 'banned'
  | 'outdated'
  | 'logged-out'
  | 'server-unverified'
  | 'transient';

/** The table: status code → rule. Codes not listed are treated as transient. */
export const CODE_RULES: Readonly<Record<number, RuleName>> = Object.freeze({
  515: 'restart', // restart required: normal right after a QR scan
  408: 'transient', // connection lost / timed out
  428: 'transient', // connection closed
  500: 'transient', // bad session / generic stream error
  503: 'transient', // service unavailable
  401: 'unauthorized', // logged out or device_removed, sometimes transient
  440: 'replaced', // another client took the session
  402: 'temp-banned',
  403: 'banned',
  406: 'banned',
  405: 'outdated', // WhatsApp Web version rejected
  411: 'logged-out', // multi-device mismatch
});

export const QR_EXPIRED_REASON = 'QR refs attempts ended';

/**
 * Baileys' (patched) Noise handshake refuses a server whose certificate chain does not prove it is
 * WhatsApp with a 400 and one of these messages, before anything is sent in the session's name.
 */
const SERVER_CERT_REFUSAL = /noise (leaf |intermediate )?certificate|certification match failed/;

export function ruleFor(input: PolicyInput): RuleName {
  if (input.initiatedBy === 'user-logout') return 'user-logout';
  if (input.initiatedBy === 'user-stop') return 'user-stop';
  if (input.code === 408 && input.reason.includes(QR_EXPIRED_REASON)) return 'qr-expired';
  // The conflict type is more specific than the code: without a `code` attr Baileys maps any
  // <conflict> to 440, even device_removed.
  if (input.conflict === 'device_removed') return 'unauthorized';
  if (input.conflict === 'replaced') return 'replaced';
  if (input.code === null) return 'transient';
  if (input.code === 400 && SERVER_CERT_REFUSAL.test(input.reason)) return 'server-unverified';
  return CODE_RULES[input.code] ?? 'transient';
}

/** "2.3 s", "60 s", "30 min", "2 h 5 min" */
export function formatDelay(ms: number): string {
  if (ms < 10_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  const min = Math.round(ms / 60_000);
  if (min < 120) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}

function describe(input: DisconnectInput): string {
  const code = input.code === null ? 'no code' : String(input.code);
  return `${code} ${input.conflict ?? input.reason}`;
}

/**
 * Decides what happens after a close. `now` is ms since epoch; `random` returns [0, 1] and
 * only feeds the backoff jitter.
 */
export function decideDisconnect(
  input: PolicyInput,
  state: PolicyState,
  config: PolicyConfig,
  now: number,
  random: () => number,
): PolicyResult {
  const head = describe(input);
  // A stable connection before this close forgives earlier failures.
  const failures = shouldResetFailures(state.openSince, now, config.stableOpenMs) ? 0 : state.consecutiveFailures;
  const closed: PolicyState = { ...state, openSince: null, consecutiveFailures: failures };

  const stop = (
    phoneState: PhoneState,
    detail: string,
    level: 'info' | 'warn' | 'error',
    extra: { quarantine?: boolean; offerPairing?: boolean; retryAt?: number } = {},
    nextState: PolicyState = closed,
  ): PolicyResult => {
    const decision: Decision = {
      kind: 'stop',
      state: phoneState,
      quarantine: extra.quarantine ?? false,
      offerPairing: extra.offerPairing ?? false,
      detail,
    };
    if (extra.retryAt !== undefined) decision.retryAt = extra.retryAt;
    return { decision, nextState, log: { level, message: `${head}: ${detail}` } };
  };

  const reconnect = (delayMs: number, detail: string, nextState: PolicyState, phoneState: 'connecting' | 'reconnecting' = 'reconnecting'): PolicyResult => ({
    decision: { kind: 'reconnect', delayMs, at: now + delayMs, state: phoneState, detail },
    nextState,
    log: { level: delayMs === 0 ? 'info' : 'warn', message: `${head}: ${detail}` },
  });

  /** Counts one more failure; the Nth in a row pauses instead of running `otherwise`. */
  const countFailure = (otherwise: (attempt: number, next: PolicyState) => PolicyResult): PolicyResult => {
    const attempt = failures + 1;
    const next: PolicyState = { ...closed, consecutiveFailures: attempt };
    if (attempt >= config.maxConsecutiveFailures) {
      const resumeAt = now + config.pauseMs;
      const detail =
        `${attempt} failures in a row: paused, session kept; resumes in ${formatDelay(config.pauseMs)}, ` +
        'when the computer wakes or goes online, or when you resume it';
      return { decision: { kind: 'pause', resumeAt, state: 'paused', detail }, nextState: next, log: { level: 'error', message: `${head}: ${detail}` } };
    }
    return otherwise(attempt, next);
  };

  const backoffReconnect = (why: string): PolicyResult =>
    countFailure((attempt, next) => {
      const delayMs = backoffDelay(attempt, random, config.backoff);
      return reconnect(delayMs, `${why}reconnecting in ${formatDelay(delayMs)} (failure ${attempt} in a row; pausing at ${config.maxConsecutiveFailures})`, next);
    });

  switch (ruleFor(input)) {
    case 'user-logout':
      return stop('logged-out', 'logged out by you; session folder moved aside, pair again to reconnect', 'info', { quarantine: true, offerPairing: true }, initialPolicyState());

    case 'user-stop':
      return stop('stopped', 'stopped by you; start it again to reconnect', 'info', {}, { ...closed, consecutiveFailures: 0 });

    case 'qr-expired':
      return {
        // nothing valid to reconnect with: the phone needs a new link (cause pairing-expired)
        decision: { kind: 'stop-pairing', state: 'logged-out', detail: 'QR expired; request a new one' },
        nextState: { ...closed, consecutiveFailures: 0 },
        log: {
          level: 'info',
          message: input.byCode
            ? `${head}: nobody typed the pairing code, pairing stopped; request a new code when ready`
            : `${head}: nobody scanned the QR codes, pairing stopped; request a new QR when ready`,
        },
      };

    case 'restart':
      // Not a failure: the server asks for a fresh socket (always right after a scan).
      return reconnect(0, 'server asked for a restart, reconnecting now', closed, 'connecting');

    case 'unauthorized': {
      if (!input.sessionValid) {
        return stop('logged-out', 'no valid session files, logged out; session folder moved aside, scan a new QR to pair again', 'error', { quarantine: true, offerPairing: true }, { ...closed, unauthorizedRetriesUsed: 0 });
      }
      const max = config.unauthorizedRetries;
      if (state.unauthorizedRetriesUsed >= max) {
        return stop('logged-out', `still rejected after ${max} ${max === 1 ? 'retry' : 'retries'}, logged out; session folder moved aside, scan a new QR to pair again`, 'error', { quarantine: true, offerPairing: true }, { ...closed, unauthorizedRetriesUsed: 0 });
      }
      // A 401 is sometimes transient (server hiccup right after pairing), so retry while the files are good.
      return countFailure((_attempt, next) => {
        const used = state.unauthorizedRetriesUsed + 1;
        const once = max === 1 ? 'once ' : '';
        return reconnect(config.unauthorizedRetryDelayMs, `session files still valid, retrying ${once}in ${formatDelay(config.unauthorizedRetryDelayMs)} (${used}/${max})`, { ...next, unauthorizedRetriesUsed: used });
      });
    }

    case 'replaced': {
      const recent = state.lastReplacedAt !== null && now - state.lastReplacedAt <= config.replacedWindowMs;
      if (recent) {
        // Two clients on one session keep kicking each other off, which gets the number banned.
        return stop('replaced', `replaced again within ${formatDelay(config.replacedWindowMs)}: another client is using this session; not retrying — close the other client, then start this phone again`, 'error', {}, { ...closed, lastReplacedAt: null });
      }
      return countFailure((_attempt, next) =>
        reconnect(config.replacedRetryDelayMs, `another client took over this session; reconnecting once in ${formatDelay(config.replacedRetryDelayMs)}`, { ...next, lastReplacedAt: now }),
      );
    }

    case 'temp-banned': {
      if (input.expiresAt === undefined) {
        return stop('temp-banned', 'temporarily banned by WhatsApp, no end time given; not retrying — start it again later', 'error');
      }
      const retryAt = Math.max(now, input.expiresAt);
      return stop('temp-banned', `temporarily banned by WhatsApp until ${new Date(retryAt).toISOString()}; reconnecting then (in ${formatDelay(retryAt - now)})`, 'error', { retryAt }, { ...closed, consecutiveFailures: 0 });
    }

    case 'banned':
      return stop('banned', 'this number is banned by WhatsApp; stopped, session kept', 'error');

    case 'outdated':
      if (input.newerVersion !== undefined) {
        // A strictly newer version each time, so this cannot loop: the next 405 without one stops.
        const detail = `WhatsApp refused this WhatsApp Web version as outdated; reconnecting at once with the current one, ${input.newerVersion}`;
        return { ...reconnect(0, detail, closed), log: { level: 'warn', message: `${head}: ${detail}` } };
      }
      return stop('outdated', 'WhatsApp rejected this client: the WhatsApp Web version is outdated and no newer one could be learned; stopped until the app is updated', 'error');

    case 'logged-out':
      return stop('logged-out', 'logged out by the server; session folder moved aside, scan a new QR to pair again', 'error', { quarantine: true, offerPairing: true }, { ...closed, unauthorizedRetriesUsed: 0 });

    case 'server-unverified':
      // Someone between us and WhatsApp (or a broken proxy): nothing it says can be believed, so
      // the session is kept and retried like a network fault, never logged out on its word.
      return backoffReconnect(`the server could not prove it is WhatsApp (${input.reason}); not logged in, session kept; `);

    case 'transient':
      return backoffReconnect('');
  }
}
