import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passphraseProblem } from '../../../../main/engine/backup/passphrase-policy.js';
import { DEFAULT_SCRYPT } from '../../../../main/engine/backup/envelope.js';

test('a passphrase shorter than 12 characters is refused with its length in the sentence', () => {
  assert.match(passphraseProblem('password1') ?? '', /at least 12 characters \(this one has 9\)/);
  assert.match(passphraseProblem('') ?? '', /this one has 0/);
  // characters, not UTF-16 units or bytes: 11 emoji are 11 characters
  assert.match(passphraseProblem('🔑'.repeat(11)) ?? '', /this one has 11/);
});

test('a long passphrase of one or two repeated characters is refused', () => {
  assert.match(passphraseProblem('aaaaaaaaaaaaaaaa') ?? '', /too few different characters/);
  assert.match(passphraseProblem('abababababAbAbAB') ?? '', /too few different characters/);
});

test('a few unrelated words pass', () => {
  assert.equal(passphraseProblem('correct horse'), null);
  assert.equal(passphraseProblem('copper lantern orbit'), null);
});

test('new passphrase backups use scrypt with at least 2^17 iterations', () => {
  assert.ok(DEFAULT_SCRYPT.logN >= 17, `logN ${DEFAULT_SCRYPT.logN}`);
});
