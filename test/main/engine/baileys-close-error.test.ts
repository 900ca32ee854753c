import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Boom } from '@hapi/boom';
import { disconnectInputFromError } from '../../../main/engine/baileys-close-error.js';
import { disconnectInputFromError as reExported } from '../../../main/engine/disconnect-policy.js';

const T0 = Date.UTC(2026, 0, 1);

test('a stream:error with conflict device_removed reads as 401 device_removed', () => {
  // Exactly what socket.js CB:stream:error builds in rc14: data is the reason child.
  const err = new Boom('Stream Errored (conflict)', { statusCode: 401, data: { tag: 'conflict', attrs: { type: 'device_removed' } } });
  assert.deepEqual(disconnectInputFromError(err, T0), { code: 401, reason: 'Stream Errored (conflict)', conflict: 'device_removed' });
});

test('an older-shape stream:error node still yields its conflict type', () => {
  const err = new Boom('Stream Errored', {
    statusCode: 440,
    data: { tag: 'stream:error', attrs: {}, content: [{ tag: 'conflict', attrs: { type: 'replaced' } }] },
  });
  assert.equal(disconnectInputFromError(err, T0).conflict, 'replaced');
});

test('a failure 402 with expire in seconds-from-now becomes an absolute expiry in ms', () => {
  const err = new Boom('Connection Failure', { statusCode: 402, data: { reason: '402', expire: '3600' } });
  assert.deepEqual(disconnectInputFromError(err, T0), { code: 402, reason: 'Connection Failure', expiresAt: T0 + 3_600_000 });
});

test('a failure 402 with expire as epoch seconds is taken as the absolute expiry', () => {
  const at = Math.floor(T0 / 1000) + 7200;
  const err = new Boom('Connection Failure', { statusCode: 402, data: { reason: '402', expire: String(at) } });
  assert.equal(disconnectInputFromError(err, T0).expiresAt, at * 1000);
});

test('a close without an error, or with a plain Error, has no code', () => {
  assert.deepEqual(disconnectInputFromError(undefined, T0), { code: null, reason: 'connection closed without an error' });
  assert.deepEqual(disconnectInputFromError(new Error('socket hang up'), T0), { code: null, reason: 'socket hang up' });
});

test('the disconnect policy module still offers the parser to its callers', () => {
  assert.equal(reExported, disconnectInputFromError);
});
