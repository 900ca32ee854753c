import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrayService, type TrayPort } from '../../../main/tray/tray-service.js';
import { presentTray, type TrayAction, type TrayMenuItem } from '../../../main/tray/tray-presenter.js';
import { NOW, phoneStatus } from '../status-fixture.js';

function recordingFactory() {
  const calls: string[] = [];
  let made = 0;
  let clickWith: ((a: TrayAction) => void) | null = null;
  const factory = (onAction: (a: TrayAction) => void): TrayPort => {
    made++;
    clickWith = onAction;
    return {
      setIcon: (h) => calls.push(`icon:${h}`),
      setToolTip: (t) => calls.push(`tooltip:${t}`),
      setMenu: (items: TrayMenuItem[]) => calls.push(`menu:${items.length}`),
      destroy: () => calls.push('destroy'),
    };
  };
  return { factory, calls, made: () => made, click: (a: TrayAction) => clickWith?.(a) };
}

test('the first render creates the tray once and sets icon, tooltip and menu', () => {
  const f = recordingFactory();
  const svc = new TrayService(f.factory, () => undefined);
  svc.render(presentTray([phoneStatus()], { now: NOW, startAtLogin: false }));
  assert.equal(f.made(), 1);
  assert.deepEqual(f.calls.map((c) => c.split(':')[0]), ['icon', 'tooltip', 'menu']);
});

test('rendering the same model again makes no tray call at all', () => {
  const f = recordingFactory();
  const svc = new TrayService(f.factory, () => undefined);
  const model = () => presentTray([phoneStatus()], { now: NOW, startAtLogin: false });
  svc.render(model());
  const before = f.calls.length;
  svc.render(model());
  svc.render(model());
  assert.equal(f.calls.length, before);
  assert.equal(f.made(), 1);
});

test('only the parts that changed are pushed', () => {
  const f = recordingFactory();
  const svc = new TrayService(f.factory, () => undefined);
  svc.render(presentTray([phoneStatus()], { now: NOW, startAtLogin: false }));
  f.calls.length = 0;
  svc.render(presentTray([phoneStatus()], { now: NOW, startAtLogin: true }));
  assert.deepEqual(f.calls, ['menu:14']);
  f.calls.length = 0;
  svc.render(presentTray([phoneStatus({ state: 'reconnecting' })], { now: NOW, startAtLogin: true }));
  assert.deepEqual(f.calls.map((c) => c.split(':')[0]), ['icon', 'tooltip', 'menu']);
  assert.equal(f.calls[0], 'icon:attention');
});

test('menu clicks reach the action handler; destroy lets a later render make a new tray', () => {
  const f = recordingFactory();
  const got: TrayAction[] = [];
  const svc = new TrayService(f.factory, (a) => got.push(a));
  svc.render(presentTray([phoneStatus()], { now: NOW, startAtLogin: false }));
  f.click({ kind: 'quit' });
  assert.deepEqual(got, [{ kind: 'quit' }]);
  svc.destroy();
  assert.equal(f.calls.at(-1), 'destroy');
  svc.render(presentTray([phoneStatus()], { now: NOW, startAtLogin: false }));
  assert.equal(f.made(), 2);
});
