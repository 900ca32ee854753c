// The script the test server serves as /test-bridge.js, before app.js: it stands in for the
// Electron preload by defining `window.keeper` (the same KeeperApi) and forwarding every call over
// a WebSocket to a real keeper in the test process. Kept as source text because the test build
// has no DOM types; it is plain ES2022 the page runs as is.
export const BROWSER_BRIDGE_JS = String.raw`(() => {
  'use strict';
  const ws = new WebSocket('ws://' + location.host + '/bridge');
  const opened = new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error('The test bridge is not reachable.')), { once: true });
  });
  let nextId = 1;
  const pending = new Map();
  const listeners = { status: new Set(), log: new Set(), settings: new Set(), focusPhone: new Set() };
  const UNDEFINED = { $undefined: true };
  ws.addEventListener('message', (ev) => {
    const m = JSON.parse(ev.data);
    if (typeof m.id === 'number') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (!p) return;
      if (m.ok) p.resolve(m.value === null || typeof m.value !== 'object' || !m.value.$undefined ? m.value : undefined);
      else p.reject(m.error); // plain { code, message }, as the preload rejects
      return;
    }
    if (m.push === 'status' && m.payload && m.payload.qr) {
      // the engine's qr event time, for the benchmark (engine event -> QR painted)
      performance.mark('bridge-qr', { detail: { sentAt: m.sentAt, receivedAt: Date.now(), phoneId: m.payload.phoneId } });
    }
    for (const fn of listeners[m.push] || []) fn(m.payload);
  });
  const call = (method, ...args) =>
    opened.then(() => new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, args: args.map((a) => (a === undefined ? UNDEFINED : a)) }));
    }));
  const on = (kind) => (fn) => {
    listeners[kind].add(fn);
    return () => listeners[kind].delete(fn);
  };
  const METHODS = ['getStatuses', 'getLog', 'reconnect', 'requestQr', 'requestPairingCode', 'logout', 'backupNow', 'listBackups', 'restore',
    'keepAliveNow', 'pauseKeepAlive', 'resumeKeepAlive', 'resumeSending', 'importSession', 'getSettings', 'setSettings', 'updateSettings', 'setSecret',
    'getEnvironment', 'exportLog', 'exportRecoveryKey', 'checkBackupTarget', 'getApiState', 'newApiSecret', 'getUptime'];
  const api = { onStatus: on('status'), onLog: on('log'), onSettings: on('settings'), onFocusPhone: on('focusPhone') };
  for (const m of METHODS) api[m] = (...args) => call(m, ...args);
  Object.defineProperty(window, 'keeper', { value: Object.freeze(api), enumerable: true });
})();
`;
