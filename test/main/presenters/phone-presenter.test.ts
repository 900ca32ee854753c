import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE_INACTIVE_WARN_MS, PHONE_LOGOUT_AFTER_MS } from '../../../main/engine/phone-activity.js';
import { PHONE_STATES, type PhoneStatus, type UnlinkCause } from '../../../main/engine/types.js';
import { dateText } from '../../../main/presenters/durations.js';
import {
  inactivityWarning,
  isLinked,
  PHONE_ACTIONS,
  PHONE_LOGOUT_DAYS,
  PHONE_WARN_DAYS,
  presentPhone,
  type PhoneAction,
} from '../../../main/presenters/phone-presenter.js';
import { DAY, HOUR, NOW, phoneStatus } from '../status-fixture.js';

const LOGGED_OUT_AT = Date.UTC(2026, 10, 30, 12, 0);
const needsLink = (cause: UnlinkCause): PhoneStatus =>
  phoneStatus({ state: 'logged-out', pairedAt: null, me: null, nextKeepAliveAt: null, unlinked: { cause, at: LOGGED_OUT_AT, device: '15551234567:3@s.whatsapp.net' } });

test('a phone that needs a new link says so, and why, in plain words for each cause', () => {
  const expected: Record<UnlinkCause, RegExp> = {
    'user-logout': /^You logged out on 2026-11-30; WhatsApp removed this device\.$/,
    'server-logout': /^WhatsApp logged this device out on 2026-11-30\.$/,
    'session-unreadable': /^The saved session could not be read on 2026-11-30; its files were moved aside\.$/,
    'pairing-expired': /^The QR code expired before it was scanned\.$/,
  };
  for (const [cause, words] of Object.entries(expected) as Array<[UnlinkCause, RegExp]>) {
    const p = presentPhone(needsLink(cause), NOW);
    assert.equal(p.title, 'Needs a new link', cause);
    assert.equal(p.health, 'broken', cause);
    assert.match(p.unlinkReason ?? '', words, cause);
    assert.equal(p.detail, p.unlinkReason, `${cause}: the reason is the detail`);
    assert.match(p.nextStep ?? '', /new QR code/, cause);
    assert.equal(p.sessionAge, 'not linked', cause);
    assert.equal(p.linked, false, cause);
  }
  assert.equal(dateText(LOGGED_OUT_AT), '2026-11-30', 'the fixture date reads the same in this time zone');
  assert.match(presentPhone(needsLink('user-logout'), NOW).nextStep ?? '', /Backups from before the logout cannot link again/);
  assert.match(presentPhone(needsLink('session-unreadable'), NOW).nextStep ?? '', /Restore a backup/);
});

test('without its reason a phone needing a new link falls back to the engine\'s sentence; elsewhere `unlinked` is ignored', () => {
  const bare = presentPhone(phoneStatus({ state: 'logged-out', detail: 'Logged out by you.' }), NOW);
  assert.equal(bare.detail, 'Logged out by you.');
  assert.equal(bare.unlinkReason, null);
  const stale = presentPhone(phoneStatus({ state: 'waiting-for-scan', detail: 'Scan the QR code.', unlinked: { cause: 'user-logout', at: LOGGED_OUT_AT, device: null } }), NOW);
  assert.equal(stale.unlinkReason, null);
  assert.equal(stale.detail, 'Scan the QR code.');
});

test('a plainly fine phone has no detail and no next step; its age comes from pairedAt and the clock given', () => {
  const p = presentPhone(phoneStatus(), NOW);
  assert.equal(p.health, 'ok');
  assert.equal(p.title, 'Connected');
  assert.equal(p.detail, null);
  assert.equal(p.nextStep, null);
  assert.equal(p.sessionAge, '12d 4h');
  assert.equal(p.sessionAgeMs, 12 * DAY + 4 * HOUR);
  assert.equal(presentPhone(phoneStatus(), NOW + 3 * HOUR).sessionAge, '12d 7h');
});

