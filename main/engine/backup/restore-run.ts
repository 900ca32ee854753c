// Restoring: try generations newest first until one opens, verifies and is not of a device
// WhatsApp removed, then swap it in with the phone stopped. Split from the manager, which
// decides when this runs (its queue) and what it changes in the phone's backup state.
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { readText } from '../auth-store/atomic-fs.js';
import { checkCredsText, pairedId } from '../auth-store/creds-check.js';
import { KeeperError } from '../errors.js';
import type { BackupPhonePort } from './backup-manager.js';
import { restoreRefusal, type LiveCreds } from './backup-policy.js';
import type { BackupMetadata } from './container.js';
import type { BackupSecret } from './envelope.js';
import { BackupError, BackupTargetError } from './errors.js';
import { restoreBackup } from './restore.js';
import { swapInRestoredSession } from './swap.js';
import { parseGenerationName, type BackupTarget } from './targets.js';

/** unreadable generations in a row before a restore gives up and reports them */
export const MAX_UNREADABLE_IN_A_ROW = 3;

export interface RestoreOutcome {
  generation: string;
  /** what the backup says about itself (pairedAt: put it back into the phone's meta) */
  metadata: BackupMetadata;
  /** the linked account from the restored creds.json */
  me: string;
  /** where the replaced session files went; null when there were none */
  quarantinedTo: string | null;
  /** newer generations that could not be used, and why */
  skipped: { generation: string; reason: string }[];
}

export interface RestoreRun {
  target: BackupTarget;
  port: BackupPhonePort;
  secret: BackupSecret;
  /** newest first */
  names: string[];
  /** a generation the person chose: any failure ends the restore instead of trying older ones */
  chosen: boolean;
  quarantineRoot: string;
  now(): number;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Restores the first usable generation of `names` over the live session, or throws why none was. */
export async function restoreFirstUsable(run: RestoreRun): Promise<RestoreOutcome> {
  const { target, port, secret, names } = run;
  const phoneId = port.phoneId;
  const live = port.sessionDir;
  await mkdir(dirname(live), { recursive: true, mode: 0o700 });
  const skipped: RestoreOutcome['skipped'] = [];
  let sawWrongKey = false;
  let refusal: string | null = null;
  let unreadableInARow = 0;
  for (const name of names) {
    if (unreadableInARow >= MAX_UNREADABLE_IN_A_ROW) {
      // Each unreadable file cost a key derivation: a target full of forged files must not
      // keep a restore busy for minutes. The person sees which ones and can pick a generation.
      port.log('error', 'restore.gave-up', `Stopped after ${unreadableInARow} unreadable backups in a row.`, { skipped: skipped.map((k) => k.generation) });
      throw new BackupError(
        sawWrongKey ? 'wrong-key' : 'damaged',
        `stopped after ${unreadableInARow} unreadable backups in a row (${skipped.map((k) => `${k.generation}: ${k.reason}`).join('; ')}); pick an older generation to try it`,
      );
    }
    const dest = join(dirname(live), `.${basename(live)}.restored-${randomBytes(4).toString('hex')}`);
    let restored;
    try {
      const createdAt = parseGenerationName(name);
      if (createdAt === null) throw new BackupTargetError('invalid', `not a backup generation name: ${JSON.stringify(name)}`);
      const bytes = await target.get(phoneId, name);
      restored = await restoreBackup(bytes, secret, dest, { binding: { phoneId, createdAt } });
    } catch (err) {
      // A chosen generation, or a target that cannot be read at all, ends the restore.
      const usable = err instanceof BackupError || (err instanceof BackupTargetError && err.kind === 'not-found');
      if (run.chosen || !usable) throw err;
      if (err instanceof BackupError && err.kind === 'wrong-key') sawWrongKey = true;
      unreadableInARow += 1;
      skipped.push({ generation: name, reason: message(err) });
      port.log('warn', 'restore.skipped', `Backup ${name} cannot be restored (${message(err)}); trying an older one.`, { generation: name });
      continue;
    }
    unreadableInARow = 0;
    try {
      const removed = port.removedDevice(restored.me);
      if (removed) {
        // Checked before the session is touched: this device can never link again.
        const reason = restoreRefusal(removed);
        if (run.chosen) throw new KeeperError('restore-refused', reason);
        refusal ??= reason;
        skipped.push({ generation: name, reason });
        port.log('warn', 'restore.skipped', `Backup ${name} is of a device WhatsApp removed; trying an older one.`, { generation: name });
        continue;
      }
      const swapped = await port.withSessionStopped(async () => {
        const result = await swapInRestoredSession({ live, restored: dest, quarantineRoot: run.quarantineRoot, now: run.now() });
        // before the phone reconnects, so its session age continues from the backup
        await port.adoptRestored?.({ pairedAt: restored.metadata.pairedAt, me: restored.me });
        return result;
      });
      return { generation: name, metadata: restored.metadata, me: restored.me, quarantinedTo: swapped.quarantinedTo, skipped };
    } finally {
      await rm(dest, { recursive: true, force: true }); // only our own restored folder, if the swap did not take it
    }
  }
  if (refusal !== null) throw new KeeperError('restore-refused', refusal);
  if (sawWrongKey) {
    throw new BackupError('wrong-key', `none of the ${names.length} backups could be opened with this key (wrong passphrase or recovery key?)`);
  }
  throw new BackupError('damaged', `none of the ${names.length} backups is usable: ${skipped.map((k) => `${k.generation}: ${k.reason}`).join('; ')}`);
}

/** What the live session folder holds; see shouldRestoreAtStart. */
export async function liveCreds(sessionDir: string): Promise<LiveCreds> {
  let text: string;
  try {
    text = await readText(join(sessionDir, 'creds.json'));
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unusable';
  }
  const verdict = checkCredsText(text);
  if (!verdict.ok) return 'unusable';
  // a pending pairing code's placeholder `me` is no link yet (pairedId)
  return pairedId(verdict.creds) !== null ? 'usable' : 'unpaired';
}

