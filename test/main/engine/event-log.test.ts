import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferJSON, initAuthCreds } from '@whiskeysockets/baileys';
import { ManualClock } from '../../../main/engine/clock.js';
import { EventLog, redactLogData } from '../../../main/engine/event-log.js';
import type { LogEntry } from '../../../main/engine/types.js';

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
    const log = new EventLog({ dataDir, clock: new ManualClock(1000) });
    log.write('phone-1', 'info', 'connection.open', 'opened');
    log.write(null, 'warn', 'app.start', 'started');
    log.write('phone-1', 'error', 'disconnect.decision', 'closed', { code: 428 });
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
    log.write('p', 'info', 'x', 'hello');
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
    for (let i = 0; i < 200; i++) log.write('p', 'info', 'tick', `${i} ${filler}`);
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
      log.write(phoneId, 'info', 'burst', `m${i}`, { i, text: 'ü✓'.repeat(i % 50) });
    }
    await log.flush();
    let total = 0;
    for (const phoneId of phones) {
      const entries = await readLines(log.pathFor(phoneId));
      const is = entries.map((e) => Number(e.data?.i));
      assert.deepEqual(is, [...is].sort((x, y) => x - y), 'order kept per file');
      assert.ok(entries.every((e) => e.phoneId === phoneId));
      total += entries.length;
    }
    assert.equal(total, n);
    await log.close();
  });
});

test('tail filters by phone, minimum level and limit, newest last', () => {
  const log = new EventLog({ dataDir: '/nonexistent-not-written', clock: new ManualClock(0) });
  // Closed first: this test is about memory only, nothing should touch the disk.
  void log.close();
  log.write('a', 'debug', 'e', 'a-debug');
  log.write('a', 'warn', 'e', 'a-warn');
  log.write('b', 'error', 'e', 'b-error');
  log.write(null, 'info', 'e', 'app-info');
  log.write('a', 'error', 'e', 'a-error');
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
  for (let i = 0; i < 10; i++) log.write('p', 'info', 'e', `m${i}`);
  assert.deepEqual(log.tail().map((e) => e.message), ['m7', 'm8', 'm9']);
});

test('subscribers get each redacted entry, and a throwing subscriber breaks nothing', () => {
  const log = new EventLog({ dataDir: '/nonexistent-not-written' });
  void log.close();
  const seen: LogEntry[] = [];
  log.on('entry', () => {
    throw new Error('bad listener');
  });
  let onceCalls = 0;
  log.once('entry', () => onceCalls++);
  const off = log.subscribe((e) => seen.push(e));
  log.write('p', 'info', 'e', 'one', { password: 'hunter2' });
  off();
  log.write('p', 'info', 'e', 'two');
  assert.deepEqual(seen.map((e) => [e.message, e.data]), [['one', { password: '[redacted]' }]]);
  assert.equal(log.tail().length, 2);
  assert.equal(onceCalls, 1);
});

test('entries logged after close stay in memory but are not written', async () => {
  await withDir(async (dataDir) => {
    const log = new EventLog({ dataDir });
    log.write('p', 'info', 'e', 'before');
    await log.close();
    log.write('p', 'info', 'e', 'after');
    await log.flush();
    assert.deepEqual((await readLines(log.pathFor('p'))).map((e) => e.message), ['before']);
    assert.deepEqual(log.tail().map((e) => e.message), ['before', 'after']);
  });
});

test('a phone id that is not folder-safe cannot escape the log folder', async () => {
  await withDir(async (dataDir) => {
    const log = new EventLog({ dataDir });
    assert.equal(log.pathFor('../../etc/passwd'), join(dataDir, 'logs', '______etc_passwd.jsonl'));
    log.write('../evil', 'info', 'e', 'x');
    await log.close();
    assert.deepEqual(await readdir(join(dataDir, 'logs')), ['___evil.jsonl']);
  });
});

