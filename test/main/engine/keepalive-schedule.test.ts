import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../main/engine/clock.js';
import { createAntiBanGate, modeAt, sleepSpanAt } from '../../../main/engine/anti-ban.js';
import {
  CHECK_GRANULARITY_MS,
  checkDue,
  intervalBounds,
  planNextPulse,
  planSettingsKey,
  pulseHoldMs,
  pulseTick,
  refitPlan,
  staggerSlot,
  type PulsePlan,
  type PulseState,
  type Random,
} from '../../../main/engine/keepalive-schedule.js';
import { parseKeepAliveSettings, type KeepAliveSettings } from '../../../main/engine/settings-schema.js';
import { seededRandom } from '../../support/seeded-random.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEP = CHECK_GRANULARITY_MS;

function settings(input: Record<string, unknown>): KeepAliveSettings {
  const r = parseKeepAliveSettings(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.settings;
}

/** Seeded PRNG (mulberry32): a failing run can be replayed exactly. */
const seeded = (seed: number): Random => seededRandom(seed);

interface Pulse {
  phoneId: string;
  at: number;
  dueAt: number;
  /** the plan that produced dueAt */
  plan: PulsePlan;
  /** true when that plan was made from the previous pulse (not a deferral) */
  fromPreviousPulse: boolean;
}

/**
 * Drives pulseTick for several phones with one check per step, as the engine's re-check timer
 * would; `jumps` moves the wall clock without any checks in between (sleep/wake, NTP).
 */
function simulate(opts: {
  s: KeepAliveSettings;
  start: number;
  end: number;
  phones?: number;
  seed?: number;
  jumps?: Map<number, number>;
  restartAt?: number;
  initial?: PulseState;
}) {
  const { s } = opts;
  const random = seeded(opts.seed ?? 1);
  const clock = new ManualClock(opts.start);
  const gate = createAntiBanGate(s, clock);
  const ids = Array.from({ length: opts.phones ?? 1 }, (_, i) => `phone-${i}`);
  const states = new Map<string, PulseState>();
  const plans = new Map<string, { plan: PulsePlan; fromPreviousPulse: boolean }>();
  for (const id of ids) {
    const others = [...states.values()].flatMap((x) => [x.dueAt]);
    const plan = planNextPulse({ lastPulseAt: null, now: clock.now(), settings: s, random, otherPhonesPulses: others });
    states.set(id, opts.initial ?? { dueAt: plan.dueAt, lastPulseAt: null, lastCheckAt: null });
    plans.set(id, { plan, fromPreviousPulse: false });
  }
  const pulses: Pulse[] = [];
  const outcomes: string[] = [];
  let step = 0;
  while (clock.now() < opts.end) {
    for (const id of ids) {
      const state = states.get(id);
      assert.ok(state);
      const otherPhones = ids.filter((o) => o !== id).map((o) => states.get(o) ?? { lastPulseAt: null, dueAt: null });
      const out = pulseTick({ phoneId: id, state, now: clock.now(), settings: s, random, gate, otherPhones });
      if (out.kind !== 'wait') outcomes.push(`${out.kind}${'trigger' in out ? `:${out.trigger}` : ''}`);
      if (out.kind === 'pulse') {
        const made = plans.get(id);
        assert.ok(made);
        pulses.push({ phoneId: id, at: clock.now(), dueAt: state.dueAt, plan: made.plan, fromPreviousPulse: made.fromPreviousPulse });
      }
      if (out.kind !== 'wait') plans.set(id, { plan: out.plan, fromPreviousPulse: out.kind === 'pulse' });
      states.set(id, out.state);
    }
    step++;
    const jump = opts.jumps?.get(step);
    if (jump !== undefined) clock.jump(jump);
    else clock.advance(STEP);
    if (opts.restartAt !== undefined && clock.now() >= opts.restartAt && clock.now() < opts.restartAt + STEP) {
      // A restart forgets everything but the persisted dueAt/lastPulseAt.
      for (const id of ids) {
        const st = states.get(id);
        if (st) states.set(id, { ...st, lastCheckAt: null });
      }
    }
  }
  return { pulses, outcomes, states };
}

test('a pulse holds presence for the configured seconds', () => {
  assert.equal(pulseHoldMs(settings({})), 20_000);
  assert.equal(pulseHoldMs(settings({ holdSeconds: 0 })), 0);
});

test('the next pulse lands within interval ± jitter of the last one', () => {
  const s = settings({ timeZone: 'UTC' });
  const last = Date.UTC(2027, 0, 10, 9); // 09:00 → due 19:48–22:12, all active or reduced
  const { min, max } = intervalBounds(s);
  assert.equal(min, 10.8 * HOUR);
  assert.equal(max, 13.2 * HOUR);
  for (const r of [0, 0.25, 0.5, 0.999999]) {
    const plan = planNextPulse({ lastPulseAt: last, now: last, settings: s, random: () => r, otherPhonesPulses: [] });
    assert.ok(plan.dueAt - last >= min && plan.dueAt - last <= max, `r=${r}`);
    assert.equal(plan.movedOutOfSleepAt, null);
  }
  assert.equal(planNextPulse({ lastPulseAt: last, now: last, settings: s, random: () => 0.5, otherPhonesPulses: [] }).dueAt, last + 12 * HOUR);
});

test('a pulse that would fall inside sleep moves to the sleep end plus a random 0–30 minutes', () => {
  const s = settings({ timeZone: 'UTC', jitterPercent: 0 });
  const last = Date.UTC(2027, 0, 10, 15); // +12 h = 03:00, inside sleep
  const sleepEnd = Date.UTC(2027, 0, 11, 6);
  const early = planNextPulse({ lastPulseAt: last, now: last, settings: s, random: () => 0, otherPhonesPulses: [] });
  assert.equal(early.dueAt, sleepEnd);
  assert.equal(early.movedOutOfSleepAt, sleepEnd);
  const late = planNextPulse({ lastPulseAt: last, now: last, settings: s, random: () => 0.999, otherPhonesPulses: [] });
  assert.ok(late.dueAt > sleepEnd + 29 * MINUTE && late.dueAt < sleepEnd + 30 * MINUTE);
});

test('a plan is never earlier than now, even from a long-past last pulse', () => {
  const s = settings({ timeZone: 'UTC' });
  const now = Date.UTC(2027, 0, 10, 12);
  const plan = planNextPulse({ lastPulseAt: now - 5 * DAY, now, settings: s, random: () => 0.5, otherPhonesPulses: [] });
  assert.equal(plan.dueAt, now);
});

test('checkDue answers not-due, due within one step, catch-up past it, replan when the clock went back', () => {
  const due = 1_000_000_000;
  assert.equal(checkDue({ dueAt: due, now: due - 1, lastCheckAt: due - STEP }), 'not-due');
  assert.equal(checkDue({ dueAt: due, now: due, lastCheckAt: due - STEP }), 'due');
  assert.equal(checkDue({ dueAt: due, now: due + STEP, lastCheckAt: due }), 'due');
  assert.equal(checkDue({ dueAt: due, now: due + STEP + 1, lastCheckAt: null }), 'catch-up');
  assert.equal(checkDue({ dueAt: due, now: due + 3 * DAY, lastCheckAt: due - 30_000 }), 'catch-up');
  assert.equal(checkDue({ dueAt: due, now: due - 2 * DAY, lastCheckAt: due - 10_000, maxAheadMs: DAY }), 'replan');
  assert.equal(checkDue({ dueAt: due, now: due - 2 * HOUR, lastCheckAt: due - 10_000, maxAheadMs: DAY }), 'not-due');
});

test('staggering shifts a slot forward to the first one at least the gap from every other pulse', () => {
  const gap = 5 * MINUTE;
  assert.equal(staggerSlot(1000, [], gap), 1000);
  assert.equal(staggerSlot(0, [2 * MINUTE], gap), 7 * MINUTE);
  assert.equal(staggerSlot(0, [9 * MINUTE, -3 * MINUTE, 4 * MINUTE], gap), 14 * MINUTE);
  assert.equal(staggerSlot(0, [-5 * MINUTE, 5 * MINUTE], gap), 0);
});

const ZONES: Array<{ zone: string; start: number }> = [
  { zone: 'UTC', start: Date.UTC(2027, 0, 1, 9, 17, 23) },
  { zone: 'Asia/Jerusalem', start: Date.UTC(2027, 2, 10, 14, 3, 7) }, // across 2027-03-26
  { zone: 'America/New_York', start: Date.UTC(2027, 2, 1, 20, 41, 55) }, // across 2027-03-14
];

for (const { zone, start } of ZONES) {
  test(`30 simulated days in ${zone}: no pulse in sleep, spacing within interval ± jitter, never more than one step late`, () => {
    const s = settings({ timeZone: zone });
    const end = start + 30 * DAY;
    const { pulses, outcomes } = simulate({ s, start, end, seed: zone.length * 7919 });
    const { min, max } = intervalBounds(s);
    const spread = s.sleepExitSpreadMinutes * MINUTE;
    // Each gap is at most max + a full sleep (5 h, +1 h on a DST night) + spread; at least min.
    assert.ok(pulses.length >= Math.floor((30 * DAY) / (max + 6 * HOUR + spread)), `only ${pulses.length} pulses`);
    assert.ok(pulses.length <= Math.ceil((30 * DAY) / min) + 1, `${pulses.length} pulses`);
    let moved = 0;
    pulses.forEach((p, i) => {
      const when = `pulse ${i} at ${new Date(p.at).toISOString()}`;
      assert.notEqual(modeAt(p.at, s).mode, 'sleep', when);
      assert.ok(p.at >= p.dueAt && p.at - p.dueAt <= STEP, `${when} is ${(p.at - p.dueAt) / 1000}s late`);
      if (p.plan.movedOutOfSleepAt !== null) {
        moved++;
        assert.ok(p.at >= p.plan.movedOutOfSleepAt && p.at <= p.plan.movedOutOfSleepAt + spread + STEP, `${when} after sleep`);
        assert.equal(sleepSpanAt(p.plan.movedOutOfSleepAt - 1, s)?.end, p.plan.movedOutOfSleepAt, `${when} moved to a sleep end`);
      } else if (i > 0 && p.fromPreviousPulse) {
        const prev = pulses[i - 1];
        assert.ok(prev);
        const gap = p.at - prev.at;
        assert.ok(gap >= min && gap <= max + STEP, `${when}: spacing ${(gap / HOUR).toFixed(2)} h`);
      }
    });
    // A 12 h rhythm against a 5 h sleep must hit sleep sometimes: the rule above was exercised.
    assert.ok(moved > 0, 'no pulse was ever moved out of sleep');
    assert.ok(outcomes.every((o) => o === 'pulse:due'), `unexpected outcomes ${[...new Set(outcomes)].join(', ')}`);
  });
}

test('a 3-day clock jump gives exactly one catch-up pulse, then the rhythm restarts from it', () => {
  const s = settings({ timeZone: 'UTC' });
  const start = Date.UTC(2027, 0, 5, 9); // first due ≈ 21:00 (reduced/active)
  const jumps = new Map([[60, 3 * DAY]]); // the 60th check (09:59) is followed by a 3-day jump into active hours
  const { pulses, outcomes } = simulate({ s, start, end: start + 3 * DAY + 10 * HOUR, jumps });
  assert.deepEqual(outcomes, ['pulse:catch-up']);
  assert.equal(pulses.length, 1);
  assert.equal(pulses[0]?.at, start + 59 * MINUTE + 3 * DAY);
});

test('a clock jump that lands in sleep gives no pulse in sleep and exactly one after it', () => {
  const s = settings({ timeZone: 'UTC' });
  const start = Date.UTC(2027, 0, 5, 13); // jump lands at 03:00
  const jumps = new Map([[60, 2 * DAY - 11 * HOUR]]);
  const { pulses, outcomes } = simulate({ s, start, end: start + 2 * DAY + 3 * HOUR, jumps }); // ends before the next interval
  assert.deepEqual(outcomes, ['deferred:catch-up', 'pulse:due']);
  assert.equal(pulses.length, 1);
  const p = pulses[0];
  assert.ok(p);
  const sleepEnd = Date.UTC(2027, 0, 7, 6);
  assert.ok(p.at >= sleepEnd && p.at <= sleepEnd + 30 * MINUTE + STEP, new Date(p.at).toISOString());
});

test('a restart mid-interval keeps the persisted due time and pulses on it', () => {
  const s = settings({ timeZone: 'UTC' });
  const start = Date.UTC(2027, 0, 5, 9, 0, 30);
  const persisted: PulseState = { dueAt: Date.UTC(2027, 0, 5, 18, 7, 10), lastPulseAt: start - 2 * HOUR, lastCheckAt: null };
  // The app restarts at 13:00 with only dueAt/lastPulseAt on disk.
  const { pulses, outcomes } = simulate({ s, start, end: start + 10 * HOUR, initial: persisted, restartAt: start + 4 * HOUR });
  assert.deepEqual(outcomes, ['pulse:due']);
  assert.equal(pulses[0]?.dueAt, persisted.dueAt);
  assert.ok((pulses[0]?.at ?? 0) - persisted.dueAt <= STEP);
});

test('after a restart that missed the due time there is one catch-up pulse, not one per missed interval', () => {
  const s = settings({ timeZone: 'UTC' });
  const now = Date.UTC(2027, 0, 9, 8); // next due 20:00, outside sleep
  const state: PulseState = { dueAt: now - 2 * DAY, lastPulseAt: now - 2 * DAY - 12 * HOUR, lastCheckAt: null };
  const gate = createAntiBanGate(s, new ManualClock(now));
  const first = pulseTick({ phoneId: 'a', state, now, settings: s, random: () => 0.5, gate, otherPhones: [] });
  assert.equal(first.kind, 'pulse');
  assert.equal(first.kind === 'pulse' && first.trigger, 'catch-up');
  assert.equal(first.state.dueAt, now + 12 * HOUR);
  const second = pulseTick({ phoneId: 'a', state: first.state, now: now + STEP, settings: s, random: () => 0.5, gate, otherPhones: [] });
  assert.equal(second.kind, 'wait');
});

test('a clock that went back days re-plans instead of waiting out the stale due time', () => {
  const s = settings({ timeZone: 'UTC' });
  const now = Date.UTC(2027, 0, 9, 8);
  const state: PulseState = { dueAt: now + 3 * DAY, lastPulseAt: now + 3 * DAY - 12 * HOUR, lastCheckAt: now + 3 * DAY - 13 * HOUR };
  const gate = createAntiBanGate(s, new ManualClock(now));
  const out = pulseTick({ phoneId: 'a', state, now, settings: s, random: () => 0.5, gate, otherPhones: [] });
  assert.equal(out.kind, 'replanned');
  assert.equal(out.state.dueAt, now + 12 * HOUR);
  assert.equal(out.state.lastPulseAt, null);
});

test('5 phones planned from the same moment are staggered at least 5 minutes apart', () => {
  const s = settings({ timeZone: 'UTC' });
  const now = Date.UTC(2027, 0, 10, 9);
  const planned: number[] = [];
  for (let i = 0; i < 5; i++) {
    planned.push(planNextPulse({ lastPulseAt: now, now, settings: s, random: () => 0.5, otherPhonesPulses: planned }).dueAt);
  }
  const sorted = [...planned].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) assert.ok((sorted[i] ?? 0) - (sorted[i - 1] ?? 0) >= 5 * MINUTE);
  assert.equal(sorted[0], now + 12 * HOUR);
});

