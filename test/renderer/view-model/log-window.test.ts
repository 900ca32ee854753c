import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEntry } from '../../../main/engine/types.js';
import { appendCapped, filterLog, logLine, NO_FILTER, phoneChoices, visibleRows } from '../../../renderer/view-model/log-window.js';

const entry = (i: number, over: Partial<LogEntry> = {}): LogEntry => ({
  at: Date.UTC(2026, 0, 1) + i * 1000,
  phoneId: i % 2 === 0 ? 'a' : 'b',
  level: 'info',
  event: 'keepalive.sent',
  message: `entry ${i}`,
  ...over,
});

test('the filtered log is newest first and narrows by phone, minimum level and text', () => {
  const log = [entry(0), entry(1, { level: 'warn' }), entry(2, { level: 'error', message: 'Backup FAILED' }), entry(3, { phoneId: null, level: 'debug' })];
  assert.deepEqual(filterLog(log, NO_FILTER).map((e) => e.message), ['entry 3', 'Backup FAILED', 'entry 1', 'entry 0']);
  assert.deepEqual(filterLog(log, { ...NO_FILTER, phone: 'a' }).map((e) => e.message), ['Backup FAILED', 'entry 0']);
  assert.deepEqual(filterLog(log, { ...NO_FILTER, phone: 'app' }).map((e) => e.message), ['entry 3']);
  assert.deepEqual(filterLog(log, { ...NO_FILTER, level: 'warn' }).map((e) => e.message), ['Backup FAILED', 'entry 1']);
  assert.deepEqual(filterLog(log, { ...NO_FILTER, text: '  failed ' }).map((e) => e.message), ['Backup FAILED']);
  assert.deepEqual(filterLog(log, { ...NO_FILTER, text: 'keepalive.sent', phone: 'b' }).map((e) => e.message), ['entry 1']);
});

test('appending beyond the capacity drops the oldest entries', () => {
  const log = [entry(0), entry(1)];
  assert.equal(appendCapped(log, [entry(2), entry(3), entry(4)], 3), 2);
  assert.deepEqual(log.map((e) => e.message), ['entry 2', 'entry 3', 'entry 4']);
});

test('only the rows in the viewport plus the overscan are drawn, under a spacer as tall as all rows', () => {
  const w = visibleRows({ total: 10_000, rowHeight: 24, scrollTop: 24 * 5000 + 10, viewportHeight: 480, overscan: 5 });
  assert.equal(w.totalHeight, 240_000);
  assert.equal(w.start, 4995);
  assert.equal(w.end, 5000 + 21 + 5);
  assert.equal(w.offsetTop, 4995 * 24);
  assert.ok(w.end - w.start < 40, 'a few dozen rows, not ten thousand');
});

test('the row window clamps at both ends of the list and past a shrunken list', () => {
  assert.deepEqual(visibleRows({ total: 10, rowHeight: 24, scrollTop: -50, viewportHeight: 480, overscan: 2 }), { start: 0, end: 10, offsetTop: 0, totalHeight: 240 });
  const end = visibleRows({ total: 100, rowHeight: 20, scrollTop: 99_999, viewportHeight: 200, overscan: 0 });
  assert.equal(end.end, 100);
  assert.equal(end.start, 90);
  assert.deepEqual(visibleRows({ total: 0, rowHeight: 20, scrollTop: 500, viewportHeight: 200 }), { start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
});

test('a copied log line carries time, level, phone, event and message', () => {
  const line = logLine(entry(3, { phoneId: null, level: 'warn' }));
  assert.match(line, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}WARN {3}app {2}keepalive\.sent {2}entry 3$/);
});

test('the phone filter offers all, app-wide and each phone once, sorted', () => {
  assert.deepEqual(phoneChoices(['b', 'a', 'b']).map((c) => c.value), ['all', 'app', 'a', 'b']);
});
