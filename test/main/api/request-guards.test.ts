import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearerMatches, isLoopbackAddress, isLoopbackHost } from '../../../main/api/request-guards.js';
import { apiEventFromLog } from '../../../main/api/log-events.js';

test('only loopback names pass the Host check, with or without a port', () => {
  for (const ok of ['localhost', 'LOCALHOST:8787', '127.0.0.1', '127.0.0.1:1', '127.1.2.3:80', '[::1]', '[::1]:8787']) assert.equal(isLoopbackHost(ok), true, ok);
  for (const bad of [undefined, '', 'evil.example', 'localhost.evil.example', '127.0.0.1.evil.example', '127.0.0.256', '10.0.0.1:8787', '[::2]:1', '0.0.0.0']) assert.equal(isLoopbackHost(bad), false, String(bad));
  assert.equal(isLoopbackAddress('::1'), true);
  assert.equal(isLoopbackAddress('0.0.0.0'), false);
});

test('the bearer check wants the exact token after "Bearer", nothing shorter, longer or empty', () => {
  assert.equal(bearerMatches('Bearer abc123', 'abc123'), true);
  assert.equal(bearerMatches('bearer abc123', 'abc123'), true);
  for (const bad of [undefined, '', 'abc123', 'Basic abc123', 'Bearer abc12', 'Bearer abc1234', 'Bearer', 'Bearer abc123 extra']) assert.equal(bearerMatches(bad, 'abc123'), false, String(bad));
  assert.equal(bearerMatches('Bearer ', ''), false, 'an empty token never matches');
});

test('keep-alive and backup log entries become API events with their facts; others do not', () => {
  const at = 1;
  assert.deepEqual(apiEventFromLog({ at, phoneId: 'p', level: 'info', event: 'keepalive.sent', message: '💚', data: { trigger: 'due', mode: 'reduced', nextAt: 5 } }), {
    type: 'keepalive.sent',
    phoneId: 'p',
    data: { trigger: 'due', mode: 'reduced', nextAt: 5 },
  });
  assert.deepEqual(apiEventFromLog({ at, phoneId: 'p', level: 'info', event: 'backup.uploaded', message: 'x', data: { generation: 'g1' } })?.data, { outcome: 'uploaded', generation: 'g1', error: null });
  assert.deepEqual(apiEventFromLog({ at, phoneId: 'p', level: 'warn', event: 'backup.failed', message: 'Backup to local failed: disk full' })?.data, { outcome: 'failed', generation: null, error: 'Backup to local failed: disk full' });
  assert.equal(apiEventFromLog({ at, phoneId: 'p', level: 'info', event: 'keepalive.planned', message: 'x' }), null);
  assert.equal(apiEventFromLog({ at, phoneId: null, level: 'info', event: 'keepalive.sent', message: 'x' }), null);
});
