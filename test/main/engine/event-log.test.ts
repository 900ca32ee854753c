import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferJSON, initAuthCreds } from '@whiskeysockets/baileys';
import { EventLog } from '../../../main/engine/event-log.js';
import type { LogEntry, LogLevel } from '../../../main/engine/types.js';

/** An entry stamped with `at`, appended the way the keeper does it. */
function write(log: EventLog, phoneId: string | null, level: LogLevel, event: string, message: string, data?: Record<string, unknown>, at = 0): LogEntry {
  return log.append({ at, phoneId, level, event, message, ...(data ? { data } : {}) });
}

function logPath(dataDir: string, name: string): string {
  return join(dataDir, 'logs', `${name}.jsonl`);
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'event-log-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readLines(path: string): Promise<LogEntry[]> {
  const text = await readFile(path, 'utf8');
  assert.ok(text.endsWith('\n'), 'file ends with a complete line');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as LogEntry);
}

test('entries land as JSON lines in one file per phone, app-wide ones in app.jsonl', async () => {
  await withDir(async (dataDir) => {
    const log = new EventLog({ dataDir });
    write(log, 'phone-1', 'info', 'connection.open', 'opened', undefined, 1000);
    write(log, null, 'warn', 'app.start', 'started', undefined, 1000);
    write(log, 'phone-1', 'error', 'disconnect.decision', 'closed', { code: 428 }, 1000);
    await log.close();
    const phone = await readLines(join(dataDir, 'logs', 'phone-1.jsonl'));
    assert.deepEqual(phone.map((e) => e.event), ['connection.open', 'disconnect.decision']);
    assert.deepEqual(phone[1], { at: 1000, phoneId: 'phone-1', level: 'error', event: 'disconnect.decision', message: 'closed', data: { code: 428 } });
    const app = await readLines(join(dataDir, 'logs', 'app.jsonl'));
    assert.deepEqual(app.map((e) => [e.phoneId, e.message]), [[null, 'started']]);
  });
});

test('the log folder is 0700 and log files are 0600', { skip: process.platform === 'win32' }, async () => {
  await withDir(async (dataDir) => {
    const log = new EventLog({ dataDir });
    write(log, 'p', 'info', 'x', 'hello');
    await log.close();
    assert.equal((await stat(join(dataDir, 'logs'))).mode & 0o777, 0o700);
    assert.equal((await stat(join(dataDir, 'logs', 'p.jsonl'))).mode & 0o777, 0o600);
  });
});

test('files rotate at the size cap and only 3 rotated files are kept', async () => {
  await withDir(async (dataDir) => {
    const cap = 1024;
    const log = new EventLog({ dataDir, maxFileBytes: cap, keepRotated: 3 });
    const filler = 'x'.repeat(150);
    for (let i = 0; i < 200; i++) write(log, 'p', 'info', 'tick', `${i} ${filler}`);
    await log.close();

    const names = (await readdir(join(dataDir, 'logs'))).sort();
    assert.deepEqual(names, ['p.jsonl', 'p.jsonl.1', 'p.jsonl.2', 'p.jsonl.3']);
    const numbers: number[] = [];
    for (const name of ['p.jsonl.3', 'p.jsonl.2', 'p.jsonl.1', 'p.jsonl']) {
      const path = join(dataDir, 'logs', name);
      assert.ok((await stat(path)).size <= cap, `${name} stays under the cap`);
      for (const e of await readLines(path)) numbers.push(Number(e.message.split(' ')[0]));
    }
    // The kept files hold the newest entries, contiguous and in order, ending with the last one.
    assert.equal(numbers.at(-1), 199);
    assert.deepEqual(numbers, numbers.map((_, i) => 200 - numbers.length + i));
    assert.ok(numbers.length < 200, 'the oldest entries were rotated away');
  });
});

