import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { safeParse, type GenericSchema } from 'valibot';
import { createKeeperApi, type IpcRendererLike } from '../../preload/keeper-api.js';
import { INVOKE, PUSH, type KeeperApi } from '../../main/ipc/contract.js';

/** An ipcRenderer stand-in: records invokes, answers from a table, emits with a fake event first. */
function fakeIpc(answer: (channel: string, payload: unknown) => unknown) {
  const bus = new EventEmitter();
  const sent: { channel: string; args: unknown[] }[] = [];
  const ipc: IpcRendererLike = {
    invoke: (channel, ...args) => {
      sent.push({ channel, args });
      return Promise.resolve(answer(channel, args[0]));
    },
    on: (channel, l) => bus.on(channel, l),
    removeListener: (channel, l) => bus.removeListener(channel, l),
  };
  return { ipc, sent, emit: (channel: string, payload: unknown) => bus.emit(channel, { sender: 'ipcRenderer!' }, payload), count: (c: string) => bus.listenerCount(c) };
}

// Every KeeperApi key, spelled out: a key added to the interface without the API fails to compile here.
const KEYS: Record<keyof KeeperApi, true> = {
  getStatuses: true, onStatus: true, getLog: true, onLog: true, reconnect: true, requestQr: true, requestPairingCode: true, logout: true,
  backupNow: true, listBackups: true, checkBackupTarget: true, restore: true, keepAliveNow: true, pauseKeepAlive: true, resumeKeepAlive: true, resumeSending: true,
  importSession: true, getSettings: true, setSettings: true, updateSettings: true, onSettings: true, setSecret: true, getEnvironment: true,
  exportLog: true, exportRecoveryKey: true, onFocusPhone: true, getApiState: true, newApiSecret: true, getUptime: true, onUpdate: true,
};

test('the exposed object has exactly the KeeperApi keys, all functions, and no ipcRenderer', () => {
  const api = createKeeperApi(fakeIpc(() => ({ ok: true, value: null })).ipc);
  assert.deepEqual(Object.keys(api).sort(), Object.keys(KEYS).sort());
  for (const v of Object.values(api)) assert.equal(typeof v, 'function');
  assert.ok(Object.isFrozen(api));
});

test('invokes send the contract channel and payload and resolve with the unwrapped value', async () => {
  const f = fakeIpc((channel) => ({ ok: true, value: channel === INVOKE.getStatuses.channel ? [{ phoneId: 'a' }] : null }));
  const api = createKeeperApi(f.ipc);
  assert.deepEqual(await api.getStatuses(), [{ phoneId: 'a' }]);
  await api.keepAliveNow('a', { force: true });
  await api.restore('a');
  await api.exportLog();
  await api.checkBackupTarget();
  await api.requestPairingCode('a', '+44 7700 900123');
  assert.deepEqual(f.sent, [
    { channel: INVOKE.getStatuses.channel, args: [] },
    { channel: INVOKE.keepAliveNow.channel, args: [{ phoneId: 'a', force: true }] },
    { channel: INVOKE.restore.channel, args: [{ phoneId: 'a' }] },
    { channel: INVOKE.exportLog.channel, args: [] },
    { channel: INVOKE.checkBackupTarget.channel, args: [] },
    { channel: INVOKE.requestPairingCode.channel, args: [{ phoneId: 'a', phoneNumber: '+44 7700 900123' }] },
  ]);
  // each payload sent passes the contract's schema
  for (const s of f.sent) {
    const def = Object.values(INVOKE).find((d) => d.channel === s.channel);
    assert.ok(def && safeParse(def.payload as GenericSchema, s.args[0]).success, s.channel);
  }
});

test('a failed invoke rejects with its code and message as plain data, which survives a structured copy', async () => {
  const failure = { code: 'refused-by-gate', message: 'Inside the sleep window 01:00–06:00; pass force to send anyway.' } as const;
  const api = createKeeperApi(fakeIpc(() => ({ ok: false, error: failure })).ipc);
  await assert.rejects(api.keepAliveNow('x'), (err: unknown) => {
    // what the contextBridge does to a rejection value: copy it
    assert.deepEqual(structuredClone(err), failure);
    return true;
  });
});

test('subscriptions pass only the payload and unsubscribe', () => {
  const f = fakeIpc(() => ({ ok: true, value: null }));
  const api = createKeeperApi(f.ipc);
  const got: unknown[] = [];
  const off = api.onFocusPhone((id) => got.push(id));
  f.emit(PUSH.focusPhone, 'work');
  assert.deepEqual(got, ['work']);
  off();
  assert.equal(f.count(PUSH.focusPhone), 0);
  f.emit(PUSH.focusPhone, 'home');
  assert.deepEqual(got, ['work']);
});
