import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../main/engine/clock.js';
import { EventLog } from '../../../../main/engine/event-log.js';
import { HISTORY_KEEP_MS, historyLine } from '../../../../main/engine/uptime/history-record.js';
import { historyDir, historyFile, readHistoryFile, UptimeHistory } from '../../../../main/engine/uptime/history-store.js';
import type { LogEntry, PhoneStatus } from '../../../../main/engine/types.js';
import { DAY, HOUR, HistoryWriter } from '../../../support/uptime-history.js';

async function withDir(fn: (dataDir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'uptime-history-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const status = (state: PhoneStatus['state'], at: number) => ({ phoneId: 'p', state, updatedAt: at }) as PhoneStatus;

test('the history lives outside the event log\'s rotation: a log rotated many times leaves every history line in place', () =>
  withDir(async (dataDir) => {
    const logsDir = join(dataDir, 'logs');
    const clock = new ManualClock(Date.UTC(2026, 10, 1));
    const errors: unknown[] = [];
    const history = new UptimeHistory({ logsDir, phoneIds: ['p'], clock, onError: (_id, err) => errors.push(err) });
    const log = new EventLog({ dataDir, maxFileBytes: 512, keepRotated: 2, clock });
    await history.start();
    history.onStatus(status('open', clock.now()));
    for (let i = 0; i < 400; i++) {
      clock.advance(60_000);
      const entry: LogEntry = { at: clock.now(), phoneId: 'p', level: i % 100 === 25 ? 'warn' : 'info', event: i % 50 === 0 ? 'keepalive.sent' : 'connection.probe', message: `line ${i} ${'x'.repeat(60)}` };
      history.onLog(log.append(entry));
    }
    await log.close();
    await history.stop();
    const logFiles = await readdir(logsDir);
    assert.ok(logFiles.includes('p.jsonl.2'), `the log rotated: ${logFiles.join(', ')}`);
    assert.deepEqual(await readdir(historyDir(logsDir)), ['p.jsonl']);
    const records = await readHistoryFile(historyFile(logsDir, 'p'));
    assert.equal(records.filter((r) => r.k === 'pulse').length, 8);
    assert.equal(records.filter((r) => r.k === 'warn').length, 4);
    assert.equal(records.filter((r) => r.k === 'alive').length, 26, 'a heartbeat every 15 min for 400 min');
    assert.deepEqual([records[0]?.k, records.at(-1)?.k], ['start', 'stop']);
    assert.deepEqual(errors, []);
  }));

test('at start, 90 days of history are compacted to the last 35 with a durable rewrite; damaged lines are dropped, not fatal', () =>
  withDir(async (dataDir) => {
    const logsDir = join(dataDir, 'logs');
    const now = Date.UTC(2026, 10, 24, 12);
    const w = new HistoryWriter(now - 90 * DAY).start().state('open').until(now - HOUR).stop();
    await mkdir(historyDir(logsDir), { recursive: true });
    await writeFile(historyFile(logsDir, 'p'), `${w.text()}{"t":"not a time","k":"alive"}\nnot json\n`);
    const history = new UptimeHistory({ logsDir, phoneIds: ['p'], clock: new ManualClock(now), onError: (_id, err) => assert.fail(String(err)) });
    await history.start();
    await history.stop();
    const records = await readHistoryFile(historyFile(logsDir, 'p'));
    assert.ok(records.every((r) => r.t >= now - HISTORY_KEEP_MS), 'nothing older than 35 days');
    assert.ok(records[0] && records[0].t - (now - HISTORY_KEEP_MS) < 15 * 60_000, 'everything newer is kept');
    assert.deepEqual(records.slice(-3).map((r) => r.k), ['stop', 'start', 'stop']);
    const text = await readFile(historyFile(logsDir, 'p'), 'utf8');
    assert.equal(text.split('\n').filter(Boolean).length, records.length, 'the damaged lines are gone from the file');
    assert.deepEqual(await readdir(historyDir(logsDir)), ['p.jsonl'], 'no temp file left');
    assert.ok(text.length < 160_000, `a month of heartbeats stays small (${text.length} bytes)`);
  }));

test('a history that cannot be written is reported once per error and the keeper runs on', () =>
  withDir(async (dataDir) => {
    const logsDir = join(dataDir, 'logs');
    // a file where the history folder should be: every write fails
    await mkdir(logsDir);
    await writeFile(historyDir(logsDir), 'in the way');
    const errors: unknown[] = [];
    const clock = new ManualClock(Date.UTC(2026, 10, 1));
    const history = new UptimeHistory({ logsDir, phoneIds: ['p'], clock, onError: (_id, err) => errors.push(err) });
    await history.start();
    history.onStatus(status('open', clock.now()));
    await history.stop();
    assert.ok(errors.length >= 1, 'the failure was reported');
    // the records of this run are still served from memory
    assert.deepEqual((await history.history('p')).map((r) => r.k), ['start', 'state', 'stop']);
  }));

test('statuses that repeat the same state add nothing; other phones and app-wide entries are ignored', () =>
  withDir(async (dataDir) => {
    const clock = new ManualClock(Date.UTC(2026, 10, 1));
    const history = new UptimeHistory({ logsDir: join(dataDir, 'logs'), phoneIds: ['p'], clock, onError: () => {} });
    history.onStatus(status('open', clock.now())); // before start: not recorded
    await history.start();
    history.onStatus(status('open', clock.now()));
    history.onStatus(status('open', clock.now()));
    history.onLog({ at: clock.now(), phoneId: null, level: 'warn', event: 'temp.sweep-failed', message: '' });
    history.onLog({ at: clock.now(), phoneId: 'p', level: 'warn', event: 'disconnect.decision', message: '', data: { code: 428 } });
    history.onLog({ at: clock.now(), phoneId: 'p', level: 'info', event: 'backup.uploaded', message: '' });
    await history.stop();
    assert.deepEqual(await history.history('p'), [
      { t: clock.now(), k: 'start' },
      { t: clock.now(), k: 'state', s: 'open' },
      { t: clock.now(), k: 'drop', c: 428 },
      { t: clock.now(), k: 'backup' },
      { t: clock.now(), k: 'stop' },
    ]);
    assert.equal(historyLine({ t: 1, k: 'drop', c: 428 }), '{"t":1,"k":"drop","c":428}\n');
  }));

test('from hold() on, what the phones report and log before the history is read is recorded right after the start, in order, at the time of hold()', () =>
  withDir(async (dataDir) => {
    const clock = new ManualClock(Date.UTC(2026, 10, 1));
    const history = new UptimeHistory({ logsDir: join(dataDir, 'logs'), phoneIds: ['p'], clock, onError: () => {} });
    const status = (state: PhoneStatus['state']): PhoneStatus => ({ phoneId: 'p', state, updatedAt: clock.now() }) as PhoneStatus;
    history.onStatus(status('stopped')); // before the keeper starts: not news for the history
    const began = clock.now();
    history.hold();
    // the phones start connecting before the history is read
    clock.advance(5);
    history.onStatus(status('connecting'));
    history.onLog({ at: clock.now(), phoneId: 'p', level: 'warn', event: 'meta.damaged', message: '' });
    clock.advance(5);
    const starting = history.start();
    history.onStatus(status('open'));
    await starting;
    await history.stop();
    assert.deepEqual(await history.history('p'), [
      { t: began, k: 'start' },
      { t: began + 5, k: 'state', s: 'connecting' },
      { t: began + 5, k: 'warn', e: 'meta.damaged' },
      { t: began + 10, k: 'state', s: 'open' },
      { t: began + 10, k: 'stop' },
    ]);
  }));

test('a stop while the history still reads its files: nothing is recorded after it and no heartbeat stays armed', () =>
  withDir(async (dataDir) => {
    const clock = new ManualClock(Date.UTC(2026, 10, 1));
    const history = new UptimeHistory({ logsDir: join(dataDir, 'logs'), phoneIds: ['p'], clock, onError: () => {} });
    history.hold();
    history.onStatus({ phoneId: 'p', state: 'connecting', updatedAt: clock.now() } as PhoneStatus);
    const starting = history.start();
    await history.stop();
    await starting;
    assert.equal(clock.pending(), 0, 'no heartbeat');
    assert.deepEqual(await history.history('p'), []);
    history.onStatus({ phoneId: 'p', state: 'open', updatedAt: clock.now() } as PhoneStatus);
    assert.deepEqual(await history.history('p'), [], 'not recording after the stop');
  }));

test('a warning logged while the history still reads its files is recorded right after the start; one logged before the start is not', () =>
  withDir(async (dataDir) => {
    const clock = new ManualClock(Date.UTC(2026, 10, 1));
    const history = new UptimeHistory({ logsDir: join(dataDir, 'logs'), phoneIds: ['p'], clock, onError: () => {} });
    history.onLog({ at: clock.now(), phoneId: 'p', level: 'warn', event: 'before.start', message: '' });
    const starting = history.start();
    // the keeper loads the rhythm and the backup plans meanwhile: their warnings must not be lost
    history.onLog({ at: clock.now(), phoneId: 'p', level: 'warn', event: 'keepalive.damaged', message: '' });
    history.onLog({ at: clock.now(), phoneId: null, level: 'warn', event: 'temp.sweep-failed', message: '' });
    await starting;
    await history.stop();
    assert.deepEqual(await history.history('p'), [
      { t: clock.now(), k: 'start' },
      { t: clock.now(), k: 'warn', e: 'keepalive.damaged' },
      { t: clock.now(), k: 'stop' },
    ]);
  }));
