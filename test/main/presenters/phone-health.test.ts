import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE_STATES } from '../../../main/engine/types.js';
import { isFirstLink, needsRescan, overallHealth, phoneHealth, sessionAgeText, stateText } from '../../../main/presenters/phone-health.js';

const base = { phoneInactive: false, backupFailing: false };

test('every state has words and a health, and every unhealthy state says what to do next', () => {
  for (const state of PHONE_STATES) {
    const text = stateText({ state });
    assert.ok(text.title.length > 0, state);
    const h = phoneHealth({ state, ...base });
    if (h === 'broken' || h === 'paused') assert.ok(text.nextStep, `${state} needs a next step`);
  }
});

test('an open phone is ok, but an unused phone or failing backups make it need attention', () => {
  assert.equal(phoneHealth({ state: 'open', ...base }), 'ok');
  assert.equal(phoneHealth({ state: 'open', phoneInactive: true, backupFailing: false }), 'attention');
  assert.equal(phoneHealth({ state: 'open', phoneInactive: false, backupFailing: true }), 'attention');
  assert.equal(phoneHealth({ state: 'logged-out', phoneInactive: true, backupFailing: true }), 'broken');
});

test('the overall health is the worst phone\'s', () => {
  assert.equal(overallHealth([]), 'ok');
  assert.equal(overallHealth([{ state: 'open', ...base }, { state: 'paused', ...base }]), 'paused');
  assert.equal(overallHealth([{ state: 'reconnecting', ...base }, { state: 'paused', ...base }]), 'attention');
  assert.equal(overallHealth([{ state: 'open', ...base }, { state: 'replaced', ...base }, { state: 'reconnecting', ...base }]), 'broken');
});

test('only a QR scan brings back a phone waiting for a scan or logged out', () => {
  assert.deepEqual(
    PHONE_STATES.filter((state) => needsRescan({ state })),
    ['waiting-for-scan', 'logged-out'],
  );
  assert.match(stateText({ state: 'replaced' }).nextStep ?? '', /Another WhatsApp Web client/);
});

test('session age reads as days and hours, or "not linked"', () => {
  assert.equal(sessionAgeText({ pairedAt: null }, 1_000), 'not linked');
  const now = Date.UTC(2026, 0, 15);
  assert.equal(sessionAgeText({ pairedAt: now - (12 * 24 + 4) * 3_600_000 - 59_000 }, now), '12d 4h');
  assert.equal(sessionAgeText({ pairedAt: now - 3_600_000, state: 'logged-out' }, now), 'not linked', 'a phone that needs a new link has no session age');
});

test('a refused write makes any phone broken, even an open one, and says the path, the OS reason and what to do', async () => {
  const { presentPhone } = await import('../../../main/presenters/phone-presenter.js');
  const { phoneStatus, NOW } = await import('../status-fixture.js');
  const storageError = { path: '/data/state/default/meta.json', reason: 'no space left on device', code: 'ENOSPC', since: NOW - 60_000 };
  for (const state of PHONE_STATES) assert.equal(phoneHealth({ state, ...base, storageError }), 'broken', state);
  assert.equal(overallHealth([{ state: 'open', ...base }, { state: 'open', ...base, storageError }]), 'broken');
  const p = presentPhone(phoneStatus({ state: 'open', storageError }), NOW);
  assert.equal(p.health, 'broken');
  assert.equal(p.title, 'Connected', 'the state stays what the connection is');
  assert.equal(p.detail, 'Cannot write to /data/state/default/meta.json: no space left on device (ENOSPC).');
  assert.equal(p.nextStep, 'Free some space on this disk; Session Keeper retries by itself.');
  assert.equal(p.warnings[0]?.kind, 'storage-error');
  const ro = presentPhone(phoneStatus({ state: 'reconnecting', detail: 'Reconnecting in 2 s.', storageError: { ...storageError, reason: 'read-only file system', code: 'EROFS' } }), NOW);
  assert.match(ro.detail ?? '', /^Cannot write to .*: read-only file system \(EROFS\)\. Reconnecting in 2 s\.$/);
  assert.match(ro.nextStep ?? '', /read-only/);
});

test('a phone never linked is "Not linked yet" and needs attention; one that had a link is "Rescan needed" and broken', () => {
  const first = { state: 'waiting-for-scan' as const, ...base, everLinked: false };
  assert.equal(isFirstLink(first), true);
  assert.equal(stateText(first).title, 'Not linked yet');
  assert.match(stateText(first).nextStep ?? '', /Linked devices → Link a device/);
  assert.equal(phoneHealth(first), 'attention');
  const again = { ...first, everLinked: true };
  assert.equal(stateText(again).title, 'Rescan needed');
  assert.equal(phoneHealth(again), 'broken');
  // a snapshot that does not say keeps the old words
  assert.equal(stateText({ state: 'waiting-for-scan' }).title, 'Rescan needed');
  // only the QR state is a first link: a never-linked phone whose QR ran out needs a new one
  assert.equal(phoneHealth({ ...first, state: 'logged-out' }), 'broken');
});
