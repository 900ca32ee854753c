// "Test connection": write, list, read and remove a probe object through the very target the
// backups use, and say in plain words what is missing. Needed because Supabase under row-level
// security hides rather than refuses: a mistyped bucket lists as empty, a missing select policy
// makes every backup invisible, a missing delete policy makes retention a silent no-op.
import { randomBytes } from 'node:crypto';
import { BackupTargetError } from './errors.js';
import { storageRefusal } from './supabase-errors.js';
import { newGenerationName, type BackupTarget } from './targets.js';

/** Probe objects live under this phone id: it can never clash with a phone's own folder in practice. */
export const PROBE_PHONE_ID = '_connection-check';

export type CheckStep = 'write' | 'list' | 'read' | 'remove';

export interface CheckStepResult {
  step: CheckStep;
  ok: boolean;
  /** what happened, in words */
  detail: string;
}

export interface TargetCheck {
  ok: boolean;
  target: BackupTarget['kind'] | 'none';
  steps: CheckStepResult[];
  /** the one thing to fix, in plain words; null when everything worked */
  problem: string | null;
  /** one line for a status bar or a terminal */
  summary: string;
  /** works, but should not stay like this (a service-role key on a desktop); null when fine */
  warning: string | null;
}

export const ADMIN_KEY_WARNING =
  "This is a service-role key: it is admin over the whole Supabase project and bypasses every policy. Don't keep it on a desktop: use a dedicated project's anon key with the README's policies.";

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function policyAdvice(op: 'insert' | 'select' | 'delete', place: { bucket?: string | undefined }): string {
  return `add a${op === 'insert' ? 'n' : ''} ${op} policy on storage.objects for bucket '${place.bucket ?? '?'}' (the README has the SQL)`;
}

/** The first failed write, in words a person can act on. */
function writeProblem(kind: BackupTarget['kind'], err: unknown, place: { bucket?: string | undefined }): string {
  if (kind === 'supabase') {
    switch (storageRefusal(err)) {
      case 'no-bucket':
        return `The bucket '${place.bucket ?? '?'}' does not exist or this key cannot see it: create it (private) in the Supabase dashboard under Storage, or correct the bucket name.`;
      case 'bad-key':
        return 'Supabase does not accept this key for this project: check the project URL and set the key again.';
      case 'denied':
        return `This key may not upload to bucket '${place.bucket ?? '?'}': ${policyAdvice('insert', place)}.`;
      case null:
        break;
    }
    if (err instanceof BackupTargetError && err.retryable) return `Supabase Storage could not be reached: ${err.message}. Check the project URL and the network.`;
  }
  return `Storing a test file failed: ${message(err)}`;
}

function result(kind: TargetCheck['target'], steps: CheckStepResult[], problem: string | null, adminKey = false): TargetCheck {
  const ok = problem === null;
  return { ok, target: kind, steps, problem, summary: ok ? 'Connection works: a test file was stored, listed, read back and removed.' : problem, warning: adminKey ? ADMIN_KEY_WARNING : null };
}

/** Runs the four steps against `target`; never throws (every failure is part of the answer). */
export async function checkTarget(target: BackupTarget | null, now: number): Promise<TargetCheck> {
  if (target === null) return result('none', [], 'No backup target is set up: choose one in the settings (for Supabase, also set the key).');
  const kind = target.kind;
  const place = { bucket: target.bucket };
  const admin = target.adminKey === true;
  const steps: CheckStepResult[] = [];
  const name = newGenerationName(now);
  const bytes = randomBytes(64);
  const where = kind === 'supabase' ? `bucket '${place.bucket ?? '?'}'` : 'the backup folder';

  try {
    await target.put(PROBE_PHONE_ID, name, bytes);
    steps.push({ step: 'write', ok: true, detail: `stored a test file in ${where}` });
  } catch (err) {
    steps.push({ step: 'write', ok: false, detail: message(err) });
    return result(kind, steps, writeProblem(kind, err, place), admin);
  }
  const leftBehind = `A test file ${PROBE_PHONE_ID}/${name} was left in ${where}; delete it there.`;

  let listed: boolean;
  try {
    listed = (await target.list(PROBE_PHONE_ID)).some((e) => e.name === name);
    steps.push({ step: 'list', ok: listed, detail: listed ? 'the test file is listed' : 'the test file was stored but is not listed' });
  } catch (err) {
    steps.push({ step: 'list', ok: false, detail: message(err) });
    return result(kind, steps, `Storing works but listing failed: ${message(err)}. ${leftBehind}`, admin);
  }
  if (!listed) {
    const fix = kind === 'supabase' ? `${policyAdvice('select', place)}. Without it no backup can be found or restored.` : 'backups could not be found for restore.';
    return result(kind, steps, `Uploads work but listing shows nothing: ${fix} ${leftBehind}`, admin);
  }

  try {
    const back = await target.get(PROBE_PHONE_ID, name);
    const same = Buffer.compare(back, bytes) === 0;
    steps.push({ step: 'read', ok: same, detail: same ? 'read the test file back unchanged' : 'the test file came back different' });
    if (!same) return result(kind, steps, `The test file came back different from what was stored: something between here and ${where} changes files. ${leftBehind}`, admin);
  } catch (err) {
    steps.push({ step: 'read', ok: false, detail: message(err) });
    const fix = kind === 'supabase' && storageRefusal(err) !== 'bad-key' ? ` To download, ${policyAdvice('select', place)}.` : '';
    return result(kind, steps, `Uploads and listing work but reading back failed: ${message(err)}.${fix} ${leftBehind}`, admin);
  }

  try {
    await target.remove(PROBE_PHONE_ID, name);
    const gone = !(await target.list(PROBE_PHONE_ID)).some((e) => e.name === name);
    steps.push({ step: 'remove', ok: gone, detail: gone ? 'removed the test file' : 'the delete was accepted but the test file is still there' });
    if (!gone) {
      const fix = kind === 'supabase' ? `${policyAdvice('delete', place)}. Without it old backups pile up forever.` : 'old backups cannot be pruned.';
      return result(kind, steps, `Uploads work but deletes are silently refused: ${fix} ${leftBehind}`, admin);
    }
  } catch (err) {
    steps.push({ step: 'remove', ok: false, detail: message(err) });
    return result(kind, steps, `Uploads, listing and reading work but removing failed: ${message(err)}. ${leftBehind}`, admin);
  }
  return result(kind, steps, null, admin);
}
