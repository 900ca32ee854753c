// The writes of one phone that the disk refused (meta, creds, keys, its log). The oldest one is
// the status's `storageError`; each is retried with backoff until it lands, so a disk that fills
// up shows at once and, once space returns, clears by itself. Never blocks the connection.
import type { Clock, TimerHandle } from '../clock.js';
import { sameStorageError, storageErrorOf, storageRetryDelayMs } from '../storage-error.js';
import type { LogLevel, StorageError } from '../types.js';

export type StorageWrite = 'meta' | 'creds' | 'keys' | 'log' | 'backup';

interface Fault {
  error: StorageError;
  attempt: number;
  timer: TimerHandle | null;
  /** writes again; absent for writes that retry on their own plan (backups) */
  retry: (() => Promise<void>) | null;
}

export class StorageFaults {
  private readonly faults = new Map<StorageWrite, Fault>();
  private retrying = true;

  constructor(
    private readonly clock: Clock,
    private readonly log: (level: LogLevel, event: string, message: string, data?: Record<string, unknown>) => void,
    private readonly changed: () => void,
  ) {}

  /** The oldest write still failing, or null. */
  current(): StorageError | null {
    let oldest: StorageError | null = null;
    for (const f of this.faults.values()) if (oldest === null || f.error.since < oldest.since) oldest = f.error;
    return oldest;
  }

  /** A write failed: show it (the episode keeps its first time) and try again later. */
  failed(write: StorageWrite, path: string, err: unknown, retry: (() => Promise<void>) | null): void {
    const prior = this.faults.get(write);
    this.clock.clearTimeout(prior?.timer);
    const error = storageErrorOf(path, err, prior?.error.since ?? this.clock.now());
    const fault: Fault = { error, attempt: (prior?.attempt ?? 0) + 1, timer: null, retry };
    this.faults.set(write, fault);
    this.arm(write, fault);
    // one log line and one status change per new problem, not one per retry
    if (prior && sameStorageError(prior.error, error)) return;
    this.log('error', 'storage.write-failed', `Cannot write to ${error.path}: ${error.reason}${error.code ? ` (${error.code})` : ''}. Retrying by itself.`, {
      write,
      path: error.path,
      code: error.code,
    });
    this.changed();
  }

  /** A write of this kind landed: its problem is over. */
  succeeded(write: StorageWrite): void {
    const prior = this.faults.get(write);
    if (!prior) return;
    this.clock.clearTimeout(prior.timer);
    this.faults.delete(write);
    this.log('info', 'storage.recovered', `Writing to ${prior.error.path} works again.`, { write, path: prior.error.path });
    this.changed();
  }

  /** The phone stopped: no timers keep running (the problems stay shown until a write lands). */
  stopRetrying(): void {
    this.retrying = false;
    for (const f of this.faults.values()) {
      this.clock.clearTimeout(f.timer);
      f.timer = null;
    }
  }

  /** The phone runs again: retry what is still failing, from the first step. */
  resumeRetrying(): void {
    this.retrying = true;
    for (const [write, f] of this.faults) {
      f.attempt = 1;
      this.arm(write, f);
    }
  }

  private arm(write: StorageWrite, fault: Fault): void {
    const retry = fault.retry;
    if (!retry || !this.retrying || fault.timer !== null) return;
    fault.timer = this.clock.setTimeout(() => {
      fault.timer = null;
      if (this.faults.get(write) !== fault) return;
      retry().then(
        () => this.succeeded(write),
        (err: unknown) => {
          // a newer failure or a success may have replaced this one meanwhile
          if (this.faults.get(write) === fault) this.failed(write, fault.error.path, err, retry);
        },
      );
    }, storageRetryDelayMs(fault.attempt));
  }
}
