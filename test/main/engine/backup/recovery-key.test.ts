import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRecoveryKey, generateInstallationKey, parseRecoveryKey } from '../../../../main/engine/backup/recovery-key.js';
import { BackupError } from '../../../../main/engine/backup/errors.js';

test('a recovery key is 14 groups of 4 readable characters and parses back to the same key', () => {
  for (let i = 0; i < 50; i++) {
    const key = generateInstallationKey();
    const text = formatRecoveryKey(key);
    assert.match(text, /^([0-9A-HJKMNP-TV-Z]{4}-){13}[0-9A-HJKMNP-TV-Z]{4}$/);
    assert.deepEqual(parseRecoveryKey(text), key);
  }
});

test('parsing forgives case, spaces and the O/0, I/L/1 lookalikes', () => {
  const key = generateInstallationKey();
  const text = formatRecoveryKey(key);
  const sloppy = text.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
  assert.deepEqual(parseRecoveryKey(sloppy), key);
});

test('a single mistyped character is reported as a typo, not accepted as another key', () => {
  const key = generateInstallationKey();
  const text = formatRecoveryKey(key);
  let typos = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '-') continue;
    const swapped = text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1);
    assert.throws(() => parseRecoveryKey(swapped), (e: unknown) => e instanceof BackupError && e.kind === 'bad-recovery-key');
    typos++;
  }
  assert.equal(typos, 56);
  assert.throws(() => parseRecoveryKey(text.slice(0, -1)), BackupError);
  assert.throws(() => parseRecoveryKey(text.replace(/.$/, 'U')), BackupError);
});
