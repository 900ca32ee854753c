import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phoneCardModel, type CardFact } from '../../../renderer/view-model/phone-card.js';
import { NOW, status } from './status-fixture.js';

const fact = (facts: CardFact[], key: CardFact['key']): CardFact => {
  const f = facts.find((x) => x.key === key);
  assert.ok(f, `fact ${key}`);
  return f;
};

test('a connected phone is ok, shows its session age, connection time, next pulse with mode and last backup, and no reason', () => {
  const m = phoneCardModel(status(), NOW);
  assert.equal(m.health, 'ok');
  assert.equal(m.stateTitle, 'Connected');
  assert.equal(m.reason, null);
  assert.equal(m.nextStep, null);
  assert.equal(m.pairing, null);
  assert.equal(fact(m.facts, 'session-age').value, '3d 5h');
  assert.equal(fact(m.facts, 'connected-since').value, '2 h ago');
  assert.equal(fact(m.facts, 'next-keep-alive').value, 'in 4 h · mode active');
  assert.equal(fact(m.facts, 'last-backup').value, '30 min ago · ok');
  for (const a of ['reconnect', 'backupNow', 'keepAliveNow', 'restore', 'logout'] as const) assert.deepEqual(m.actions[a], { enabled: true }, a);
});

test('the session age keeps ticking from the snapshot time between status events', () => {
  const m = phoneCardModel(status(), NOW + 3 * 3_600_000);
  assert.equal(fact(m.facts, 'session-age').value, '3d 8h');
});

test('a phone waiting for a scan offers its QR with a countdown, and a new QR only once it expired', () => {
  const waiting = status({ state: 'waiting-for-scan', qr: '2@abc', qrExpiresAt: NOW + 65_000, pairedAt: null, me: null, connectedSince: null, detail: 'Scan the QR code.' });
  const m = phoneCardModel(waiting, NOW);
  assert.equal(m.health, 'broken');
  assert.equal(m.stateTitle, 'Rescan needed');
  assert.deepEqual(m.pairing, { qr: '2@abc', countdown: '1:05', expired: false, canRequestNew: false });
  assert.equal(m.reason, 'Scan the QR code.');
  assert.match(m.nextStep ?? '', /Linked devices → Link a device/);
  assert.equal(fact(m.facts, 'session-age').value, 'not linked');
  assert.equal(m.actions.reconnect.enabled, false);
  assert.match(m.actions.reconnect.reason ?? '', /Scan the QR code/);
  assert.equal(m.actions.logout.enabled, false);
  const later = phoneCardModel(waiting, NOW + 65_000);
  assert.deepEqual(later.pairing, { qr: null, countdown: null, expired: true, canRequestNew: true });
});

test('a logged-out phone without a QR says why and offers a new QR', () => {
  const m = phoneCardModel(status({ state: 'logged-out', qr: null, detail: 'WhatsApp logged this device out (401).' }), NOW);
  assert.equal(m.reason, 'WhatsApp logged this device out (401).');
  assert.match(m.nextStep ?? '', /new QR/);
  assert.equal(m.pairing?.canRequestNew, true);
});

test('every non-healthy state carries a reason and a next step, or is transient', () => {
  for (const state of ['stopped', 'paused', 'replaced', 'logged-out', 'banned', 'temp-banned', 'outdated', 'waiting-for-scan'] as const) {
    const m = phoneCardModel(status({ state, detail: `because ${state}` }), NOW);
    assert.notEqual(m.health, 'ok', state);
    assert.equal(m.reason, `because ${state}`, state);
    assert.ok(m.nextStep, `${state} has a next step`);
  }
  const reconnecting = phoneCardModel(status({ state: 'reconnecting', detail: 'Retrying in 10 s.' }), NOW);
  assert.equal(reconnecting.reason, 'Retrying in 10 s.');
});

test('an inactive phone turns an open card to attention with the 14-day warning and the days left', () => {
  const m = phoneCardModel(status({ phoneInactive: true, phoneLastSeenAt: NOW - 12 * 24 * 3_600_000 }), NOW);
  assert.equal(m.health, 'attention');
  assert.equal(m.warnings.length, 1);
  assert.match(m.warnings[0] ?? '', /12 d.*14 days \(2 d left\)/);
  assert.equal(fact(m.facts, 'phone-last-seen').tone, 'bad');
  assert.match(m.announcement, /one warning/);
});

test('a failing backup shows its error on the card and as a warning', () => {
  const m = phoneCardModel(status({ lastBackupError: 'Storage unreachable', backupFailing: true }), NOW);
  assert.equal(m.health, 'attention');
  assert.equal(fact(m.facts, 'last-backup').value, 'failed: Storage unreachable (last good 30 min ago)');
  assert.equal(fact(m.facts, 'last-backup').tone, 'bad');
  assert.match(m.warnings[0] ?? '', /Storage unreachable/);
});

test('reduced mode and a paused keep-alive are spelled out', () => {
  assert.equal(fact(phoneCardModel(status({ mode: 'reduced' }), NOW).facts, 'next-keep-alive').value, 'in 4 h · mode reduced (quiet hours)');
  assert.equal(fact(phoneCardModel(status({ keepAlivePaused: true, mode: 'sleep' }), NOW).facts, 'next-keep-alive').value, 'paused · mode sleep (no pulses)');
});

test('a card says how many deaf connections were replaced since start, and nothing while there were none', () => {
  assert.doesNotMatch(fact(phoneCardModel(status(), NOW).facts, 'connected-since').value, /deaf/);
  assert.equal(fact(phoneCardModel(status({ deafRecycles: 2 }), NOW).facts, 'connected-since').value, '2 h ago · 2 deaf connections replaced');
});
