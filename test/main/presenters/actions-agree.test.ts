// The tray and the window offer the same actions for every phone: both read the presenter's one
// table, and this walks every state × linked/unlinked (× keep-alive paused) through both models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE_STATES, type PhoneStatus } from '../../../main/engine/types.js';
import { presentTray, type TrayMenuItem } from '../../../main/tray/tray-presenter.js';
import { phoneCardModel } from '../../../renderer/view-model/phone-card.js';
import { NOW, phoneStatus } from '../status-fixture.js';

/** The tray's action items, by label, for one phone (direct items) or several (submenu lines). */
function trayEnabled(statuses: PhoneStatus[], phoneId: string): Record<'reconnect' | 'backupNow' | 'keepAliveNow' | 'keepAliveToggle', boolean> {
  const menu = presentTray(statuses, { now: NOW, startAtLogin: false }).menu;
  const item = (label: string): boolean => {
    const top = menu.find((i): i is Exclude<TrayMenuItem, { type: 'separator' }> => i.type !== 'separator' && i.label === label);
    assert.ok(top, `tray has "${label}"`);
    if (top.type !== 'submenu') return top.enabled;
    const label_ = statuses.find((s) => s.phoneId === phoneId)?.label;
    const line = top.submenu.find((i) => i.type !== 'separator' && i.label === label_);
    assert.ok(line && line.type !== 'separator', `submenu "${label}" has ${phoneId}`);
    return line.enabled;
  };
  return { reconnect: item('Reconnect'), backupNow: item('Back up now'), keepAliveNow: item('Keep-alive now'), keepAliveToggle: item('Pause keep-alive') };
}

function cases(): Array<{ name: string; s: PhoneStatus }> {
  const out: Array<{ name: string; s: PhoneStatus }> = [];
  for (const state of PHONE_STATES) {
    for (const linked of [true, false]) {
      for (const keepAlivePaused of [false, true]) {
        const s = phoneStatus({
          state,
          keepAlivePaused,
          ...(linked ? {} : { pairedAt: null, me: null }),
          ...(state === 'logged-out' ? { pairedAt: null, me: null, unlinked: { cause: 'server-logout', at: NOW - 60_000, device: null } } : {}),
        });
        out.push({ name: `${state}/${linked ? 'linked' : 'unlinked'}/${keepAlivePaused ? 'paused' : 'running'}`, s });
      }
    }
  }
  return out;
}

test('for every state × linked/unlinked the tray and the card enable the same actions', () => {
  for (const { name, s } of cases()) {
    const card = phoneCardModel(s, NOW).actions;
    const tray = trayEnabled([s], s.phoneId);
    assert.equal(tray.reconnect, card.reconnect.enabled, `${name}: Reconnect`);
    assert.equal(tray.backupNow, card.backupNow.enabled, `${name}: Back up now`);
    assert.equal(tray.keepAliveNow, card.keepAliveNow.enabled, `${name}: Keep-alive now`);
    assert.equal(tray.keepAliveToggle, (s.keepAlivePaused ? card.resumeKeepAlive : card.pauseKeepAlive).enabled, `${name}: pause/resume`);
  }
});

test('with several phones each submenu line is enabled as that phone\'s card', () => {
  const all = cases().map(({ name, s }, i) => ({ name, s: { ...s, phoneId: `p${i}`, label: `Phone ${i}` } }));
  const statuses = all.map((c) => c.s);
  for (const { name, s } of all) {
    const card = phoneCardModel(s, NOW).actions;
    const tray = trayEnabled(statuses, s.phoneId);
    assert.deepEqual(
      [tray.reconnect, tray.backupNow, tray.keepAliveNow],
      [card.reconnect.enabled, card.backupNow.enabled, card.keepAliveNow.enabled],
      name,
    );
  }
});

test('the seams that used to disagree: Reconnect and Back up now for a phone that needs a new link', () => {
  const loggedOut = phoneStatus({ state: 'logged-out', pairedAt: null, me: '15551234567:3@s.whatsapp.net', unlinked: { cause: 'user-logout', at: NOW - 60_000, device: null } });
  const tray = trayEnabled([loggedOut], 'default');
  const card = phoneCardModel(loggedOut, NOW);
  assert.equal(tray.reconnect, false, 'the tray used to offer Reconnect here');
  assert.equal(card.actions.reconnect.enabled, false);
  assert.equal(tray.backupNow, false, 'a leftover `me` does not make a logged-out phone backable');
  assert.equal(card.actions.backupNow.enabled, false, 'the card used to check pairedAt || me');
  assert.equal(card.pairing?.canRequestNew, true);
  assert.equal(card.stateTitle, 'Needs a new link');
  assert.match(card.reason ?? '', /^You logged out on \d{4}-\d\d-\d\d; WhatsApp removed this device\.$/);
});
