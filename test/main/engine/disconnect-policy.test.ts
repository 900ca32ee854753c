import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_POLICY_CONFIG,
  POLICY_LIMITS,
  decideDisconnect,
  formatDelay,
  initialPolicyState,
  normalizePolicyConfig,
  policyOnOpen,
  policyOnResume,
  policyOnStable,
  ruleFor,
  type Decision,
  type PolicyInput,
  type PolicyResult,
  type PolicyState,
} from '../../../main/engine/disconnect-policy.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const cfg = DEFAULT_POLICY_CONFIG;
const mid = (): number => 0.5;

function input(code: number | null, reason = 'x', extra: Partial<PolicyInput> = {}): PolicyInput {
  return { code, reason, sessionValid: true, ...extra };
}

function decide(i: PolicyInput, state: PolicyState = initialPolicyState(), now = T0, random = mid, config = cfg): PolicyResult {
  return decideDisconnect(i, state, config, now, random);
}

function asKind<K extends Decision['kind']>(d: Decision, kind: K): Extract<Decision, { kind: K }> {
  assert.equal(d.kind, kind, `expected ${kind}, got ${JSON.stringify(d)}`);
  return d as Extract<Decision, { kind: K }>;
}

// --- 515 --------------------------------------------------------------------------------------

test('515 restart required opens a new socket at once without counting a failure', () => {
  const r = decide(input(515, 'Stream Errored (restart required)'), { ...initialPolicyState(), consecutiveFailures: 3 });
  const d = asKind(r.decision, 'reconnect');
  assert.equal(d.delayMs, 0);
  assert.equal(d.state, 'connecting');
  assert.equal(r.nextState.consecutiveFailures, 3);
  assert.match(r.log.message, /^515 .*restart/);
});

// --- transient ----------------------------------------------------------------------------------

for (const code of [408, 428, 500, 503, 999, null]) {
  test(`${code ?? 'no code'} is transient: reconnect after 2 s on the first failure`, () => {
    const r = decide(input(code, 'Connection Terminated'));
    const d = asKind(r.decision, 'reconnect');
    assert.equal(d.delayMs, 2000);
    assert.equal(d.at, T0 + 2000);
    assert.equal(d.state, 'reconnecting');
    assert.equal(r.nextState.consecutiveFailures, 1);
    assert.match(r.log.message, /reconnecting in 2 s/);
  });
}

test('transient delays grow by 1.8 and cap at 60 s', () => {
  let state = initialPolicyState();
  const delays: number[] = [];
  for (let i = 0; i < 11; i++) {
    const r = decide(input(428), state);
    delays.push(asKind(r.decision, 'reconnect').delayMs);
    state = r.nextState;
  }
  assert.deepEqual(delays.slice(0, 4), [2000, 3600, 6480, 11664]);
  assert.deepEqual(delays.slice(6), [60_000, 60_000, 60_000, 60_000, 60_000]);
});

test('jitter is -25 % with random 0 and +25 % with random 1', () => {
  assert.equal(asKind(decide(input(408), initialPolicyState(), T0, () => 0).decision, 'reconnect').delayMs, 1500);
  assert.equal(asKind(decide(input(408), initialPolicyState(), T0, () => 1).decision, 'reconnect').delayMs, 2500);
});

test('the 11th failure in a row still reconnects and the 12th pauses for 30 min, auth kept', () => {
  const eleventh = decide(input(428), { ...initialPolicyState(), consecutiveFailures: 10 });
  assert.equal(asKind(eleventh.decision, 'reconnect').delayMs, 60_000);
  const twelfth = decide(input(428), eleventh.nextState);
  const d = asKind(twelfth.decision, 'pause');
  assert.equal(d.resumeAt, T0 + 30 * MIN);
  assert.equal(twelfth.nextState.consecutiveFailures, 12);
  assert.match(twelfth.log.message, /12 failures in a row: paused, session kept/);
});

