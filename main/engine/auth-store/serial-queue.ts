// One writer at a time: creds saves, key batches and backup snapshots run strictly in turn,
// so no two of them ever interleave their file operations.
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** Runs fn after everything queued before it has settled (a failure does not block the queue). */
  run<T>(fn: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const result = this.tail.then(fn, fn);
    this.tail = result.then(
      () => { this.pending -= 1; },
      () => { this.pending -= 1; },
    );
    return result;
  }

  /** Resolves once everything queued so far has settled. */
  async drain(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }
}
