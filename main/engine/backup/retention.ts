// Keep the newest N generations. Pruning runs only after a successful put, so a failing
// target never loses its last good copies.
import { newGenerationName, type BackupEntry, type BackupTarget } from './targets.js';

export const DEFAULT_KEEP = 14;

/** Names to delete: everything past the newest `keep` (at least one is always kept). */
export function selectForPruning(entries: readonly BackupEntry[], keep: number = DEFAULT_KEEP): string[] {
  const k = Math.max(1, Math.floor(keep));
  return [...entries]
    .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0))
    .slice(k)
    .map((e) => e.name);
}

export interface PutResult {
  name: string;
  pruned: string[];
  /** past the newest `keep`, but kept: the current key cannot open them (pruning would lose them for good) */
  kept: string[];
  /** pruning failed after the put succeeded; the new backup is safe, old ones linger */
  pruneError: Error | null;
}

/**
 * Stores a generation, then prunes past the newest `keep`. `mayPrune` is asked before each
 * removal: a generation the current key cannot open (made before a key or passphrase change)
 * is kept, since nothing newer replaces it for whoever holds the old key.
 */
export async function putGeneration(
  target: BackupTarget,
  phoneId: string,
  bytes: Uint8Array,
  now: number,
  keep: number = DEFAULT_KEEP,
  mayPrune: (name: string) => Promise<boolean> = () => Promise.resolve(true),
): Promise<PutResult> {
  const name = newGenerationName(now);
  await target.put(phoneId, name, bytes);
  const pruned: string[] = [];
  const kept: string[] = [];
  try {
    for (const old of selectForPruning(await target.list(phoneId), keep)) {
      if (old === name) continue; // a clock set back must never prune what we just wrote
      if (!(await mayPrune(old))) {
        kept.push(old);
        continue;
      }
      await target.remove(phoneId, old);
      pruned.push(old);
    }
  } catch (err) {
    return { name, pruned, kept, pruneError: err instanceof Error ? err : new Error(String(err)) };
  }
  return { name, pruned, kept, pruneError: null };
}
