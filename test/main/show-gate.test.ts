import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createShowGate } from '../../main/show-gate.js';

test('a second launch before the app is set up only marks the window wanted; it opens once the gate opens', () => {
  let shown = 0;
  const gate = createShowGate(() => shown++);
  gate.request();
  gate.request();
  assert.equal(shown, 0);
  gate.open();
  assert.equal(shown, 1, 'shown once for all early requests');
  gate.open();
  assert.equal(shown, 1);
  gate.request();
  assert.equal(shown, 2, 'after opening, a request shows at once');
});

test('no request before opening shows nothing', () => {
  let shown = 0;
  const gate = createShowGate(() => shown++);
  gate.open();
  assert.equal(shown, 0);
});
