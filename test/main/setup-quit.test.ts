// Logoff and shutdown go through the same clean stop as Quit (issue 12 item 5), driven through
// the electron stand-in's app and powerMonitor: Windows tells a (hidden) window, Linux and macOS
// tell powerMonitor. The sessions' own clean stop is the journey in test/journeys/shutdown.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { App, PowerMonitor } from 'electron';
import { standIn } from '../support/electron-stand-in/electron.js';
import { SESSION_END_RECEIVER_OPTIONS, sessionEndSignals, setupQuit, type QuitDeps } from '../../main/setup-quit.js';

/** A BrowserWindow as setupQuit sees it: made with options, listened to. */
class RecordedWindow extends EventEmitter {
  static made: RecordedWindow[] = [];
  constructor(readonly options: unknown) {
    super();
    RecordedWindow.made.push(this);
  }
}

function recordingDeps(): { deps: QuitDeps; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    deps: {
      beforeStop: () => calls.push('beforeStop'),
      stop: async () => {
        calls.push('stop');
        await new Promise((r) => setTimeout(r, 20));
      },
      after: async (outcome) => {
        calls.push(`after ${outcome}`);
      },
      finally: () => calls.push('finally'),
    },
  };
}

// the stand-in's app emits and quits as Electron's does; its type is not all of App
const app = () => standIn.app as unknown as Pick<App, 'on' | 'quit'>;
const powerMonitor = () => standIn.powerMonitor as unknown as Pick<PowerMonitor, 'on'>;

function freshApp(): void {
  standIn.resetForRelaunch();
  RecordedWindow.made = [];
}

test('each platform listens where its OS says the session ends', () => {
  assert.deepEqual(sessionEndSignals('win32'), { windowEvents: ['query-session-end', 'session-end'], powerMonitorShutdown: false });
  assert.deepEqual(sessionEndSignals('linux'), { windowEvents: [], powerMonitorShutdown: true });
  assert.deepEqual(sessionEndSignals('darwin'), { windowEvents: [], powerMonitorShutdown: true });
});

test('Windows logoff: the hidden receiver window\'s query-session-end runs the clean stop once, and the app exits 0', async () => {
  freshApp();
  const { deps, calls } = recordingDeps();
  setupQuit(app(), powerMonitor(), deps, { BrowserWindow: RecordedWindow, platform: 'win32' });
  assert.equal(RecordedWindow.made.length, 1, 'a window exists even on a hidden launch');
  const receiver = RecordedWindow.made[0] as RecordedWindow;
  assert.deepEqual(receiver.options, SESSION_END_RECEIVER_OPTIONS);
  assert.equal(SESSION_END_RECEIVER_OPTIONS.show, false);
  assert.equal(SESSION_END_RECEIVER_OPTIONS.webPreferences?.javascript, false, 'it runs nothing');
  assert.equal(standIn.powerMonitor.listenerCount('shutdown'), 0, "powerMonitor 'shutdown' is not a Windows event");

  receiver.emit('query-session-end', { reasons: ['logoff'] });
  // Windows follows with session-end while the stop runs: no second stop
  receiver.emit('session-end', { reasons: ['logoff'] });
  assert.equal(await standIn.app.exited(), 0);
  assert.deepEqual(calls, ['beforeStop', 'stop', 'after stopped', 'finally']);
});

test('Windows forced shutdown without a query first: session-end alone runs the clean stop', async () => {
  freshApp();
  const { deps, calls } = recordingDeps();
  setupQuit(app(), powerMonitor(), deps, { BrowserWindow: RecordedWindow, platform: 'win32' });
  RecordedWindow.made[0]?.emit('session-end', { reasons: ['critical'] });
  assert.equal(await standIn.app.exited(), 0);
  assert.deepEqual(calls, ['beforeStop', 'stop', 'after stopped', 'finally']);
});

test("Linux/macOS shutdown: powerMonitor 'shutdown' runs the clean stop; no window is made for it", async () => {
  for (const platform of ['linux', 'darwin'] as const) {
    freshApp();
    const { deps, calls } = recordingDeps();
    setupQuit(app(), powerMonitor(), deps, { BrowserWindow: RecordedWindow, platform });
    assert.equal(RecordedWindow.made.length, 0);
    standIn.powerMonitor.emit('shutdown');
    assert.equal(await standIn.app.exited(), 0, platform);
    assert.deepEqual(calls, ['beforeStop', 'stop', 'after stopped', 'finally'], platform);
  }
});