test('resuming a pause starts a fresh round of attempts at 2 s', () => {
  const paused = { ...initialPolicyState(), consecutiveFailures: 12 };
  const r = decide(input(428), policyOnResume(paused));
  assert.equal(asKind(r.decision, 'reconnect').delayMs, 2000);
});

test('a connection open for 60 s forgets earlier failures; one open for 59 s does not', () => {
  const failing = { ...initialPolicyState(), consecutiveFailures: 11 };
  const short = decide(input(428), policyOnOpen(failing, T0), T0 + 59_000);
  asKind(short.decision, 'pause');
  const stable = decide(input(428), policyOnOpen(failing, T0), T0 + 60_000);
  assert.equal(asKind(stable.decision, 'reconnect').delayMs, 2000);
  assert.equal(stable.nextState.consecutiveFailures, 1);
  assert.equal(stable.nextState.openSince, null);
});

test('policyOnStable clears the streak only after 60 s open', () => {
  const open = policyOnOpen({ ...initialPolicyState(), consecutiveFailures: 5 }, T0);
  assert.equal(policyOnStable(open, T0 + 59_999).consecutiveFailures, 5);
  assert.equal(policyOnStable(open, T0 + 60_000).consecutiveFailures, 0);
});

// --- QR expired ---------------------------------------------------------------------------------

test('408 "QR refs attempts ended" stops pairing instead of looping QR codes', () => {
  const r = decide(input(408, 'QR refs attempts ended', { sessionValid: false }));
  const d = asKind(r.decision, 'stop-pairing');
  assert.equal(d.state, 'logged-out', 'no valid session: the phone needs a new link, not a restart');
  assert.equal(d.detail, 'QR expired; request a new one');
  assert.equal(r.nextState.consecutiveFailures, 0);
});

test('408 while a pairing code was waiting logs that nobody typed the code, not the QR codes', () => {
  const r = decide(input(408, 'QR refs attempts ended', { sessionValid: false, byCode: true }));
  assert.match(r.log.message, /nobody typed the pairing code, pairing stopped; request a new code/);
  assert.doesNotMatch(r.log.message, /scanned|new QR/, "the head keeps Baileys' own reason; our words say code");
  assert.match(decide(input(408, 'QR refs attempts ended', { sessionValid: false })).log.message, /nobody scanned the QR codes/);
});

// --- 401 ----------------------------------------------------------------------------------------

test('401 device_removed with valid session files retries once after 10 s', () => {
  const r = decide(input(401, 'Stream Errored (conflict)', { conflict: 'device_removed' }));
  const d = asKind(r.decision, 'reconnect');
  assert.equal(d.delayMs, 10_000);
  assert.equal(r.nextState.unauthorizedRetriesUsed, 1);
  assert.equal(r.log.message, '401 device_removed: session files still valid, retrying once in 10 s (1/1)');
});

test('a repeated 401 quarantines the session and offers a fresh pairing', () => {
  const first = decide(input(401, 'Connection Failure'));
  const second = decide(input(401, 'Connection Failure'), first.nextState, T0 + 11_000);
  const d = asKind(second.decision, 'stop');
  assert.equal(d.state, 'logged-out');
  assert.equal(d.quarantine, true);
  assert.equal(d.offerPairing, true);
  assert.equal(second.nextState.unauthorizedRetriesUsed, 0);
  assert.match(second.log.message, /^401 Connection Failure: still rejected after 1 retry, logged out/);
});

test('401 with no valid session files logs out at once', () => {
  const r = decide(input(401, 'Connection Failure', { sessionValid: false }));
  const d = asKind(r.decision, 'stop');
  assert.equal(d.state, 'logged-out');
  assert.equal(d.quarantine, true);
});

