import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE_STATES, type PhoneStatus } from '../../../main/engine/types.js';
import { phoneHealth, type Health } from '../../../main/presenters/phone-health.js';
import { presentTray, TOOLTIP_MAX, type TrayMenuItem } from '../../../main/tray/tray-presenter.js';
import { DAY, HOUR, NOW, phoneStatus } from '../status-fixture.js';

const ctx = { now: NOW, startAtLogin: false };
const labels = (items: TrayMenuItem[]) => items.map((i) => (i.type === 'separator' ? '—' : i.label));
const find = (items: TrayMenuItem[], label: string) => {
  const item = items.find((i) => i.type !== 'separator' && i.label === label);
  assert.ok(item, `menu has "${label}"`);
  return item;
};

test('two healthy phones show the ok icon and the summary as tooltip and first menu line', () => {
  const m = presentTray([phoneStatus(), phoneStatus({ phoneId: 'work', label: 'Work', pairedAt: NOW - 3 * DAY })], ctx);
  assert.equal(m.icon, 'ok');
  assert.equal(m.tooltip, 'Session Keeper — 2 phones · all healthy · oldest session 12d 4h');
  const first = m.menu[0];
  assert.deepEqual(first, { type: 'label', label: '2 phones · all healthy · oldest session 12d 4h', enabled: false });
});

test('each phone gets one line with state, session age, next keep-alive and last backup', () => {
  const m = presentTray([phoneStatus()], ctx);
  assert.ok(labels(m.menu).includes('WhatsApp: Connected · session 12d 4h · next keep-alive in 3 h 20 min · last backup 2 h ago'));
});

test('paused keep-alive, failing backups and an unused phone are said on the phone line', () => {
  const m = presentTray([phoneStatus({ keepAlivePaused: true, nextKeepAliveAt: null, backupFailing: true, phoneInactive: true })], ctx);
  assert.ok(labels(m.menu).includes('WhatsApp: Connected · session 12d 4h · keep-alive paused · last backup 2 h ago · phone unused 12+ days · backups failing'));
  assert.equal(m.icon, 'attention');
});

test('every single state maps to the health icon the shared presenter gives it', () => {
  for (const state of PHONE_STATES) {
    const s = phoneStatus({ state });
    const m = presentTray([s], ctx);
    assert.equal(m.icon, phoneHealth(s), state);
    assert.match(m.tooltip, /^Session Keeper — 1 phone · /);
  }
});

test('every pair of states shows the worst health and counts each non-healthy phone', () => {
  const order: Health[] = ['ok', 'paused', 'attention', 'broken'];
  for (const a of PHONE_STATES) {
    for (const b of PHONE_STATES) {
      const sa = phoneStatus({ state: a });
      const sb = phoneStatus({ phoneId: 'work', label: 'Work', state: b });
      const m = presentTray([sa, sb], ctx);
      const worst = order[Math.max(order.indexOf(phoneHealth(sa)), order.indexOf(phoneHealth(sb)))];
      assert.equal(m.icon, worst, `${a}+${b}`);
      if (worst === 'ok') assert.match(m.tooltip, /all healthy/);
      else assert.doesNotMatch(m.tooltip, /all healthy/);
      const broken = [sa, sb].filter((s) => phoneHealth(s) === 'broken').length;
      if (broken === 1) assert.match(m.tooltip, /1 needs you/, `${a}+${b}`);
      if (broken === 2) assert.match(m.tooltip, /2 need you/, `${a}+${b}`);
      assert.ok(m.tooltip.length <= TOOLTIP_MAX);
    }
  }
});

test('mixed problems are listed worst first', () => {
  const m = presentTray(
    [phoneStatus({ state: 'reconnecting' }), phoneStatus({ phoneId: 'b', state: 'banned' }), phoneStatus({ phoneId: 'c', state: 'paused' })],
    ctx,
  );
  assert.equal(m.icon, 'broken');
  assert.equal(m.tooltip, 'Session Keeper — 3 phones · 1 needs you · 1 needs attention · 1 paused · oldest session 12d 4h');
});

test('a phone never linked says so instead of a session age', () => {
  const m = presentTray([phoneStatus({ state: 'waiting-for-scan', pairedAt: null, me: null })], ctx);
  assert.equal(m.tooltip, 'Session Keeper — 1 phone · 1 needs you · no linked session');
  const backup = find(m.menu, 'Back up now');
  assert.equal(backup.type === 'label' && backup.enabled, false);
});

test('one phone gets direct actions; keep-alive now is greyed out unless connected', () => {
  const open = presentTray([phoneStatus()], ctx);
  assert.deepEqual(find(open.menu, 'Reconnect'), { type: 'label', label: 'Reconnect', enabled: true, action: { kind: 'reconnect', phoneId: 'default' } });
  assert.deepEqual(find(open.menu, 'Keep-alive now'), { type: 'label', label: 'Keep-alive now', enabled: true, action: { kind: 'keep-alive-now', phoneId: 'default' } });
  assert.deepEqual(find(open.menu, 'Pause keep-alive'), { type: 'checkbox', label: 'Pause keep-alive', checked: false, enabled: true, action: { kind: 'pause-keep-alive', phoneId: 'default' } });
  const down = presentTray([phoneStatus({ state: 'reconnecting' })], ctx);
  const ka = find(down.menu, 'Keep-alive now');
  assert.equal(ka.type === 'label' && ka.enabled, false);
});