test('5 phones over 10 days, with a wake-up catch-up for all, never pulse within 5 minutes of each other', () => {
  const s = settings({ timeZone: 'Asia/Jerusalem' });
  const start = Date.UTC(2027, 2, 20, 8, 0, 11);
  const jumps = new Map([[3000, 20 * HOUR]]); // all phones overdue at once after the jump
  const { pulses, outcomes } = simulate({ s, start, end: start + 10 * DAY, phones: 5, seed: 42, jumps });
  assert.ok(outcomes.includes('pulse:catch-up'));
  assert.ok(outcomes.some((o) => o.startsWith('deferred')), 'the simultaneous catch-ups were not spread');
  const times = pulses.map((p) => p.at).sort((a, b) => a - b);
  for (let i = 1; i < times.length; i++) {
    assert.ok((times[i] ?? 0) - (times[i - 1] ?? 0) >= 5 * MINUTE, `pulses at ${new Date(times[i - 1] ?? 0).toISOString()} and ${new Date(times[i] ?? 0).toISOString()}`);
  }
  for (const p of pulses) assert.notEqual(modeAt(p.at, s).mode, 'sleep');
  for (let k = 0; k < 5; k++) assert.ok(pulses.filter((p) => p.phoneId === `phone-${k}`).length >= 15, `phone-${k} starved`);
});