test('with 3 401 retries configured, three retries happen and the fourth 401 logs out', () => {
  const config = normalizePolicyConfig({ unauthorizedRetries: 3 });
  let state = initialPolicyState();
  const messages: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = decide(input(401, 'Stream Errored (conflict)', { conflict: 'device_removed' }), state, T0, mid, config);
    asKind(r.decision, 'reconnect');
    messages.push(r.log.message);
    state = r.nextState;
  }
  assert.deepEqual(messages.map((m) => m.slice(-5)), ['(1/3)', '(2/3)', '(3/3)']);
  assert.doesNotMatch(messages[0] ?? '', /once/);
  const last = decide(input(401, 'x', { conflict: 'device_removed' }), state, T0, mid, config);
  assert.equal(asKind(last.decision, 'stop').state, 'logged-out');
});

test('a successful open resets the 401 retry counter', () => {
  const first = decide(input(401, 'Connection Failure'));
  const afterOpen = policyOnOpen(first.nextState, T0 + 10_000);
  const again = decide(input(401, 'Connection Failure'), afterOpen, T0 + 20_000);
  assert.equal(asKind(again.decision, 'reconnect').delayMs, 10_000);
});

test('a conflict device_removed without a code attr (Baileys says 440) is still a 401', () => {
  assert.equal(ruleFor(input(440, 'Stream Errored (conflict)', { conflict: 'device_removed' })), 'unauthorized');
});

// --- 440 ----------------------------------------------------------------------------------------

test('440 replaced reconnects once after 60 s', () => {
  const r = decide(input(440, 'Stream Errored (conflict)', { conflict: 'replaced' }));
  assert.equal(asKind(r.decision, 'reconnect').delayMs, 60_000);
  assert.equal(r.nextState.lastReplacedAt, T0);
});

test('a second 440 within 10 min stops in `replaced` with no automatic retry', () => {
  const first = decide(input(440, 'Stream Errored (conflict)', { conflict: 'replaced' }));
  const second = decide(input(440, 'Stream Errored (conflict)', { conflict: 'replaced' }), first.nextState, T0 + 10 * MIN);
  const d = asKind(second.decision, 'stop');
  assert.equal(d.state, 'replaced');
  assert.equal(d.quarantine, false);
  assert.equal(d.retryAt, undefined);
});

test('a 440 after 11 minutes is treated as a first 440 again', () => {
  const first = decide(input(440, 'Stream Errored (conflict)', { conflict: 'replaced' }));
  const later = decide(input(440, 'Stream Errored (conflict)', { conflict: 'replaced' }), first.nextState, T0 + 11 * MIN);
  assert.equal(asKind(later.decision, 'reconnect').delayMs, 60_000);
  assert.equal(later.nextState.lastReplacedAt, T0 + 11 * MIN);
});

// --- bans, version, logout ----------------------------------------------------------------------

test('402 with an expiry stays temp-banned and schedules a reconnect at the expiry', () => {
  const r = decide(input(402, 'Connection Failure', { expiresAt: T0 + 2 * 3_600_000 }));
  const d = asKind(r.decision, 'stop');
  assert.equal(d.state, 'temp-banned');
  assert.equal(d.retryAt, T0 + 2 * 3_600_000);
  assert.equal(d.quarantine, false);
  assert.match(r.log.message, /in 2 h/);
});

test('402 without an expiry stops and asks the user', () => {
  const d = asKind(decide(input(402, 'Connection Failure')).decision, 'stop');
  assert.equal(d.state, 'temp-banned');
  assert.equal(d.retryAt, undefined);
});

for (const code of [403, 406]) {
  test(`${code} stops in banned and keeps the session`, () => {
    const d = asKind(decide(input(code, 'Connection Failure')).decision, 'stop');
    assert.equal(d.state, 'banned');
    assert.equal(d.quarantine, false);
  });
}

test('405 stops in outdated and says the WhatsApp Web version is outdated', () => {
  const r = decide(input(405, 'Connection Failure'));
  assert.equal(asKind(r.decision, 'stop').state, 'outdated');
  assert.match(r.log.message, /WhatsApp Web version is outdated/);
});

