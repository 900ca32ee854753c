import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PhoneState, PhoneStatus } from '../../../main/engine/types.js';
import { EMPTY_MEMORY, presentNotifications, type AppNotification, type NotifyMemory } from '../../../main/notifications/notification-presenter.js';
import { NOW, phoneStatus } from '../status-fixture.js';

/** Feeds a sequence of statuses; returns every notification kind in order. */
function run(steps: Partial<PhoneStatus>[], start: NotifyMemory = EMPTY_MEMORY): AppNotification[] {
  let memory = start;
  const out: AppNotification[] = [];
  for (const s of steps) {
    const r = presentNotifications(memory, phoneStatus(s), NOW);
    memory = r.memory;
    out.push(...r.notifications);
  }
  return out;
}
const kinds = (ns: AppNotification[]) => ns.map((n) => n.kind);
const states = (...xs: PhoneState[]) => xs.map((state) => ({ state }));

test('a rescan needed notifies once and a click focuses that phone', () => {
  const ns = run(states('open', 'waiting-for-scan'));
  assert.deepEqual(kinds(ns), ['rescan']);
  assert.equal(ns[0]?.focusPhone, true);
  assert.equal(ns[0]?.phoneId, 'default');
  assert.match(ns[0]?.body ?? '', /Linked devices/);
});

test('a reconnect loop never notifies', () => {
  assert.deepEqual(run(states('open', 'reconnecting', 'reconnecting', 'connecting', 'reconnecting', 'connecting', 'reconnecting', 'open')), []);
});

test('QR refreshes and the logged-out → waiting-for-scan hop stay one notification', () => {
  assert.deepEqual(kinds(run(states('open', 'logged-out', 'waiting-for-scan', 'connecting', 'waiting-for-scan', 'waiting-for-scan'))), ['rescan']);
});

test('replaced, banned, temp-banned and outdated each notify once per change', () => {
  for (const state of ['replaced', 'banned', 'temp-banned', 'outdated'] as const) {
    assert.deepEqual(kinds(run(states('open', state, 'reconnecting', state, state))), [state], state);
  }
});

test('back to open after a notified problem says recovered, once', () => {
  assert.deepEqual(kinds(run(states('open', 'temp-banned', 'reconnecting', 'open', 'open'))), ['temp-banned', 'recovered']);
});

test('back to open after a mere reconnect says nothing', () => {
  assert.deepEqual(kinds(run(states('connecting', 'open', 'reconnecting', 'open'))), []);
});

test('a different problem after the first one notifies again', () => {
  assert.deepEqual(kinds(run(states('open', 'replaced', 'waiting-for-scan'))), ['replaced', 'rescan']);
});

test('a problem already present at start is announced (the user may have missed it)', () => {
  assert.deepEqual(kinds(run(states('waiting-for-scan'))), ['rescan']);
});

test('phone unused for 12 days notifies when it turns on, not on every status after', () => {
  const ns = run([{}, { phoneInactive: true }, { phoneInactive: true }, { phoneInactive: true, state: 'reconnecting' }]);
  assert.deepEqual(kinds(ns), ['phone-inactive']);
  assert.match(ns[0]?.body ?? '', /14/);
});

test('backups failing for 24 h notify once with the last error; again only after recovering', () => {
  const ns = run([{ backupFailing: true, lastBackupError: 'bucket not found' }, { backupFailing: true }, { backupFailing: false }, { backupFailing: true }]);
  assert.deepEqual(kinds(ns), ['backup-failing', 'backup-failing']);
  assert.match(ns[0]?.body ?? '', /bucket not found/);
});

test('memory is per phone status stream: each phone is fed its own memory', () => {
  const a = presentNotifications(EMPTY_MEMORY, phoneStatus({ phoneId: 'a', state: 'banned' }), NOW);
  const b = presentNotifications(EMPTY_MEMORY, phoneStatus({ phoneId: 'b', state: 'banned' }), NOW);
  assert.equal(a.notifications[0]?.phoneId, 'a');
  assert.equal(b.notifications[0]?.phoneId, 'b');
  assert.equal(a.memory.problem, 'banned');
});

test('a phone that needs a new link is announced with the reason in plain words, not as a mere rescan', () => {
  const at = Date.UTC(2026, 10, 30, 12, 0);
  const ns = run([{}, { state: 'logged-out', pairedAt: null, me: null, unlinked: { cause: 'user-logout', at, device: null } }, { state: 'waiting-for-scan', pairedAt: null, me: null }]);
  assert.deepEqual(kinds(ns), ['rescan'], 'the hop to waiting-for-scan stays quiet');
  assert.equal(ns[0]?.title, 'WhatsApp: Needs a new link');
  assert.match(ns[0]?.body ?? '', /^You logged out on 2026-11-30; WhatsApp removed this device\. Show a new QR code/);
});

test('the inactivity notification says the same sentence as the card, with the days left', () => {
  const ns = run([{}, { phoneInactive: true, phoneLastSeenAt: NOW - 13 * 24 * 3_600_000 }]);
  assert.equal(ns[0]?.body, 'The phone has not been online for 13 d. WhatsApp logs linked devices out after 14 days (1 d left): open WhatsApp on the phone.');
});