test('a paused phone offers resume through the checked pause item', () => {
  const m = presentTray([phoneStatus({ keepAlivePaused: true })], ctx);
  assert.deepEqual(find(m.menu, 'Pause keep-alive'), { type: 'checkbox', label: 'Pause keep-alive', checked: true, enabled: true, action: { kind: 'resume-keep-alive', phoneId: 'default' } });
});

test('several phones get one submenu per action with a line per phone', () => {
  const m = presentTray([phoneStatus(), phoneStatus({ phoneId: 'work', label: 'Work', keepAlivePaused: true })], ctx);
  for (const label of ['Reconnect', 'Back up now', 'Keep-alive now', 'Pause keep-alive']) {
    const item = find(m.menu, label);
    assert.equal(item.type, 'submenu', label);
    if (item.type === 'submenu') assert.deepEqual(labels(item.submenu), ['WhatsApp', 'Work']);
  }
  const pause = find(m.menu, 'Pause keep-alive');
  assert.ok(pause.type === 'submenu');
  assert.deepEqual(pause.submenu[1], { type: 'checkbox', label: 'Work', checked: true, enabled: true, action: { kind: 'resume-keep-alive', phoneId: 'work' } });
});

test('the menu ends with open window, start at login, logs folder and quit', () => {
  const m = presentTray([phoneStatus()], { now: NOW, startAtLogin: true });
  const l = labels(m.menu);
  assert.deepEqual(find(m.menu, 'Start at login'), { type: 'checkbox', label: 'Start at login', checked: true, enabled: true, action: { kind: 'toggle-start-at-login', enabled: false } });
  assert.deepEqual(l.slice(-4), ['Start at login', 'Open logs folder', '—', 'Quit']);
  assert.ok(l.includes('Open window'));
});

test('no phones: a summary that says so and actions with nothing to act on', () => {
  const m = presentTray([], ctx);
  assert.equal(m.tooltip, 'Session Keeper — no phones configured');
  assert.equal(m.icon, 'ok');
  const r = find(m.menu, 'Reconnect');
  assert.equal(r.type === 'submenu' && r.enabled, false);
});

test('a long list of troubled phones is cut to the Windows tooltip limit', () => {
  const many: PhoneStatus[] = Array.from({ length: 60 }, (_, i) => phoneStatus({ phoneId: `p${i}`, state: (['banned', 'reconnecting', 'paused'] as const)[i % 3] }));
  const m = presentTray(many, ctx);
  assert.ok(m.tooltip.length <= TOOLTIP_MAX);
  assert.equal(presentTray([phoneStatus({ lastBackupAt: NOW - 30 * HOUR })], ctx).menu.some((i) => i.type === 'label' && i.label.includes('last backup 1 d 6 h ago')), true);
});

test('a ready update is said under the summary, inert; no line while there is nothing to say about updates', () => {
  const update = { text: 'Update ready — installs when you quit (version 0.2.0)', tone: 'ready' } as const;
  const m = presentTray([phoneStatus()], { ...ctx, update });
  assert.deepEqual(m.menu[1], { type: 'label', label: update.text, enabled: false });
  assert.equal(m.menu[2]?.type, 'separator');
  assert.ok(!labels(presentTray([phoneStatus()], { ...ctx, update: null }).menu).some((l) => /Update/.test(l)));
});

test('the tooltip says "Uptime 30 d" beside the session age, rounded down, and the lowest of several phones', () => {
  const one = presentTray([phoneStatus()], { ...ctx, uptime30: new Map([['default', 0.99768]]) });
  assert.equal(one.tooltip, 'Session Keeper — 1 phone · all healthy · session 12d 4h · Uptime 30 d: 99.7 %');
  assert.ok(labels(one.menu).includes('WhatsApp: Connected · session 12d 4h · Uptime 30 d: 99.7 % · next keep-alive in 3 h 20 min · last backup 2 h ago'));
  const two = presentTray([phoneStatus(), phoneStatus({ phoneId: 'work', label: 'Work' })], { ...ctx, uptime30: new Map([['default', 1], ['work', 0.75]]) });
  assert.match(two.tooltip, / · Uptime 30 d: 75\.0 %$/);
  assert.ok(two.tooltip.length <= TOOLTIP_MAX);
  // no history yet: nothing is claimed
  const none = presentTray([phoneStatus()], { ...ctx, uptime30: new Map([['default', null]]) });
  assert.equal(none.tooltip, 'Session Keeper — 1 phone · all healthy · session 12d 4h');
});
