import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairingCodeModel } from '../../../renderer/view-model/pairing-code.js';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

test('a live code is shown as two groups of four with its countdown, and spelled out for a screen reader', () => {
  const m = pairingCodeModel({ pairingCode: { code: 'ABCD1234', expiresAt: NOW + 151_000 } }, NOW);
  assert.deepEqual(m, { code: 'ABCD-1234', spoken: 'A B C D, 1 2 3 4', countdown: '2:31' });
});

test('no code, or one whose time ran out, shows nothing to type', () => {
  assert.equal(pairingCodeModel({ pairingCode: null }, NOW).code, null);
  assert.equal(pairingCodeModel({}, NOW).code, null, 'a snapshot without the field');
  assert.equal(pairingCodeModel({ pairingCode: { code: 'ABCD1234', expiresAt: NOW } }, NOW).code, null);
});
