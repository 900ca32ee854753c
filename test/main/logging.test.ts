import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileLogger, writeKeeperEntry } from '../../main/logging.js';

test('keeper entries land as JSON lines in a rotated file in the logs folder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shell-logs-'));
  try {
    const log = await createFileLogger(join(dir, 'logs'));
    writeKeeperEntry(log.logger, { at: 1, phoneId: 'a', level: 'warn', event: 'disconnect.decision', message: 'reconnecting', data: { code: 428 } });
    await log.close();
    const files = await readdir(join(dir, 'logs'));
    assert.deepEqual(files, ['session-keeper.1.log']);
    const line = JSON.parse((await readFile(join(dir, 'logs', files[0] ?? ''), 'utf8')).trim()) as Record<string, unknown>;
    assert.equal(line.msg, 'reconnecting');
    assert.equal(line.level, 40);
    assert.equal(line.event, 'disconnect.decision');
    assert.deepEqual(line.data, { code: 428 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
