// SIGKILL while the queue is sending: a real child process, a real journal on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessageRecord } from '../../../../main/engine/messaging/types.js';

const child = fileURLToPath(new URL('../../../support/outbound-crash-child.js', import.meta.url));

async function wireTexts(wire: string): Promise<string[]> {
  try {
    return (await readFile(wire, 'utf8')).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);
  } catch {
    return [];
  }
}

function run(args: string[]): { proc: ChildProcess; out: Promise<string> } {
  const proc = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  proc.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  const out = new Promise<string>((resolve) => proc.on('exit', () => resolve(text)));
  return { proc, out };
}

test('SIGKILL in the middle of a send: nothing is sent twice, the interrupted one says so, the queued ones go out once after the restart', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'outbound-crash-'));
  const wire = join(dir, 'wire.jsonl');
  try {
    const first = run(['submit', dir, wire, 'm2']);
    const deadline = Date.now() + 20_000;
    while (!(await wireTexts(wire)).includes('m2') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(await wireTexts(wire), ['m0', 'm1', 'm2'], 'killed while m2 was on its way');
    first.proc.kill('SIGKILL');
    await first.out;

    const second = run(['resume', dir, wire]);
    const records = JSON.parse((await second.out).trim()) as MessageRecord[];
    assert.deepEqual(await wireTexts(wire), ['m0', 'm1', 'm2', 'm3', 'm4'], 'each message reached WhatsApp exactly once');
    assert.deepEqual(records.map((r) => r.state), ['sent', 'sent', 'failed', 'sent', 'sent']);
    assert.match(records[2]?.reason ?? '', /may or may not have gone out.*not sent again/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
