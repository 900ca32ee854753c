// Quitting stops every session cleanly (creds flushed) before the process exits, but never waits
// for ever (issue 12 item 6: an upload or a socket that never answers). The OS shutting down or
// the user logging off goes through the same clean stop (item 5).
import type { App, PowerMonitor } from 'electron';
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

export function setupQuit(app: Pick<App, 'on' | 'quit'>, powerMonitor: Pick<PowerMonitor, 'on'>, deps: QuitDeps): { quitting(): boolean } {
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
  // Linux/macOS: the system is shutting down or rebooting (electron.d.ts: 'shutdown', linux,darwin)
  powerMonitor.on('shutdown', () => app.quit());
  return { quitting: () => quitting };
}