test('a snapshot built 5 h ago, 5 h after pairing, shows 5 h and not 10 h', () => {
  // The old wire carried sessionAgeMs computed when status() was called, next to the updatedAt
  // of the last emit; the card then added now − updatedAt again. A stale snapshot must not age twice.
  const pairedAt = NOW - 5 * HOUR;
  const stale = { ...phoneStatus({ pairedAt, connectedSince: pairedAt, updatedAt: pairedAt }), sessionAgeMs: 5 * HOUR } as PhoneStatus;
  const p = presentPhone(stale, NOW);
  assert.equal(p.sessionAgeMs, 5 * HOUR);
  assert.equal(p.sessionAge, '0d 5h');
});

test('every refused action says why, and no offered one does', () => {
  for (const state of PHONE_STATES) {
    for (const linked of [true, false]) {
      const p = presentPhone(phoneStatus({ state, ...(linked ? {} : { pairedAt: null, me: null }) }), NOW);
      for (const a of PHONE_ACTIONS) {
        const s = p.actions[a];
        if (s.enabled) assert.equal(s.reason, undefined, `${state}/${linked}/${a}`);
        else assert.ok((s.reason ?? '').length > 10, `${state}/${linked}/${a} says why`);
      }
    }
  }
});

test('the action table: reconnect never for a phone that needs a link or is banned, backup and logout only when linked', () => {
  const enabled = (s: PhoneStatus, a: PhoneAction) => presentPhone(s, NOW).actions[a].enabled;
  for (const state of PHONE_STATES) {
    const linked = phoneStatus({ state });
    const bare = phoneStatus({ state, pairedAt: null, me: null });
    const noReconnect = ['waiting-for-scan', 'logged-out', 'banned', 'temp-banned'].includes(state);
    assert.equal(enabled(linked, 'reconnect'), !noReconnect, `reconnect ${state}`);
    assert.equal(enabled(linked, 'backupNow'), state !== 'logged-out', `backup ${state} linked`);
    assert.equal(enabled(bare, 'backupNow'), false, `backup ${state} unlinked`);
    assert.equal(enabled(linked, 'logout'), state !== 'logged-out', `logout ${state} linked`);
    assert.equal(enabled(bare, 'logout'), false, `logout ${state} unlinked`);
    assert.equal(enabled(linked, 'keepAliveNow'), state === 'open', `keep-alive now ${state}`);
    assert.equal(enabled(linked, 'restore'), true, `restore ${state}`);
  }
  // an imported session has `me` before its first open: it is linked
  assert.equal(isLinked({ state: 'stopped', pairedAt: null, me: '1@s.whatsapp.net' }), true);
  // a linked phone asks for Reconnect, not a new identity; a logged-out one for a new QR
  assert.equal(enabled(phoneStatus({ state: 'paused' }), 'requestQr'), false);
  assert.equal(enabled(needsLink('server-logout'), 'requestQr'), true);
  assert.equal(enabled(phoneStatus({ state: 'open' }), 'requestQr'), false);
});

test('a new QR is offered while waiting only once the one on screen expired', () => {
  const waiting = phoneStatus({ state: 'waiting-for-scan', pairedAt: null, me: null, qr: '2@abc', qrExpiresAt: NOW + 60_000 });
  assert.equal(presentPhone(waiting, NOW).actions.requestQr.enabled, false);
  assert.equal(presentPhone(waiting, NOW + 60_000).actions.requestQr.enabled, true);
  assert.equal(presentPhone({ ...waiting, qr: null, qrExpiresAt: null }, NOW).actions.requestQr.enabled, true);
});

