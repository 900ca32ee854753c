// Quit must not hang on an in-flight upload or a stuck socket (issue 12 item 6): the clean stop
// races a deadline, and the app quits either way.
import type { Clock } from './engine/clock.js';

export const QUIT_DEADLINE_MS = 10_000;

export type DeadlineResult<T> = { done: true; value: T } | { done: false };

/** Settles with the work's value, or with done:false once `ms` have passed on `clock`; a failure of the work still rejects. */
export function withDeadline<T>(work: Promise<T>, ms: number, clock: Clock): Promise<DeadlineResult<T>> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimeout(() => resolve({ done: false }), ms);
    work.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve({ done: true, value });
      },
      (err: unknown) => {
        clock.clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
