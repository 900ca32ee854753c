// The one holder of a phone's meta (pairing, last seen, why it needs a new link, removed
// devices): every change goes through here, so memory and meta.json never disagree for long.
// Memory is the truth while running; a write the disk refuses is shown and retried (storage
// faults) and never fails the caller, so bookkeeping cannot stall the connection.
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../clock.js';
import { EMPTY_META, readPhoneMeta, writePhoneMeta, type PhoneMeta } from '../phone-meta.js';
import type { StorageFaults } from './storage-faults.js';

export class PhoneMetaStore {
  private current: PhoneMeta = { ...EMPTY_META, removedDevices: [] };
  /** writes run one after another, each with the newest value, so an older one never lands last */
  private chain: Promise<void> = Promise.resolve();
  /** a bookkeeping write put off (updateLater); any save or flush writes it sooner */
  private later: { clock: Clock; timer: TimerHandle } | null = null;

  constructor(
    private readonly dir: string,
    private readonly faults: StorageFaults,
  ) {}

  get value(): Readonly<PhoneMeta> {
    return this.current;
  }

  /** Reads meta.json; returns where a damaged file was set aside, or null. */
  async load(): Promise<string | null> {
    const { meta, setAside } = await readPhoneMeta(this.dir);
    this.current = meta;
    return setAside;
  }

  /** Changes memory only; `save` writes it. */
  set(patch: Partial<PhoneMeta>): void {
    this.current = { ...this.current, ...patch };
  }

  /** Writes the newest meta; resolves once tried, never rejects (a failure is a storage fault). */
  save(): Promise<void> {
    this.cancelLater();
    const run = this.chain.then(async () => {
      try {
        await this.write();
        this.faults.succeeded('meta');
      } catch (err) {
        this.faults.failed('meta', join(this.dir, 'meta.json'), err, () => this.retry());
      }
    });
    this.chain = run;
    return run;
  }

  /** Resolves once every write started so far has been tried. */
  flush(): Promise<void> {
    if (this.later) void this.save();
    return this.chain.catch(() => {});
  }

  /**
   * Changes memory now and writes it within `delayMs`: for bookkeeping a crash may lose (a
   * re-open's time), so it does not compete with the opens' creds saves for the disk.
   */
  updateLater(patch: Partial<PhoneMeta>, delayMs: number, clock: Clock): void {
    this.set(patch);
    if (this.later) return;
    this.later = { clock, timer: clock.setTimeout(() => void this.save(), delayMs) };
  }

  private cancelLater(): void {
    if (!this.later) return;
    this.later.clock.clearTimeout(this.later.timer);
    this.later = null;
  }

  async update(patch: Partial<PhoneMeta>): Promise<void> {
    this.set(patch);
    await this.save();
  }

  private write(): Promise<void> {
    return writePhoneMeta(this.dir, this.current);
  }

  /** A retry takes its turn among the other writes and rejects so the faults count it. */
  private retry(): Promise<void> {
    const run = this.chain.then(() => this.write());
    this.chain = run.catch(() => {});
    return run;
  }
}
