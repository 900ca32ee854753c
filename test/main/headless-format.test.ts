import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatStatusLine } from '../../main/headless-format.js';
import { DAY, HOUR, NOW, phoneStatus } from './status-fixture.js';

test('the headless status line shows the session age on the caller\'s clock, like the tray and the card', () => {
  const s = phoneStatus({ updatedAt: NOW - 5 * HOUR });
  assert.equal(formatStatusLine(s, NOW), '[default] open · session age 12d 4h · Connected.');
  assert.equal(formatStatusLine(s, NOW + DAY), '[default] open · session age 13d 4h · Connected.');
});

test('a phone that needs a new link says why and what to do, with no session age', () => {
  const s = phoneStatus({ state: 'logged-out', pairedAt: null, me: null, detail: 'engine words', unlinked: { cause: 'server-logout', at: Date.UTC(2026, 10, 30, 12), device: null } });
  assert.equal(formatStatusLine(s, NOW), '[default] logged-out · WhatsApp logged this device out on 2026-11-30. · Show a new QR code and scan it with the phone.');
});

test('warnings ride along in their short words', () => {
  assert.match(formatStatusLine(phoneStatus({ phoneInactive: true }), NOW), / · phone unused 12\+ days$/);
});

test('after a pairing code expired, the status line says code and to type c, never QR, and a phone never linked is "not linked yet"', () => {
  const s = phoneStatus({
    state: 'logged-out',
    everLinked: false,
    pairedAt: null,
    me: null,
    connectedSince: null,
    detail: 'The pairing code expired before it was typed on the phone.',
    unlinked: { cause: 'pairing-expired', at: NOW - 60_000, device: null, byCode: true },
  });
  const line = formatStatusLine(s, NOW);
  assert.match(line, /The pairing code expired before it was typed on the phone\./);
  assert.match(line, /Type c and Enter for a new code\./);
  assert.doesNotMatch(line, /QR/);
});
