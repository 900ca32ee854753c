// Keep the newest N generations. Pruning runs only after a successful put, so a failing
// target never loses its last good copies. A prune is checked by listing again: Supabase under
// row-level security without a delete policy answers "deleted" and keeps everything.
import { BackupTargetError } from './errors.js';
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

/** In words, for the phone's status: the target takes deletes but keeps the files. */
export function silentDeleteMessage(kind: BackupTarget['kind'], kept: number): string {
  const what = `${kept} old backup${kept === 1 ? ' was' : 's were'} "deleted" but still ${kept === 1 ? 'exists' : 'exist'}: old backups are piling up`;
  return kind === 'supabase'
    ? `${what}. The key may upload but not delete: add a delete policy on storage.objects for this bucket (see the README), then use Test connection.`
    : `${what}. Check that the backup folder is writable.`;
}

export interface PutResult {
  name: string;
  /** removed and no longer listed */
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
  const removed: string[] = [];
  const unopenable: string[] = [];
  try {
    for (const old of selectForPruning(await target.list(phoneId), keep)) {
      if (old === name) continue; // a clock set back must never prune what we just wrote
      if (!(await mayPrune(old))) {
        unopenable.push(old);
        continue;
      }
      await target.remove(phoneId, old);
      removed.push(old);
    }
    if (removed.length === 0) return { name, pruned: [], kept: unopenable, pruneError: null };
    const still = new Set((await target.list(phoneId)).map((e) => e.name));
    const silentlyKept = removed.filter((n) => still.has(n));
    const pruned = removed.filter((n) => !still.has(n));
    if (silentlyKept.length > 0) return { name, pruned, kept: unopenable, pruneError: new BackupTargetError('access', silentDeleteMessage(target.kind, silentlyKept.length)) };
    return { name, pruned, kept: unopenable, pruneError: null };
  } catch (err) {
    return { name, pruned: removed, kept: unopenable, pruneError: err instanceof Error ? err : new Error(String(err)) };
  }
}
