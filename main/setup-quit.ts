// Quitting stops every session cleanly (creds flushed) before the process exits, but never waits
// for ever (issue 12 item 6: an upload or a socket that never answers). The OS shutting down or
// the user logging off goes through the same clean stop (item 5).
import type { App, BrowserWindowConstructorOptions, PowerMonitor } from 'electron';
import { systemClock } from './engine/clock.js';
import { QUIT_DEADLINE_MS, withDeadline } from './quit-deadline.js';

export interface QuitDeps {
  /** first in the stop: timers and watchers that would start new work */
  beforeStop(): void;
  /** the clean stop of the sessions */
  stop(): Promise<void>;
  /** after the stop (or the deadline): how it went, for the log; then the log closes */
  after(outcome: 'stopped' | 'deadline' | 'failed', err?: unknown): Promise<void>;
  /** last: what must go with the process (the tray icon) */
  finally(): void;
}

/**
 * The OS signals that end the user's session, per platform (electron.d.ts, Electron 45):
 * Windows tells each top-level window ('query-session-end', then 'session-end'; before-quit is
 * not emitted), Linux and macOS tell powerMonitor ('shutdown'). Windows may kill the process soon
 * after 'session-end' returns, so the stop starts at the earlier 'query-session-end' (not
 * prevented: the logoff is the person's choice, and the session files are written as they change).
 * A hidden launch has no window, so on Windows a hidden one is kept just to hear these.
 */
export function sessionEndSignals(platform: NodeJS.Platform): { windowEvents: readonly ('query-session-end' | 'session-end')[]; powerMonitorShutdown: boolean } {
  if (platform === 'win32') return { windowEvents: ['query-session-end', 'session-end'], powerMonitorShutdown: false };
  return { windowEvents: [], powerMonitorShutdown: platform === 'linux' || platform === 'darwin' };
}

/** The never-shown window that receives Windows' session-end messages: loads nothing, runs nothing. */
export const SESSION_END_RECEIVER_OPTIONS: BrowserWindowConstructorOptions = {
  show: false,
  width: 1,
  height: 1,
  skipTaskbar: true,
  focusable: false,
  webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false },
};

// held for the app's life: a window object nothing references could be collected with its listeners
const sessionEndReceivers: unknown[] = [];

type WindowMaker = new (options: BrowserWindowConstructorOptions) => { on(event: 'query-session-end' | 'session-end', listener: () => void): unknown };

export function setupQuit(
  app: Pick<App, 'on' | 'quit'>,
  powerMonitor: Pick<PowerMonitor, 'on'>,
  deps: QuitDeps,
  shell: { BrowserWindow: WindowMaker; platform?: NodeJS.Platform },
): { quitting(): boolean } {
  let quitting = false;
  let stopping = false;
  let stopped = false;
  app.on('before-quit', (event) => {
    quitting = true;
    if (stopped) return;
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    deps.beforeStop();
    void withDeadline(deps.stop(), QUIT_DEADLINE_MS, systemClock)
      .then((r) => deps.after(r.done ? 'stopped' : 'deadline'), (err: unknown) => deps.after('failed', err))
      .catch(() => undefined)
      .finally(() => {
        stopped = true;
        deps.finally();
        app.quit();
      });
  });
  const signals = sessionEndSignals(shell.platform ?? process.platform);
  if (signals.powerMonitorShutdown) powerMonitor.on('shutdown', () => app.quit());
  if (signals.windowEvents.length > 0) {
    const receiver = new shell.BrowserWindow(SESSION_END_RECEIVER_OPTIONS);
    for (const event of signals.windowEvents) receiver.on(event, () => app.quit());
    sessionEndReceivers.push(receiver);
  }
  return { quitting: () => quitting };
}
