// `npm run soak` with lengths or kills it cannot run refuses in one plain line, before any setup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOAK = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'soak.js');

for (const [env, words] of [
  [{ SOAK_DAYS: '10' }, /^soak: SOAK_DAYS must be a whole number ≥ 33 .*got 10\)\n$/],
  [{ SOAK_DAYS: '40', SOAK_SIGKILLS: '-1' }, /^soak: SOAK_SIGKILLS must be a whole number ≥ 0 \(got -1\)\n$/],
  [{ SOAK_SEED: 'abc' }, /^soak: SOAK_SEED must be a whole number/],
] as const) {
  test(`the soak refuses ${JSON.stringify(env)} in one line with exit 2, no stack trace`, () => {
    const r = spawnSync(process.execPath, [SOAK], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, words);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(r.stdout, '', 'nothing ran');
  });
}