// ---- A plan made under other settings ------------------------------------------------------

test('the plan key changes with what moves a pulse (interval, zone, sleep window) and not with the hold or reduced windows', () => {
  const base = settings({ timeZone: 'UTC' });
  assert.equal(planSettingsKey(settings({ timeZone: 'UTC', holdSeconds: 60, reducedWindows: [], reconnectBudgetPerHour: 5 })), planSettingsKey(base));
  for (const changed of [{ intervalHours: 8 }, { timeZone: 'Asia/Tokyo' }, { sleepWindow: { start: '02:00', end: '06:00' } }, { jitterPercent: 0 }, { staggerMinutes: 0 }]) {
    assert.notEqual(planSettingsKey(settings({ timeZone: 'UTC', ...changed })), planSettingsKey(base), JSON.stringify(changed));
  }
});

test('a plan that falls in the new sleep window is recomputed out of it, from the last pulse', () => {
  const s = settings({ timeZone: 'Asia/Tokyo' }); // sleep 01:00–06:00 Tokyo = 16:00–21:00 UTC
  const now = Date.UTC(2027, 4, 10, 12, 0);
  const lastPulseAt = now - 6 * HOUR;
  const refit = refitPlan({ state: { dueAt: Date.UTC(2027, 4, 10, 18, 0), lastPulseAt }, now, settings: s, random: seededRandom(3), otherPhonesPulses: [] });
  assert.ok(refit, 'recomputed');
  assert.match(refit.reason, /sleep window/);
  assert.equal(sleepSpanAt(refit.plan.dueAt, s), null, 'out of the sleep window');
  assert.ok(refit.plan.dueAt >= lastPulseAt + intervalBounds(s).min, 'still interval ± jitter after the last pulse (or later, out of sleep)');
});

