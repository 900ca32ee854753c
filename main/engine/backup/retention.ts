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
  /** pruning failed after the put succeeded; the new backup is safe, old ones linger */
  pruneError: Error | null;
}

export async function putGeneration(target: BackupTarget, phoneId: string, bytes: Uint8Array, now: number, keep: number = DEFAULT_KEEP): Promise<PutResult> {
  const name = newGenerationName(now);
  await target.put(phoneId, name, bytes);
  const pruned: string[] = [];
  try {
    for (const old of selectForPruning(await target.list(phoneId), keep)) {
      if (old === name) continue; // a clock set back must never prune what we just wrote
      await target.remove(phoneId, old);
      pruned.push(old);
    }
  } catch (err) {
    return { name, pruned, pruneError: err instanceof Error ? err : new Error(String(err)) };
  }
  return { name, pruned, pruneError: null };
}