test('a refused write notifies once per new problem, never per retry, and once more when writing works again', () => {
  const full = { path: '/data/state/default/meta.json', reason: 'no space left on device', code: 'ENOSPC', since: NOW };
  const ns = run([
    { state: 'open' },
    { state: 'open', storageError: full },
    { state: 'reconnecting', storageError: full },
    { state: 'open', storageError: { ...full, since: NOW } },
    { state: 'open', storageError: { ...full, path: '/data/sessions/default/creds.json' } },
    { state: 'open', storageError: null },
    { state: 'open', storageError: null },
  ]);
  assert.deepEqual(kinds(ns), ['storage-error', 'storage-error', 'storage-recovered']);
  assert.match(ns[0]?.body ?? '', /Cannot write to \/data\/state\/default\/meta\.json: no space left on device \(ENOSPC\)\. Free some space/);
  assert.equal(ns[0]?.focusPhone, true);
});

// ---- First link versus a new link: (what the phone had, the state pair) → the words --------

const unlinkedAt = Date.UTC(2026, 10, 30, 12, 0);
const neverLinked = { pairedAt: null, me: null, everLinked: false } as const;
/** after a logout or a removed device: the pairing is forgotten, the link is not */
const lostLink = { pairedAt: null, me: null, everLinked: true } as const;
const titles = (ns: AppNotification[]) => ns.map((n) => `${n.kind}: ${n.title}`);

const LINK_WORDS: Array<{ name: string; steps: Partial<PhoneStatus>[]; expect: string[] }> = [
  {
    name: 'a phone never linked is asked for its first link, then told the session age starts now',
    steps: [{ ...neverLinked, state: 'waiting-for-scan' }, { ...neverLinked, state: 'connecting' }, { ...neverLinked, state: 'waiting-for-scan' }, { state: 'open' }],
    expect: ['first-link: WhatsApp: scan the QR code to link WhatsApp', 'recovered: WhatsApp: linked — session age starts now'],
  },
  {
    name: 'a linked phone that is shown a QR is asked to scan again, then told the new link starts the age anew',
    steps: [{ state: 'open' }, { ...neverLinked, state: 'waiting-for-scan' }, { state: 'open' }],
    expect: ['rescan: WhatsApp: scan the QR code again', 'recovered: WhatsApp: linked again — session age starts now'],
  },
  {
    name: 'a phone logged out before this start needs a new link, with the reason, and its QR stays quiet',
    steps: [
      { ...lostLink, state: 'logged-out', unlinked: { cause: 'server-logout', at: unlinkedAt, device: null } },
      { ...lostLink, state: 'waiting-for-scan' },
      { state: 'open' },
    ],
    expect: ['rescan: WhatsApp: Needs a new link', 'recovered: WhatsApp: linked again — session age starts now'],
  },
  {
    name: 'a first QR that expired unscanned needs a new QR, and its scan is still a first link',
    steps: [
      { ...neverLinked, state: 'waiting-for-scan' },
      { ...neverLinked, state: 'logged-out', unlinked: { cause: 'pairing-expired', at: unlinkedAt, device: null } },
      { ...neverLinked, state: 'waiting-for-scan' },
      { state: 'open' },
    ],
    expect: ['first-link: WhatsApp: scan the QR code to link WhatsApp', 'rescan: WhatsApp: Not linked yet', 'recovered: WhatsApp: linked — session age starts now'],
  },
  {
    name: 'a phone that lost its link before this start is asked to scan again, though its pairing is forgotten',
    steps: [{ ...lostLink, state: 'waiting-for-scan' }, { state: 'open' }],
    expect: ['rescan: WhatsApp: scan the QR code again', 'recovered: WhatsApp: linked again — session age starts now'],
  },
  {
    name: 'a ban that ends is connected again, not linked',
    steps: [{ state: 'open' }, { state: 'temp-banned' }, { state: 'open' }],
    expect: ['temp-banned: WhatsApp: Temporarily banned', 'recovered: WhatsApp: connected again'],
  },
];

for (const c of LINK_WORDS) {
  test(c.name, () => {
    assert.deepEqual(titles(run(c.steps)), c.expect);
  });
}

test('the first-link notification says where on the phone to scan, and a click shows the QR', () => {
  const [n] = run([{ ...neverLinked, state: 'waiting-for-scan' }]);
  assert.match(n?.body ?? '', /Linked devices → Link a device/);
  assert.equal(n?.focusPhone, true);
});

test('outgoing messages stopped on a phone notify once, and again only after a resume and a new stop', () => {
  const stop = { at: NOW, reason: 'WhatsApp refused 2 message(s) in 24 hours' };
  const ns = run([
    { state: 'open', outboundStop: null },
    { state: 'open', outboundStop: stop },
    { state: 'reconnecting', outboundStop: stop },
    { state: 'open', outboundStop: stop },
    { state: 'open', outboundStop: null },
    { state: 'open', outboundStop: { ...stop, at: NOW + 1 } },
  ]);
  assert.deepEqual(kinds(ns), ['outbound-stopped', 'outbound-stopped']);
  assert.match(ns[0]?.body ?? '', /refused 2 message.*until you resume/);
  assert.equal(ns[0]?.focusPhone, true);
});
