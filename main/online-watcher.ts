// Electron's main process has no 'online' event, so we poll net.isOnline() (cheap: it asks the
// OS, no traffic) and report each offline → online edge; main then calls keeper.wake(). The
// first reading only sets the baseline: starting online is not "coming back".
import type { Clock, TimerHandle } from './engine/clock.js';

export function createOnlineWatcher(opts: { isOnline: () => boolean; clock: Clock; intervalMs?: number; onOnline: () => void }): { stop(): void } {
  const interval = opts.intervalMs ?? 15_000;
  let last = opts.isOnline();
  let timer: TimerHandle | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const now = opts.isOnline();
    if (now && !last) opts.onOnline();
    last = now;
    timer = opts.clock.setTimeout(tick, interval);
  };
  timer = opts.clock.setTimeout(tick, interval);
  return {
    stop() {
      stopped = true;
      opts.clock.clearTimeout(timer);
    },
  };
}
