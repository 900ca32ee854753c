// The deaf-socket decision: quiet long enough → probe; probe unanswered in time → recycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideDeaf, DEFAULT_DEAF_WATCH, isBareResult, type DeafWatchConfig } from '../../../../main/engine/session/deaf-socket-watch.js';

const MIN = 60_000;
const config: DeafWatchConfig = { quietMs: 180 * MIN, activeQuietMs: 15 * MIN, activeWindowMs: 30 * MIN, probeTimeoutMs: MIN };
const T = 1_000_000_000;

test('a socket quiet for less than the quiet spell waits until the spell is over', () => {
  assert.deepEqual(decideDeaf({ now: T + 10 * MIN, lastHeardAt: T, phoneSeenAt: null, probeSentAt: null }, config), { kind: 'wait', until: T + 180 * MIN });
});

test('a socket quiet for the whole spell is probed, not recycled', () => {
  assert.deepEqual(decideDeaf({ now: T + 180 * MIN, lastHeardAt: T, phoneSeenAt: null, probeSentAt: null }, config), { kind: 'probe' });
});

test('while the phone is known to be active, a much shorter quiet spell warrants a probe', () => {
  const input = { now: T + 15 * MIN, lastHeardAt: T, phoneSeenAt: T, probeSentAt: null };
  assert.deepEqual(decideDeaf(input, config), { kind: 'probe' });
  assert.deepEqual(decideDeaf({ ...input, now: T + 14 * MIN }, config), { kind: 'wait', until: T + 15 * MIN });
});

test('a phone last seen longer ago than the active window no longer shortens the spell', () => {
  const input = { now: T + 40 * MIN, lastHeardAt: T, phoneSeenAt: T - 5 * MIN, probeSentAt: null };
  assert.deepEqual(decideDeaf(input, config), { kind: 'wait', until: T + 180 * MIN });
});

test('an unanswered probe is waited for until its timeout, then the socket is recycled with how long it was quiet', () => {
  const sent = T + 180 * MIN;
  assert.deepEqual(decideDeaf({ now: sent + 59_999, lastHeardAt: T, phoneSeenAt: null, probeSentAt: sent }, config), { kind: 'wait', until: sent + MIN });
  assert.deepEqual(decideDeaf({ now: sent + MIN, lastHeardAt: T, phoneSeenAt: null, probeSentAt: sent }, config), { kind: 'recycle', quietForMs: 181 * MIN });
});

test('anything heard after the probe went out answers it, and the next quiet spell starts from there', () => {
  const sent = T + 180 * MIN;
  assert.deepEqual(decideDeaf({ now: sent + MIN, lastHeardAt: sent + 100, phoneSeenAt: null, probeSentAt: sent }, config), { kind: 'wait', until: sent + 100 + 180 * MIN });
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
