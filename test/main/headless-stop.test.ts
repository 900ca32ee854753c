import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planStop } from '../../main/headless-stop.js';

test('a signal while the runner is still starting exits 0 at once: nothing is open to flush', () => {
  assert.deepEqual(planStop('SIGINT', { stopping: false, hasStopper: false, oneShot: false }), { kind: 'exit', code: 0 });
  assert.deepEqual(planStop('SIGTERM', { stopping: false, hasStopper: false, oneShot: false }), { kind: 'exit', code: 0 });
});

test('once sessions are open a signal flushes them first, and a second signal is ignored', () => {
  assert.deepEqual(planStop('SIGINT', { stopping: false, hasStopper: true, oneShot: false }), { kind: 'stop' });
  assert.deepEqual(planStop('SIGINT', { stopping: true, hasStopper: true, oneShot: false }), { kind: 'ignore' });
});

test('an interrupted one-shot command (import, backup, restore) exits 128 + the signal number, not 0', () => {
  assert.deepEqual(planStop('SIGINT', { stopping: false, hasStopper: false, oneShot: true }), { kind: 'exit', code: 130 });
  assert.deepEqual(planStop('SIGTERM', { stopping: false, hasStopper: false, oneShot: true }), { kind: 'exit', code: 143 });
});
