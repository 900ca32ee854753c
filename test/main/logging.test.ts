import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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

test('log files are private to the user: 0600 in a 0700 folder, and an older world-readable log is tightened', { skip: process.platform === 'win32' }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shell-logs-'));
  const logs = join(dir, 'logs');
  try {
    await mkdir(logs, { mode: 0o755 });
    await writeFile(join(logs, 'session-keeper.0.log'), '{}\n', { mode: 0o644 });
    const log = await createFileLogger(logs);
    writeKeeperEntry(log.logger, { at: 1, phoneId: 'a', level: 'info', event: 'x', message: 'y' });
    await log.close();
    assert.equal((await stat(logs)).mode & 0o777, 0o700);
    for (const name of await readdir(logs)) assert.equal((await stat(join(logs, name))).mode & 0o777, 0o600, name);
    assert.ok((await readdir(logs)).includes('session-keeper.1.log'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