test('a file is rotated before it would grow past the cap, not after', async () => {
  await withDir(async (dataDir) => {
    const log = new EventLog({ dataDir, maxFileBytes: 400, keepRotated: 1 });
    const line = (msg: string): number => Buffer.byteLength(JSON.stringify({ at: 0, phoneId: 'p', level: 'info', event: 'e', message: msg }) + '\n');
    const msg = 'y'.repeat(400 / 2 - line('') + 1); // two of these overflow 400 bytes by 2
    log.append({ at: 0, phoneId: 'p', level: 'info', event: 'e', message: msg });
    log.append({ at: 0, phoneId: 'p', level: 'info', event: 'e', message: msg });
    await log.close();
    assert.equal((await readLines(join(dataDir, 'logs', 'p.jsonl'))).length, 1);
    assert.equal((await readLines(join(dataDir, 'logs', 'p.jsonl.1'))).length, 1);
  });
});

test('many concurrent appends across phones all land as whole, ordered JSON lines', async () => {
  await withDir(async (dataDir) => {
    const log = new EventLog({ dataDir });
    const phones = ['a', 'b', 'c', null] as const;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const phoneId = phones[i % phones.length] ?? null;
      write(log, phoneId, 'info', 'burst', `m${i}`, { i, text: 'ü✓'.repeat(i % 50) });
    }
    await log.close();
    let total = 0;
    for (const phoneId of phones) {
      const entries = await readLines(logPath(dataDir, phoneId ?? 'app'));
      const is = entries.map((e) => Number(e.data?.i));
      assert.deepEqual(is, [...is].sort((x, y) => x - y), 'order kept per file');
      assert.ok(entries.every((e) => e.phoneId === phoneId));
      total += entries.length;
    }
    assert.equal(total, n);
  });
});

test('tail filters by phone, minimum level and limit, newest last', () => {
  const log = new EventLog({ dataDir: '/nonexistent-not-written' });
  // Closed first: this test is about memory only, nothing should touch the disk.
  void log.close();
  write(log, 'a', 'debug', 'e', 'a-debug');
  write(log, 'a', 'warn', 'e', 'a-warn');
  write(log, 'b', 'error', 'e', 'b-error');
  write(log, null, 'info', 'e', 'app-info');
  write(log, 'a', 'error', 'e', 'a-error');
  const msgs = (q: Parameters<EventLog['tail']>[0]): string[] => log.tail(q).map((e) => e.message);
  assert.deepEqual(msgs({}), ['a-debug', 'a-warn', 'b-error', 'app-info', 'a-error']);
  assert.deepEqual(msgs({ phoneId: 'a' }), ['a-debug', 'a-warn', 'a-error']);
  assert.deepEqual(msgs({ phoneId: null }), ['app-info']);
  assert.deepEqual(msgs({ level: 'warn' }), ['a-warn', 'b-error', 'a-error']);
  assert.deepEqual(msgs({ phoneId: 'a', level: 'error' }), ['a-error']);
  assert.deepEqual(msgs({ limit: 2 }), ['app-info', 'a-error']);
  assert.deepEqual(msgs({ limit: 0 }), []);
});

test('the tail keeps only the newest entries up to its size', () => {
  const log = new EventLog({ dataDir: '/nonexistent-not-written', tailSize: 3 });
  void log.close();
  for (let i = 0; i < 10; i++) write(log, 'p', 'info', 'e', `m${i}`);
  assert.deepEqual(log.tail().map((e) => e.message), ['m7', 'm8', 'm9']);
});

test('append returns the entry as stored: redacted and frozen, the same object the tail holds', () => {
  const log = new EventLog({ dataDir: '/nonexistent-not-written' });
  void log.close();
  const stored = write(log, 'p', 'info', 'e', 'one', { password: 'hunter2' });
  assert.deepEqual(stored.data, { password: '[redacted]' });
  assert.ok(Object.isFrozen(stored));
  assert.equal(log.tail()[0], stored);
});

test('entries logged after close stay in memory but are not written', async () => {
  await withDir(async (dataDir) => {
    const log = new EventLog({ dataDir });
    write(log, 'p', 'info', 'e', 'before');
    await log.close();
    write(log, 'p', 'info', 'e', 'after');
    await log.close();
    assert.deepEqual((await readLines(logPath(dataDir, 'p'))).map((e) => e.message), ['before']);
    assert.deepEqual(log.tail().map((e) => e.message), ['before', 'after']);
  });
});

