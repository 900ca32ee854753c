// Time is injected everywhere so tests can simulate days in milliseconds.

export type TimerHandle = { readonly id: number };

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | null | undefined): void;
}

let nextId = 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    const handle = { id: nextId++, t };
    return handle;
  },
  clearTimeout(handle) {
    if (!handle) return;
    const t = (handle as { t?: ReturnType<typeof setTimeout> }).t;
    if (t !== undefined) clearTimeout(t);
  },
};

/**
 * A clock for tests: time moves only when `advance`/`set` is called; due timers fire in order.
 */
export class ManualClock implements Clock {
  private current: number;
  private timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = nextId++;
    this.timers.set(id, { at: this.current + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | null | undefined): void {
    if (handle) this.timers.delete(handle.id);
  }

  /** Number of timers still pending. */
  pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing each due timer at its own time, in order. */
  advance(ms: number): void {
    this.runUntil(this.current + ms);
  }

  /** Jumps the wall clock (like sleep/wake or an NTP correction) without firing anything first. */
  jump(ms: number): void {
    this.current += ms;
  }

  private runUntil(target: number): void {
    for (;;) {
      let nextId: number | null = null;
      let nextAt = Infinity;
      for (const [id, t] of this.timers) {
        if (t.at <= target && t.at < nextAt) {
          nextAt = t.at;
          nextId = id;
        }
      }
      if (nextId === null) break;
      const timer = this.timers.get(nextId);
      this.timers.delete(nextId);
      this.current = Math.max(this.current, nextAt);
      timer?.fn();
    }
    this.current = Math.max(this.current, target);
  }
}
