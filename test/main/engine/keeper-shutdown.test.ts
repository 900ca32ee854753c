import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'support', 'no-hang-child.js');

test('stopping the keeper leaves no Baileys timer behind, even with queries in flight and a pre-key upload done', async () => {
  const child = spawn(process.execPath, [CHILD], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  // A leftover Baileys timer would keep the child alive for 30–60 s; the test runner's own
  // timeout catches that, the assertion below says which resource it was.
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0);
  const report = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { silenced: boolean; resources: string[] };
  assert.equal(report.silenced, true, 'the server went silent with the session open');
  assert.deepEqual(report.resources.filter((r) => r === 'Timeout'), [], `still alive: ${report.resources.join(', ')}`);
});