test('while a pairing code is live the next step is typing it on the phone; once it ran out, scanning again', () => {
  const waiting = phoneStatus({ state: 'waiting-for-scan', pairedAt: null, me: null, qr: '2@abc', qrExpiresAt: NOW + 60_000, pairingCode: { code: 'ABCD1234', expiresAt: NOW + 150_000 } });
  assert.match(presentPhone(waiting, NOW).nextStep ?? '', /Link with phone number instead, then type the code/);
  assert.match(presentPhone(waiting, NOW + 150_000).nextStep ?? '', /scan the QR code/);
  assert.match(presentPhone({ ...waiting, pairingCode: null }, NOW).nextStep ?? '', /scan the QR code/);
});

test('pause and resume are each offered in the one direction that changes something', () => {
  const running = presentPhone(phoneStatus(), NOW).actions;
  assert.deepEqual([running.pauseKeepAlive.enabled, running.resumeKeepAlive.enabled], [true, false]);
  const paused = presentPhone(phoneStatus({ keepAlivePaused: true }), NOW).actions;
  assert.deepEqual([paused.pauseKeepAlive.enabled, paused.resumeKeepAlive.enabled], [false, true]);
});

test('the 14-day warning is worded once, with the days left, and its limits match the engine\'s', () => {
  assert.equal(PHONE_LOGOUT_DAYS * DAY, PHONE_LOGOUT_AFTER_MS);
  assert.equal(PHONE_WARN_DAYS * DAY, PHONE_INACTIVE_WARN_MS);
  const w = inactivityWarning(NOW - 12 * DAY - 3 * HOUR, NOW);
  assert.equal(w.text, 'The phone has not been online for 12 d 3 h. WhatsApp logs linked devices out after 14 days (2 d left): open WhatsApp on the phone.');
  assert.equal(w.short, 'phone unused 12+ days');
  assert.match(inactivityWarning(null, NOW).text, /for a long time\. WhatsApp logs linked devices out after 14 days: open/);
  const p = presentPhone(phoneStatus({ phoneInactive: true, phoneLastSeenAt: NOW - 12 * DAY - 3 * HOUR, backupFailing: true, lastBackupError: 'bucket not found' }), NOW);
  assert.deepEqual(p.warnings.map((x) => x.kind), ['phone-inactive', 'backup-failing']);
  assert.equal(p.warnings[0]?.text, w.text);
  assert.match(p.warnings[1]?.text ?? '', /bucket not found/);
  assert.equal(p.health, 'attention');
});

test('a phone whose sending stopped carries a warning that says why and that resuming is up to the person', () => {
  const p = presentPhone(phoneStatus({ state: 'open', outboundStop: { at: NOW - HOUR, reason: 'WhatsApp signalled a restriction (463)' } }), NOW);
  const w = p.warnings.find((x) => x.kind === 'outbound-stopped');
  assert.equal(w?.short, 'sending stopped');
  assert.match(w?.text ?? '', /restriction \(463\).*until you resume/);
  assert.deepEqual(presentPhone(phoneStatus({ state: 'open', outboundStop: null }), NOW).warnings, []);
});

test('a pairing code that expired is worded as a code in the window (request a new code), and a phone never linked reads "Not linked yet"', () => {
  const p = presentPhone(
    phoneStatus({ state: 'logged-out', everLinked: false, pairedAt: null, me: null, connectedSince: null, unlinked: { cause: 'pairing-expired', at: NOW, device: null, byCode: true } }),
    NOW,
  );
  assert.equal(p.unlinkReason, 'The pairing code expired before it was typed on the phone.');
  assert.match(p.nextStep ?? '', /Request a new pairing code/);
  assert.equal(p.title, 'Not linked yet');
  assert.doesNotMatch(`${p.title} ${p.detail ?? ''}`, /logged out|new link/i);
  const qr = presentPhone(phoneStatus({ state: 'logged-out', everLinked: true, unlinked: { cause: 'pairing-expired', at: NOW, device: null } }), NOW);
  assert.equal(qr.title, 'Needs a new link', 'a phone that was linked before still needs a new link');
  assert.match(qr.unlinkReason ?? '', /QR code expired/);
});
