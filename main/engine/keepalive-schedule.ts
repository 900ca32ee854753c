// When the next keep-alive pulse is due, decided as pure functions of persisted numbers, so a
// short re-check timer (never one 12-hour timer) keeps the rhythm across restarts, sleep/wake and
// clock jumps. Nothing here sends anything: the caller pulses when told to.
import { sleepSpanAt, type AntiBanGate, type GateDecision } from './anti-ban.js';
import { parseHhMm, type KeepAliveSettings } from './settings-schema.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** How often the caller re-checks; a pulse is at most this late while the app runs. */
export const CHECK_GRANULARITY_MS = MINUTE;

export type Random = () => number;

export function intervalBounds(settings: KeepAliveSettings): { min: number; max: number } {
  const base = settings.intervalHours * HOUR;
  const j = settings.jitterPercent / 100;
  return { min: Math.round(base * (1 - j)), max: Math.round(base * (1 + j)) };
}

export function pulseHoldMs(settings: KeepAliveSettings): number {
  return settings.holdSeconds * SECOND;
}

/**
 * Earliest t ≥ candidate whose distance to every other phone's pulse is at least `gapMs`.
 * One pass over the sorted times suffices: t only moves forward, past one conflict at a time.
 */
export function staggerSlot(candidate: number, others: readonly number[], gapMs: number): number {
  if (gapMs <= 0) return candidate;
  let t = candidate;
  for (const o of [...others].sort((a, b) => a - b)) {
    if (Math.abs(t - o) < gapMs) t = o + gapMs;
  }
  return t;
}

/**
 * Planned times are honoured up to one check step late, so planned slots keep the stagger plus one
 * step apart; that keeps the pulses actually sent at least `staggerMinutes` apart.
 */
export function planningGapMs(settings: KeepAliveSettings, granularityMs = CHECK_GRANULARITY_MS): number {
  return settings.staggerMinutes > 0 ? settings.staggerMinutes * MINUTE + granularityMs : 0;
}

export interface PlaceDueInput {
  candidate: number;
  settings: KeepAliveSettings;
  random: Random;
  otherPhonesPulses: readonly number[];
  granularityMs?: number;
}

export interface PulsePlan {
  dueAt: number;
  /** where the jittered interval pointed before sleep and staggering moved it */
  candidate: number;
  /** the end of the sleep window it was moved out of, if any */
  movedOutOfSleepAt: number | null;
  /** how far staggering pushed it, in ms (0 when not) */
  staggeredByMs: number;
}

/** Moves a candidate out of sleep (to its end plus a random spread) and away from other phones. */
export function placeDue(input: PlaceDueInput): PulsePlan {
  const { candidate, settings, random, otherPhonesPulses } = input;
  const gap = planningGapMs(settings, input.granularityMs);
  let spread: number | null = null;
  let movedOutOfSleepAt: number | null = null;
  let t = candidate;
  let beforeStagger = candidate;
  // Staggering can push a slot into sleep and leaving sleep can collide again: settle both.
  for (let i = 0; i < 8; i++) {
    const sleep = sleepSpanAt(t, settings);
    if (sleep) {
      spread ??= Math.floor(random() * settings.sleepExitSpreadMinutes * MINUTE);
      movedOutOfSleepAt = sleep.end;
      t = sleep.end + spread;
    }
    beforeStagger = t;
    const s = staggerSlot(t, otherPhonesPulses, gap);
    if (s === t) break;
    t = s;
  }
  return { dueAt: t, candidate, movedOutOfSleepAt, staggeredByMs: t - beforeStagger };
}

export interface PlanNextPulseInput {
  /** when this phone last pulsed; null for a phone that never did (plans from now) */
  lastPulseAt: number | null;
  now: number;
  settings: KeepAliveSettings;
  random: Random;
  /** other phones' planned and recent pulse times */
  otherPhonesPulses: readonly number[];
  granularityMs?: number;
}