test('an unwritable log folder drops lines and reports it instead of throwing', async () => {
  await withDir(async (dataDir) => {
    // dataDir/logs is a file, so the folder can never be created.
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dataDir, 'logs'), 'not a folder');
    const log = new EventLog({ dataDir });
    log.write('p', 'info', 'e', 'lost');
    await log.close();
    assert.equal(log.droppedLines, 1);
    assert.ok(log.lastWriteError);
    assert.equal(log.tail().length, 1);
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
    log.write('p', 'info', 'oops.direct', 'creds as data', creds as unknown as Record<string, unknown>);
    log.write('p', 'info', 'oops.nested', 'creds nested', { state: { creds, keys: {} }, note: 'x' });
    log.write('p', 'info', 'oops.renamed', 'creds under an innocent key', { whatever: creds });
    log.write('p', 'info', 'oops.parts', 'creds parts', { a: creds.noiseKey, b: creds.signedPreKey, c: creds.signedIdentityKey });
    log.write('p', 'info', 'oops.raw', 'raw key buffer', { blob: creds.noiseKey.private, arr: Array.from(creds.signedIdentityKey.private) });
    log.write('p', 'info', 'oops.json', 'serialised', {
      text: JSON.stringify(creds, BufferJSON.replacer),
      buf: JSON.parse(JSON.stringify(creds.noiseKey.private, BufferJSON.replacer)) as unknown,
      nodeJson: Buffer.from(creds.signedPreKey.keyPair.private).toJSON(),
    });
    log.write('p', 'info', 'oops.message', JSON.stringify({ creds }, BufferJSON.replacer));
    await log.close();

    const file = await readFile(log.pathFor('p'), 'utf8');
    const tail = JSON.stringify(log.tail());
    for (const s of secrets) {
      assert.ok(!file.includes(s), `file leaks ${s.slice(0, 8)}…`);
      assert.ok(!tail.includes(s), `tail leaks ${s.slice(0, 8)}…`);
    }
    assert.equal(file.trim().split('\n').length, 7, 'every entry was still logged');
    assert.match(file, /\[redacted auth creds\]/);
  });
});

test('redaction hides secret-looking keys and long byte arrays but keeps ordinary data', () => {
  const out = redactLogData({
    code: 401,
    reason: 'device_removed',
    privKey: 'abc',
    password: 'p',
    apiToken: 't',
    passphrase: 'pp',
    nested: { deep: { secret: 's', ok: true } },
    id: Buffer.from('0123456789abcdef'), // 16 bytes: shown
    big: new Uint8Array(32),
    counts: [1, 2, 3],
    when: new Date(0),
    n: 10n,
    fn: () => 1,
  });
  assert.deepEqual(out, {
    code: 401,
    reason: 'device_removed',
    privKey: '[redacted]',
    password: '[redacted]',
    apiToken: '[redacted]',
    passphrase: '[redacted]',
    nested: { deep: { secret: '[redacted]', ok: true } },
    id: '[16 bytes: 30313233343536373839616263646566]',
    big: '[redacted 32 bytes]',
    counts: [1, 2, 3],
    when: '1970-01-01T00:00:00.000Z',
    n: '10',
  });
});

test('redaction survives cycles and errors, keeping a Boom status code', () => {
  const a: Record<string, unknown> = { name: 'a' };
  a.self = a;
  const err = Object.assign(new Error('Stream Errored (conflict)'), { output: { statusCode: 401 }, data: { tag: 'conflict', attrs: { type: 'device_removed' } } });
  const out = redactLogData({ a, err });
  assert.deepEqual(out.a, { name: 'a', self: '[circular]' });
  const e = out.err as Record<string, unknown>;
  assert.equal(e.message, 'Stream Errored (conflict)');
  assert.deepEqual(e.output, { statusCode: 401 });
  assert.deepEqual(e.data, { tag: 'conflict', attrs: { type: 'device_removed' } });
});
