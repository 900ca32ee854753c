// The valibot parts keep what a person saw when zod checked the settings and IPC payloads: the
// same sentences, the same paths, every problem at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { object, objectRule, strictObject, union, wholeNumber } from '../../../main/engine/validation-parts.js';
import { problemsFromIssues } from '../../../main/engine/settings-schema.js';
import { defaultAppSettings, parseAppSettings } from '../../../main/settings/schema.js';
import { INVOKE } from '../../../main/ipc/contract.js';

const problems = (schema: v.GenericSchema, input: unknown) => {
  const r = v.safeParse(schema, input);
  return r.success ? [] : problemsFromIssues(r.issues);
};

test('a missing field gets the sentence its own schema gives for nothing, at its path', () => {
  const s = object({ start: v.string((iss) => `Start must be text (got ${iss.input === undefined ? 'nothing' : 'something'})`) });
  assert.deepEqual(problems(s, {}), [{ path: 'start', message: 'Start must be text (got nothing)' }]);
});

test('a list is not an object, and unknown keys of a strict object are named together at the object', () => {
  const s = strictObject({ a: v.optional(v.string()) });
  assert.deepEqual(problems(s, []), [{ path: '', message: 'Invalid input: expected object, received array' }]);
  assert.deepEqual(problems(v.object({ inner: s }), { inner: { x: 1, y: 2 } }), [{ path: 'inner', message: 'Unrecognized keys: "x", "y"' }]);
  assert.deepEqual(v.parse(object({ a: v.string() }), { a: 'k', b: 1 }), { a: 'k' }, 'a plain object drops what it does not know');
});

test('an object rule runs after a field broke its range, but not after a field had the wrong type or a fraction', () => {
  const fields = object({ keep: wholeNumber(1, 100, { max: (n) => `Keep at most 100 (got ${n})` }), target: v.string() });
  const s = v.pipe(fields, objectRule<v.InferOutput<typeof fields>>((b) => b.target !== 'x', 'Target x needs more', ['target']));
  assert.deepEqual(problems(s, { keep: 500, target: 'x' }), [
    { path: 'keep', message: 'Keep at most 100 (got 500)' },
    { path: 'target', message: 'Target x needs more' },
  ]);
  assert.deepEqual(problems(s, { keep: 2.5, target: 'x' }), [{ path: 'keep', message: 'Invalid input: expected int, received number' }]);
  assert.deepEqual(problems(s, { keep: '5', target: 'x' }), [{ path: 'keep', message: 'Invalid input: expected number, received string' }]);
});

test("a union answers with the problems of the one option the value has the shape of, else 'Invalid input'", () => {
  const s = union([strictObject({ kind: v.literal('a') }), strictObject({ kind: v.literal('b'), id: v.pipe(v.string(), v.regex(/^\d+$/, 'Id must be digits')) })]);
  assert.deepEqual(problems(s, { kind: 'b', id: 'x' }), [{ path: 'id', message: 'Id must be digits' }]);
  assert.deepEqual(problems(s, { kind: 'a', extra: 1 }), [{ path: '', message: 'Unrecognized key: "extra"' }]);
  assert.deepEqual(problems(s, { kind: 'c' }), [{ path: '', message: 'Invalid input' }]);
});

test('the app settings report a backup keep out of range and the missing Supabase bucket at once', () => {
  const base = defaultAppSettings();
  const r = parseAppSettings({ ...base, backup: { target: 'supabase', keep: 500, supabase: { url: 'https://a.example', bucket: '', prefix: 'p' } } });
  assert.deepEqual(r.ok ? [] : r.problems, [
    { path: 'backup.keep', message: 'Backups kept must be between 1 and 100 (got 500)' },
    { path: 'backup.supabase', message: 'Supabase backups need the project URL and a bucket name' },
  ]);
});

test('an IPC payload with a key the contract does not know is refused with the key named', () => {
  assert.deepEqual(problems(INVOKE.reconnect.payload, { phoneId: 'a', shell: 'rm -rf /' }), [{ path: '', message: 'Unrecognized key: "shell"' }]);
  assert.deepEqual(problems(INVOKE.updateSettings.payload, { keepAlive: {}, version: 2 }), [{ path: '', message: 'Unrecognized key: "version"' }]);
  assert.deepEqual(problems(INVOKE.getStatuses.payload, {}), [{ path: '', message: 'Invalid input: expected undefined, received object' }]);
});
