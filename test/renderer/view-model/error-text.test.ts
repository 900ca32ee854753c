import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorText, INTERNAL_ERROR_TEXT } from '../../../renderer/view-model/error-text.js';

test("a deliberate refusal shows the engine's own reason", () => {
  assert.equal(errorText({ code: 'refused-by-gate', message: 'Inside the sleep window 01:00–06:00.' }), 'Inside the sleep window 01:00–06:00.');
  assert.equal(errorText({ code: 'restore-refused', message: 'none of the 3 backups could be opened with this key' }), 'none of the 3 backups could be opened with this key');
  assert.equal(errorText({ code: 'invalid-payload', message: 'Keep-alive interval must be …' }), 'Keep-alive interval must be …');
});

test('an internal failure shows a plain sentence and the log hint, not the raw message', () => {
  const text = errorText({ code: 'internal', message: "ENOENT: no such file or directory, open '/x/y'" });
  assert.equal(text, INTERNAL_ERROR_TEXT);
  assert.match(text, /Something went wrong/);
  assert.match(text, /log/);
  assert.doesNotMatch(text, /ENOENT/);
});

test("the page's own errors (clipboard, network) keep their message", () => {
  assert.equal(errorText(new Error('Write permission denied.')), 'Write permission denied.');
  assert.equal(errorText('plain'), 'plain');
});
