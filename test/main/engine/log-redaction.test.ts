import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactLogData } from '../../../main/engine/log-redaction.js';

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