test('a plan further ahead than the new interval allows is recomputed within it, staggered from the other phones', () => {
  const s = settings({ timeZone: 'UTC', intervalHours: 6, jitterPercent: 0 });
  const now = Date.UTC(2027, 4, 10, 8, 0);
  const lastPulseAt = now - HOUR;
  const other = lastPulseAt + 6 * HOUR;
  const refit = refitPlan({ state: { dueAt: now + 11 * HOUR, lastPulseAt }, now, settings: s, random: seededRandom(3), otherPhonesPulses: [other] });
  assert.ok(refit, 'recomputed');
  assert.match(refit.reason, /beyond the new interval/);
  assert.ok(refit.plan.dueAt >= other + 5 * MINUTE, `staggered away from the other phone: ${new Date(refit.plan.dueAt).toISOString()}`);
  assert.ok(refit.plan.dueAt <= other + 5 * MINUTE + STEP, 'by no more than the stagger');
});

test('a phone that never pulsed is measured from now: a first plan within the new interval is kept', () => {
  const s = settings({ timeZone: 'UTC', intervalHours: 6 });
  const now = Date.UTC(2027, 4, 10, 8, 0);
  assert.equal(refitPlan({ state: { dueAt: now + 6 * HOUR, lastPulseAt: null }, now, settings: s, random: seededRandom(3), otherPhonesPulses: [] }), null);
  assert.ok(refitPlan({ state: { dueAt: now + 7 * HOUR, lastPulseAt: null }, now, settings: s, random: seededRandom(3), otherPhonesPulses: [] }));
});

test('a plan that fits the new settings is kept as it is', () => {
  const s = settings({ timeZone: 'UTC', intervalHours: 24 });
  const now = Date.UTC(2027, 4, 10, 12, 0);
  assert.equal(refitPlan({ state: { dueAt: now + 10 * HOUR, lastPulseAt: now - 2 * HOUR }, now, settings: s, random: seededRandom(3), otherPhonesPulses: [] }), null);
});
