import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeParse } from 'valibot';
import { assertPhoneId, InvalidPhoneIdError, isPhoneId } from '../../../main/engine/phone-id.js';
import { errorCode } from '../../../main/engine/errors.js';
import { checkNames } from '../../../main/engine/backup/targets.js';
import { parseAppSettings } from '../../../main/settings/schema.js';
import { phoneIdSchema } from '../../../main/ipc/contract.js';
import { parseHeadlessArgs } from '../../../main/headless-args.js';

const GOOD = ['default', 'a', 'Work_Phone-2', 'x'.repeat(64)];
const BAD = ['', 'my phone!', '../evil', 'a/b', 'ü', 'x'.repeat(65), 'dot.ted'];

function acceptedEverywhere(id: string): boolean[] {
  let engine = true;
  try {
    assertPhoneId(id);
  } catch {
    engine = false;
  }
  let backups = true;
  try {
    checkNames(id);
  } catch {
    backups = false;
  }
  let headless = true;
  try {
    parseHeadlessArgs(['--phone', id]);
  } catch {
    headless = false;
  }
  return [isPhoneId(id), engine, backups, headless, parseAppSettings({ phones: [{ id }] }).ok, safeParse(phoneIdSchema, id).success];
}

test('engine, backups, headless flags, settings and IPC accept exactly the same phone ids', () => {
  for (const id of GOOD) assert.deepEqual(acceptedEverywhere(id), [true, true, true, true, true, true], `accepts ${id}`);
  for (const id of BAD) assert.deepEqual(acceptedEverywhere(id), [false, false, false, false, false, false], `refuses ${JSON.stringify(id)}`);
});

test('a bad phone id is refused with the same sentence in settings and on the command line, as invalid input', () => {
  const r = parseAppSettings({ phones: [{ id: 'my phone!' }] });
  assert.ok(!r.ok);
  const expected = 'Phone id "my phone!" is not valid: use 1–64 letters, digits, "-" or "_".';
  assert.deepEqual(r.problems.map((p) => p.message), [expected]);
  assert.throws(() => parseHeadlessArgs(['--phone', 'my phone!']), { message: expected });
  assert.throws(() => assertPhoneId('my phone!'), (err: unknown) => err instanceof InvalidPhoneIdError && errorCode(err) === 'invalid-input');
});
