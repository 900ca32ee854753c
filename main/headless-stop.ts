// Ctrl-C and SIGTERM for the headless runner. Imported FIRST by headless.ts, so the handlers are
// in place before Baileys and the rest load (~0.3 s): a signal in that time used to kill the
// process with Node's default (exit 130) although nothing had been opened yet.

/** What a stop signal does, given where the runner is. */
export type StopPlan = { kind: 'ignore' } | { kind: 'exit'; code: number } | { kind: 'stop' };

export interface StopState {
  /** a signal is already being handled */
  stopping: boolean;
  /** sessions are open: they must be flushed before exiting */
  hasStopper: boolean;
  /** a one-shot command (import, backup, restore…) is running: interrupting it is not success */
  oneShot: boolean;
}

const SIGNAL_NUMBERS: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 2, SIGTERM: 15 };

export function planStop(signal: 'SIGINT' | 'SIGTERM', s: StopState): StopPlan {
  if (s.stopping) return { kind: 'ignore' };
  if (s.hasStopper) return { kind: 'stop' };
  // the shell's convention for "killed by this signal": 128 + its number
  if (s.oneShot) return { kind: 'exit', code: 128 + SIGNAL_NUMBERS[signal] };
  return { kind: 'exit', code: 0 }; // the runner was still starting: nothing to flush
}

let stopper: (() => Promise<void>) | null = null;
let oneShot = false;
let stopping = false;

/** From now on a signal flushes the sessions through `fn`, then exits 0 (1 if stopping failed). */
export function setStopper(fn: () => Promise<void>): void {
  stopper = fn;
}

/** A one-shot command is running: a signal exits 128 + signal number, as an interrupted command should. */
export function markOneShot(): void {
  oneShot = true;
}

function onSignal(signal: 'SIGINT' | 'SIGTERM'): void {
  const plan = planStop(signal, { stopping, hasStopper: stopper !== null, oneShot });
  if (plan.kind === 'ignore') return;
  stopping = true;
  if (plan.kind === 'exit') process.exit(plan.code);
  process.stdout.write(`\n${signal}: stopping sessions…\n`);
  (stopper ?? (() => Promise.resolve()))()
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
      process.exit(1);
    });
}

process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