test('a phone id that is not folder-safe cannot escape the log folder', async () => {
  await withDir(async (dataDir) => {
    const log = new EventLog({ dataDir });
    write(log, '../../etc/passwd', 'info', 'e', 'x');
    write(log, '../evil', 'info', 'e', 'x');
    await log.close();
    assert.deepEqual((await readdir(join(dataDir, 'logs'))).sort(), ['______etc_passwd.jsonl', '___evil.jsonl']);
  });
});

test('an unwritable log folder drops lines and reports it instead of throwing', async () => {
  await withDir(async (dataDir) => {
    // dataDir/logs is a file, so the folder can never be created.
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dataDir, 'logs'), 'not a folder');
    const log = new EventLog({ dataDir });
    write(log, 'p', 'info', 'e', 'lost');
    await log.close();
    const [lost, report] = log.tail();
    assert.equal(lost?.message, 'lost');
    assert.equal(report?.event, 'log.write-failed');
    assert.equal(report?.level, 'warn');
    assert.deepEqual(report?.data, { droppedLines: 1 });
    assert.match(report?.message ?? '', /1 line\(s\) lost/);
    assert.equal(log.tail().length, 2);
  });
});

test('a lasting write failure is reported once, not once per lost line', async () => {
  await withDir(async (dataDir) => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dataDir, 'logs'), 'not a folder');
    const log = new EventLog({ dataDir });
    for (let i = 0; i < 5; i++) {
      write(log, 'p', 'info', 'e', `lost ${i}`);
      await new Promise((r) => setTimeout(r, 5)); // each line fails in its own write
    }
    await log.close();
    assert.equal(log.tail().filter((e) => e.event === 'log.write-failed').length, 1);
    assert.equal(log.tail().length, 6);
  });
});

// --- redaction ---------------------------------------------------------------------------------

function secretsOf(creds: ReturnType<typeof initAuthCreds>): string[] {
  const bufs = [
    creds.noiseKey.private,
    creds.signedIdentityKey.private,
    creds.signedPreKey.keyPair.private,
    creds.pairingEphemeralKeyPair.private,
  ].map((b) => Buffer.from(b));
  // Every form a key takes once serialised: BufferJSON (base64), hex, and Buffer#toJSON's numbers.
  return [...bufs.flatMap((b) => [b.toString('base64'), b.toString('hex'), Array.from(b).join(',')]), creds.advSecretKey];
}

test('Baileys creds logged by mistake never reach the file or the tail', async () => {
  await withDir(async (dataDir) => {
    const creds = initAuthCreds();
    const secrets = secretsOf(creds);
    const log = new EventLog({ dataDir });
    write(log, 'p', 'info', 'oops.direct', 'creds as data', creds as unknown as Record<string, unknown>);
    write(log, 'p', 'info', 'oops.nested', 'creds nested', { state: { creds, keys: {} }, note: 'x' });
    write(log, 'p', 'info', 'oops.renamed', 'creds under an innocent key', { whatever: creds });
    write(log, 'p', 'info', 'oops.parts', 'creds parts', { a: creds.noiseKey, b: creds.signedPreKey, c: creds.signedIdentityKey });
    write(log, 'p', 'info', 'oops.raw', 'raw key buffer', { blob: creds.noiseKey.private, arr: Array.from(creds.signedIdentityKey.private) });
    write(log, 'p', 'info', 'oops.json', 'serialised', {
      text: JSON.stringify(creds, BufferJSON.replacer),
      buf: JSON.parse(JSON.stringify(creds.noiseKey.private, BufferJSON.replacer)) as unknown,
      nodeJson: Buffer.from(creds.signedPreKey.keyPair.private).toJSON(),
    });
    write(log, 'p', 'info', 'oops.message', JSON.stringify({ creds }, BufferJSON.replacer));
    await log.close();

    const file = await readFile(logPath(dataDir, 'p'), 'utf8');
    const tail = JSON.stringify(log.tail());
    for (const s of secrets) {
      assert.ok(!file.includes(s), `file leaks ${s.slice(0, 8)}…`);
      assert.ok(!tail.includes(s), `tail leaks ${s.slice(0, 8)}…`);
    }
    assert.equal(file.trim().split('\n').length, 7, 'every entry was still logged');
    assert.match(file, /\[redacted auth creds\]/);
  });
});