/** interval ± jitter after the last pulse; out of sleep; staggered. Never earlier than now. */
export function planNextPulse(input: PlanNextPulseInput): PulsePlan {
  const { settings, now } = input;
  const base = input.lastPulseAt ?? now;
  const j = settings.jitterPercent / 100;
  const interval = settings.intervalHours * HOUR * (1 + j * (2 * input.random() - 1));
  const candidate = Math.max(now, Math.round(base + interval));
  return placeDue({ ...input, candidate });
}

export type DueCheck = 'not-due' | 'due' | 'catch-up' | 'replan';

export interface CheckDueInput {
  dueAt: number;
  now: number;
  /** when the previous check ran in this process; null on the first check after start */
  lastCheckAt: number | null;
  granularityMs?: number;
  /** a due time further ahead than this is implausible (the clock went back): answer 'replan' */
  maxAheadMs?: number;
}

/**
 * 'due' when the due time passed within the last check step; 'catch-up' when it passed longer ago
 * (the machine slept, the clock jumped, the app was closed). Either way it is one pulse: the caller
 * then plans the next from now, so however much time was skipped there is never a burst.
 */
export function checkDue(input: CheckDueInput): DueCheck {
  const { dueAt, now, lastCheckAt } = input;
  const step = input.granularityMs ?? CHECK_GRANULARITY_MS;
  if (now < dueAt) {
    const wentBack = lastCheckAt !== null && now < lastCheckAt;
    const tooFar = input.maxAheadMs !== undefined && dueAt - now > input.maxAheadMs;
    return tooFar && (wentBack || lastCheckAt === null) ? 'replan' : 'not-due';
  }
  return now - dueAt <= step ? 'due' : 'catch-up';
}

/** The longest a correctly planned due time can lie ahead of now. */
export function maxAheadMs(settings: KeepAliveSettings): number {
  const s = parseHhMm(settings.sleepWindow.start) ?? 0;
  const e = parseHhMm(settings.sleepWindow.end) ?? 0;
  const sleepMinutes = (e - s + 1440) % 1440;
  // + 1 h for a DST day, + 1 h of room for staggering.
  return intervalBounds(settings).max + (sleepMinutes + settings.sleepExitSpreadMinutes) * MINUTE + 2 * HOUR;
}

// ---------------------------------------------------------------------------------------------
// A plan made under other settings (a settings restart): kept when it still fits, else recomputed.

/**
 * The settings a plan depends on, as a stable string persisted with the plan: a start under a
 * different key checks the plan. Hold time, reduced windows and the reconnect budget move no pulse.
 */
export function planSettingsKey(settings: KeepAliveSettings): string {
  const { intervalHours, jitterPercent, timeZone, sleepWindow, sleepExitSpreadMinutes, staggerMinutes } = settings;
  return JSON.stringify([intervalHours, jitterPercent, timeZone, sleepWindow.start, sleepWindow.end, sleepExitSpreadMinutes, staggerMinutes]);
}

export interface RefitInput {
  state: Pick<PulseState, 'dueAt' | 'lastPulseAt'>;
  now: number;
  settings: KeepAliveSettings;
  random: Random;
  otherPhonesPulses: readonly number[];
  granularityMs?: number;
}

/**
 * Why a plan made under other settings no longer fits the new ones (its pulse falls in the new
 * sleep window, or further after the last pulse — or now, before the first — than the new
 * interval's longest jittered step) with the plan recomputed from the last pulse by the usual
 * rules; null when it still fits and is kept.
 */
export function refitPlan(input: RefitInput): { reason: string; plan: PulsePlan } | null {
  const { state, now, settings } = input;
  const lastPulseAt = state.lastPulseAt !== null && state.lastPulseAt <= now ? state.lastPulseAt : null;
  const inSleep = sleepSpanAt(state.dueAt, settings) !== null;
  const tooLate = state.dueAt > (lastPulseAt ?? now) + intervalBounds(settings).max;
  if (!inSleep && !tooLate) return null;
  const reason = inSleep ? 'its planned pulse fell in the sleep window' : 'its planned pulse lay beyond the new interval';
  return { reason, plan: planNextPulse({ ...input, lastPulseAt }) };
}