test('405 with a newer WhatsApp Web version just learned reconnects at once with it, as a warning, and counts no failure', () => {
  const r = decide({ ...input(405, 'Connection Failure'), newerVersion: '2.3000.1099999999' });
  const d = asKind(r.decision, 'reconnect');
  assert.equal(d.delayMs, 0);
  assert.match(d.detail, /outdated; reconnecting at once with the current one, 2\.3000\.1099999999/);
  assert.equal(r.log.level, 'warn');
  assert.equal(r.nextState.consecutiveFailures, 0);
});

test('411 logs out and quarantines the session', () => {
  const d = asKind(decide(input(411, 'Multi-device beta not joined')).decision, 'stop');
  assert.equal(d.state, 'logged-out');
  assert.equal(d.quarantine, true);
});

test('a 400 certificate refusal in the Noise handshake backs off with the session kept and says the server is unverified', () => {
  const refusals = [
    'noise leaf certificate key does not match the server static key',
    'noise leaf certificate issuer serial does not match the intermediate serial',
    'noise intermediate certificate signature invalid',
    'certification match failed',
  ];
  for (const reason of refusals) {
    assert.equal(ruleFor(input(400, reason)), 'server-unverified', reason);
    const r = decide(input(400, reason, { sessionValid: true }));
    const d = asKind(r.decision, 'reconnect');
    assert.equal(d.delayMs, 2000, 'the first backoff step, like a network fault');
    assert.match(d.detail, /could not prove it is WhatsApp/);
    assert.ok(d.detail.includes(reason), 'names what failed');
    assert.match(d.detail, /session kept/);
  }
  assert.equal(ruleFor(input(400, 'Invalid media type')), 'transient', 'other 400s are not about the server identity');
  let state = initialPolicyState();
  for (let i = 0; i < 11; i++) state = decide(input(400, refusals[0]), state).nextState;
  const paused = decide(input(400, refusals[0]), state).decision;
  assert.equal(paused.kind, 'pause', 'the 12th refusal in a row pauses instead of hammering a hostile network');
});

test('a user-initiated logout logs out without a retry even though Baileys reports 401', () => {
  const d = asKind(decide(input(401, 'Intentional Logout', { initiatedBy: 'user-logout' })).decision, 'stop');
  assert.equal(d.state, 'logged-out');
  assert.equal(d.quarantine, true);
});

test('a user-initiated stop ends in stopped without a retry', () => {
  const d = asKind(decide(input(null, 'connection closed without an error', { initiatedBy: 'user-stop' })).decision, 'stop');
  assert.equal(d.state, 'stopped');
  assert.equal(d.quarantine, false);
});

// --- config and wording -------------------------------------------------------------------------

test('the 401 retry count is clamped to 1..3', () => {
  assert.deepEqual(POLICY_LIMITS.unauthorizedRetries, { min: 1, max: 3 });
  assert.equal(normalizePolicyConfig({ unauthorizedRetries: 0 }).unauthorizedRetries, 1);
  assert.equal(normalizePolicyConfig({ unauthorizedRetries: 9 }).unauthorizedRetries, 3);
  assert.equal(normalizePolicyConfig({ unauthorizedRetries: 2 }).unauthorizedRetries, 2);
  assert.deepEqual(normalizePolicyConfig(), { ...DEFAULT_POLICY_CONFIG, backoff: { ...DEFAULT_POLICY_CONFIG.backoff } });
});

test('every decision carries a log message starting with the code and reason', () => {
  for (const code of [515, 408, 428, 500, 503, 401, 440, 402, 403, 405, 406, 411, 777]) {
    const r = decide(input(code, 'Some Reason'));
    assert.ok(r.log.message.startsWith(`${code} Some Reason: `), r.log.message);
    assert.ok(r.log.message.length > `${code} Some Reason: `.length + 10);
    assert.ok(r.decision.detail.length > 0);
  }
});

test('delays read in plain words', () => {
  assert.equal(formatDelay(2000), '2 s');
  assert.equal(formatDelay(3600), '3.6 s');
  assert.equal(formatDelay(60_000), '60 s');
  assert.equal(formatDelay(30 * MIN), '30 min');
  assert.equal(formatDelay(125 * MIN), '2 h 5 min');
});
