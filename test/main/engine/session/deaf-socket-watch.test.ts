// The deaf-socket decision and its timer owner: quiet long enough → probe; an unanswered probe → recycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../../main/engine/clock.js';
import {
  decideDeaf,
  DEFAULT_DEAF_WATCH,
  DeafSocketWatch,
  isBareResult,
  type DeafWatchConfig,
  type ProbeOutcome,
} from '../../../../main/engine/session/deaf-socket-watch.js';

const MIN = 60_000;
const config: DeafWatchConfig = { quietMs: 180 * MIN, activeQuietMs: 15 * MIN, activeWindowMs: 30 * MIN, probeTimeoutMs: MIN };
const T = 1_000_000_000;
const quiet = { lastHeardAt: T, phoneSeenAt: null, probe: 'none' as const };

test('a socket quiet for less than the quiet spell waits until the spell is over', () => {
  assert.deepEqual(decideDeaf({ ...quiet, now: T + 10 * MIN }, config), { kind: 'wait', until: T + 180 * MIN });
});

test('a socket quiet for the whole spell is probed, not recycled', () => {
  assert.deepEqual(decideDeaf({ ...quiet, now: T + 180 * MIN }, config), { kind: 'probe' });
});

test('while the phone is known to be active, a much shorter quiet spell warrants a probe', () => {
  const input = { ...quiet, now: T + 15 * MIN, phoneSeenAt: T };
  assert.deepEqual(decideDeaf(input, config), { kind: 'probe' });
  assert.deepEqual(decideDeaf({ ...input, now: T + 14 * MIN }, config), { kind: 'wait', until: T + 15 * MIN });
});

test('a phone last seen longer ago than the active window no longer shortens the spell', () => {
  assert.deepEqual(decideDeaf({ ...quiet, now: T + 40 * MIN, phoneSeenAt: T - 5 * MIN }, config), { kind: 'wait', until: T + 180 * MIN });
});

test('a probe that is out is awaited however late it is, and only an unanswered one recycles, saying how long it was quiet', () => {
  assert.deepEqual(decideDeaf({ ...quiet, now: T + 999 * MIN, probe: 'out' }, config), { kind: 'await-probe' });
  assert.deepEqual(decideDeaf({ ...quiet, now: T + 181 * MIN, probe: 'unanswered' }, config), { kind: 'recycle', quietForMs: 181 * MIN });
});

test('a ping reply (a bare iq result) is not a sign of life, while a result with content or any other stanza is', () => {
  assert.equal(isBareResult({ tag: 'iq', attrs: { type: 'result', id: '1' } }), true);
  assert.equal(isBareResult({ tag: 'iq', attrs: { type: 'result', id: '1' }, content: [] }), true);
  assert.equal(isBareResult({ tag: 'iq', attrs: { type: 'result', id: '1' }, content: [{ tag: 'list', attrs: {} }] }), false);
  assert.equal(isBareResult({ tag: 'ib', attrs: {} }), false);
  assert.equal(isBareResult({ tag: 'iq', attrs: { type: 'error', id: '1' } }), false);
});

test('the defaults probe after 3 h of quiet, after 15 min while the phone is active, and give the probe 60 s', () => {
  assert.equal(DEFAULT_DEAF_WATCH.quietMs, 3 * 60 * MIN);
  assert.equal(DEFAULT_DEAF_WATCH.activeQuietMs, 15 * MIN);
  assert.equal(DEFAULT_DEAF_WATCH.activeWindowMs, 30 * MIN);
  assert.equal(DEFAULT_DEAF_WATCH.probeTimeoutMs, MIN);
});

function watched(): { clock: ManualClock; watch: DeafSocketWatch; probes: Array<(o: ProbeOutcome) => void>; recycled: number[] } {
  const clock = new ManualClock(T);
  const watch = new DeafSocketWatch(clock, config);
  const probes: Array<(o: ProbeOutcome) => void> = [];
  const recycled: number[] = [];
  watch.start({ probe: () => new Promise((resolve) => probes.push(resolve)), recycle: (ms) => recycled.push(ms) });
  return { clock, watch, probes, recycled };
}

const settle = () => new Promise((r) => setImmediate(r));

test('a clock that jumps days ahead sends one probe and waits for its answer instead of recycling', async () => {
  const { clock, probes, recycled } = watched();
  clock.advance(3 * 24 * 60 * MIN);
  assert.equal(probes.length, 1);
  probes[0]?.('answered');
  await settle();
  assert.deepEqual(recycled, []);
  clock.advance(180 * MIN - 1);
  assert.equal(probes.length, 1, 'the next spell counts from the answer');
  clock.advance(1);
  assert.equal(probes.length, 2);
});

test('pings do not reset the quiet spell, any other stanza does, and an unanswered probe recycles once', async () => {
  const { clock, watch, probes, recycled } = watched();
  clock.advance(100 * MIN);
  watch.heard({ tag: 'iq', attrs: { type: 'result', id: 'ping' } });
  clock.advance(80 * MIN);
  assert.equal(probes.length, 1, 'a ping answer did not count');
  probes[0]?.('answered');
  await settle();
  clock.advance(100 * MIN);
  watch.heard({ tag: 'receipt', attrs: {} });
  clock.advance(80 * MIN);
  assert.equal(probes.length, 1, 'a receipt restarted the spell');
  clock.advance(100 * MIN);
  assert.equal(probes.length, 2);
  probes[1]?.('unanswered');
  await settle();
  assert.deepEqual(recycled, [180 * MIN]);
  clock.advance(24 * 60 * MIN);
  assert.equal(probes.length, 2, 'a recycled watch is quiet until the next open starts it');
});

test('the phone showing a sign brings the probe forward to the short spell', () => {
  const { clock, watch, probes } = watched();
  clock.advance(5 * MIN);
  watch.heard({ tag: 'message', attrs: {} });
  watch.phoneSeen();
  clock.advance(15 * MIN);
  assert.equal(probes.length, 1);
});

test('a probe settling after the watch was stopped (the socket replaced) does nothing', async () => {
  const { clock, watch, probes, recycled } = watched();
  clock.advance(180 * MIN);
  watch.stop();
  probes[0]?.('unanswered');
  await settle();
  assert.deepEqual(recycled, []);
});