// ---------------------------------------------------------------------------------------------
// One check, composed: what the re-check timer does each step for one phone.

/** What is persisted per phone (lastCheckAt stays in memory: null after a restart). */
export interface PulseState {
  dueAt: number;
  lastPulseAt: number | null;
  lastCheckAt: number | null;
}

export interface OtherPhone {
  lastPulseAt: number | null;
  dueAt: number | null;
}

export type TickOutcome =
  | { kind: 'wait'; state: PulseState }
  /** Send the pulse now; `state` already holds the next due time (persist it after sending). */
  | { kind: 'pulse'; trigger: 'due' | 'catch-up'; lateByMs: number; decision: GateDecision; plan: PulsePlan; state: PulseState }
  /** The gate or another phone's fresh pulse said not now: the due time moved. */
  | { kind: 'deferred'; trigger: 'due' | 'catch-up'; reason: string; decision: GateDecision | null; plan: PulsePlan; state: PulseState }
  | { kind: 'replanned'; reason: string; plan: PulsePlan; state: PulseState };

export interface PulseTickInput {
  phoneId: string;
  state: PulseState;
  now: number;
  settings: KeepAliveSettings;
  random: Random;
  gate: Pick<AntiBanGate, 'ask'>;
  otherPhones: readonly OtherPhone[];
  granularityMs?: number;
}

export function pulseTick(input: PulseTickInput): TickOutcome {
  const { state, now, settings, random, gate } = input;
  const granularityMs = input.granularityMs ?? CHECK_GRANULARITY_MS;
  const recent = input.otherPhones.flatMap((p) => (p.lastPulseAt === null ? [] : [p.lastPulseAt]));
  const all = input.otherPhones.flatMap((p) => [p.lastPulseAt, p.dueAt].filter((t): t is number => t !== null));
  const checked = { ...state, lastCheckAt: now };
  const verdict = checkDue({ dueAt: state.dueAt, now, lastCheckAt: state.lastCheckAt, granularityMs, maxAheadMs: maxAheadMs(settings) });
  if (verdict === 'not-due') return { kind: 'wait', state: checked };
  const common = { settings, random, otherPhonesPulses: all, granularityMs };
  if (verdict === 'replan') {
    const lastPulseAt = state.lastPulseAt !== null && state.lastPulseAt <= now ? state.lastPulseAt : null;
    const plan = planNextPulse({ ...common, lastPulseAt, now });
    return { kind: 'replanned', reason: 'The clock went back: the stored due time was implausibly far ahead', plan, state: { ...checked, lastPulseAt, dueAt: plan.dueAt } };
  }
  const trigger = verdict;
  // Catch-ups of several phones after a wake would otherwise all fire in the same step.
  const gap = settings.staggerMinutes * MINUTE;
  const slot = staggerSlot(now, recent, gap);
  if (slot > now) {
    const plan = placeDue({ ...common, candidate: slot });
    return { kind: 'deferred', trigger, reason: `Another phone pulsed less than ${settings.staggerMinutes} minutes ago`, decision: null, plan, state: { ...checked, dueAt: plan.dueAt } };
  }
  const decision = gate.ask({ phoneId: input.phoneId, action: 'pulse' });
  if (decision.verdict === 'deny') {
    // Planning from inside sleep lands on the sleep end plus the random spread.
    const candidate = decision.code === 'sleep' ? now : Math.max(now, decision.retryAt ?? now + granularityMs);
    const plan = placeDue({ ...common, candidate });
    const dueAt = Math.max(plan.dueAt, now + 1);
    return { kind: 'deferred', trigger, reason: decision.reason, decision, plan: { ...plan, dueAt }, state: { ...checked, dueAt } };
  }
  const plan = planNextPulse({ ...common, lastPulseAt: now, now });
  return { kind: 'pulse', trigger, lateByMs: now - state.dueAt, decision, plan, state: { dueAt: plan.dueAt, lastPulseAt: now, lastCheckAt: now } };
}
