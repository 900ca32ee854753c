// The tray's "Uptime 30 d" figures: the keeper computes uptime asynchronously, the tray renders
// synchronously on every status, so the last figures are held here and refreshed at most once a
// minute, then the tray is rendered again when they changed.
import type { Keeper } from '../engine/keeper.js';

const REFRESH_MS = 60_000;

export class TrayUptime {
  readonly figures = new Map<string, number | null>();
  private askedAt = 0;
  private running: Promise<void> | null = null;

  constructor(private readonly onChange: () => void) {}

  /** Asks the keeper again when the figures are over a minute old. */
  refresh(keeper: Pick<Keeper, 'phoneIds' | 'uptime'> | null, now: number): void {
    if (!keeper || this.running || now - this.askedAt < REFRESH_MS) return;
    this.askedAt = now;
    this.running = Promise.all(keeper.phoneIds().map(async (id) => [id, (await keeper.uptime(id)).percent.d30] as const))
      .then((pairs) => {
        const before = JSON.stringify([...this.figures]);
        this.figures.clear();
        for (const [id, share] of pairs) this.figures.set(id, share);
        if (JSON.stringify([...this.figures]) !== before) this.onChange();
      })
      // a history that cannot be read leaves the last figures (the keeper logs write failures)
      .catch(() => undefined)
      .finally(() => {
        this.running = null;
      });
  }
}
