// "Time passes" for a journey: the test process's Date (Date.now and `new Date()`) and every
// page's are shifted by one offset, while real timers keep running — so the app's timers, sockets
// and the simulated phone behave as usual, and everything that reads the time sees the future.
type ShiftListener = (offsetMs: number) => Promise<void>;

const RealDate = Date;
let offset = 0;
const listeners: ShiftListener[] = [];

class ShiftedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...(args as [number, number])); // every argument reaches Date as given
  }
  static override now(): number {
    return RealDate.now() + offset;
  }
}

export function onClockShift(listener: ShiftListener): void {
  listeners.push(listener);
}

/** Moves the clock of the test process and of every page forward by `ms`. */
export async function advanceClock(ms: number): Promise<void> {
  if (globalThis.Date !== ShiftedDate) globalThis.Date = ShiftedDate as DateConstructor;
  offset += ms;
  for (const l of listeners) await l(offset);
}

/** The page-side twin, installed in every page before its scripts run. */
export function clockInitScript(): string {
  return String.raw`(() => {
  if (globalThis.__skClockPatched) return;
  Object.defineProperty(globalThis, '__skClockPatched', { value: true });
  if (typeof globalThis.__skClockOffset !== 'number') globalThis.__skClockOffset = 0;
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args) { if (args.length === 0) super(RealDate.now() + globalThis.__skClockOffset); else super(...args); }
    static now() { return RealDate.now() + globalThis.__skClockOffset; }
  }
  globalThis.Date = ShiftedDate;
})();`;
}
