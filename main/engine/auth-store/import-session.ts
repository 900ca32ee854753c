// Bringing an existing Baileys useMultiFileAuthState folder under our care. The source is only
// read; the copy is staged next to the target and renamed into place, so a crash mid-import
// leaves either no session or the whole session at `to`.
import { readdir, readFile, realpath, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { ensureDir, fsyncDir, isNotFound, listFiles, writeNewFileSynced } from './atomic-fs.js';
import { CREDS_FILE } from './codec.js';
import { checkCredsText, pairedId } from './creds-check.js';
import { JOURNAL_FILE } from './journal.js';
import { moveToQuarantine } from './quarantine.js';

export type AuthImportErrorCode =
  | 'source-missing'
  | 'source-invalid'
  | 'source-unpaired'
  | 'source-inside-data-folder'
  | 'account-linked-elsewhere'
  | 'target-exists'
  | 'target-not-folder';

export class AuthImportError extends Error {
  constructor(
    readonly code: AuthImportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthImportError';
  }
}

export interface ImportSessionOptions {
  /** where an existing session at `to` goes when it is replaced */
  quarantineDir: string;
  /** replace a valid session already at `to` (it is quarantined, not deleted) */
  overwrite?: boolean;
  /** prefix of the quarantine folder name for a replaced session; defaults to the folder's name */
  label?: string;
  clock?: Clock;
  /** the data folder `to` lives in: a source inside it (a live session, maybe `to` itself) is refused */
  dataFolder?: string;
  /**
   * the folder that holds every phone's session folder (`to` among them): an account already
   * linked in another of them is refused — two devices on one identity get the account flagged
   */
  sessionsDir?: string;
}

export interface ImportSessionResult {
  /** the linked device id from the imported creds, e.g. `15551234567:3@s.whatsapp.net` */
  me: string;
  /** number of files copied (creds.json included) */
  files: number;
  /** where the session previously at `to` was moved, or null */
  replacedTo: string | null;
}

const COPY_PARALLELISM = 32;

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Files Baileys owns in a session folder, plus our journal so a pending batch travels along. */
function filesToCopy(names: readonly string[]): string[] {
  return names.filter((n) => n === JOURNAL_FILE || (n.endsWith('.json') && !n.startsWith('.')));
}

async function copyFileDurable(from: string, to: string): Promise<void> {
  await writeNewFileSynced(to, await readFile(from));
}

/** The account a linked-device jid belongs to: `15551234567:3@s.whatsapp.net` → `15551234567@s.whatsapp.net`. */
export function accountOf(jid: string): string {
  const at = jid.indexOf('@');
  const user = at < 0 ? jid : jid.slice(0, at);
  const server = at < 0 ? '' : jid.slice(at);
  return `${user.split(':')[0]?.split('_')[0] ?? user}${server}`;
}

/**
 * Everything that can refuse an import, checked before anything is moved, so a refused import
 * leaves the phone as it was: the source must be a paired Baileys folder outside the data
 * folder, its account not linked under another phone here, and `to` free unless `overwrite`.
 */
export async function checkImport(from: string, to: string, opts: ImportSessionOptions): Promise<{ me: string; sourceCreds: string }> {
  if (opts.dataFolder !== undefined && (await isInside(from, opts.dataFolder))) {
    throw new AuthImportError(
      'source-inside-data-folder',
      `cannot import ${from}: it is inside the data folder ${opts.dataFolder}. Import from a copy outside it; a session already here is already under care.`,
    );
  }
  const sourceCreds = await readText(join(from, CREDS_FILE));
  if (sourceCreds === null) throw new AuthImportError('source-missing', `${from} has no creds.json: not a Baileys session folder`);
  const verdict = checkCredsText(sourceCreds);
  if (!verdict.ok) throw new AuthImportError('source-invalid', `cannot import ${from}: ${verdict.detail} (${verdict.reason})`);
  const me = pairedId(verdict.creds);
  if (me === null) throw new AuthImportError('source-unpaired', `cannot import ${from}: creds.json has no linked device (no "me")`);
  if (opts.sessionsDir !== undefined) {
    const other = await phoneLinkedTo(accountOf(me), opts.sessionsDir, basename(to));
    if (other !== null) {
      throw new AuthImportError(
        'account-linked-elsewhere',
        `cannot import ${from}: its account ${accountOf(me)} is already linked here as phone "${other}". Two linked devices on one account get it flagged; log that phone out first, or import into "${other}" instead.`,
      );
    }
  }
  if (!opts.overwrite) {
    const targetCreds = await readText(join(to, CREDS_FILE)).catch(() => null);
    if (targetCreds !== null && checkCredsText(targetCreds).ok) {
      throw new AuthImportError('target-exists', `${to} already holds a valid session; pass overwrite to replace it (it will be quarantined)`);
    }
  }
  return { me, sourceCreds };
}

/** True when `path` is `folder` or inside it, symlinks resolved. */
async function isInside(path: string, folder: string): Promise<boolean> {
  const real = (p: string) => realpath(p).catch(() => resolve(p));
  const rel = relative(await real(folder), await real(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The phone id (session folder name) other than `except` whose valid creds belong to `account`. */
async function phoneLinkedTo(account: string, sessionsDir: string, except: string): Promise<string | null> {
  let ids: string[];
  try {
    ids = await readdir(sessionsDir);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  for (const id of ids.sort()) {
    if (id === except || id.startsWith('.')) continue;
    const creds = await readText(join(sessionsDir, id, CREDS_FILE)).catch(() => null);
    const verdict = creds === null ? null : checkCredsText(creds);
    const linked = verdict?.ok ? pairedId(verdict.creds) : null;
    if (linked !== null && accountOf(linked) === account) return id;
  }
  return null;
}

/**
 * Copies the Baileys session folder `from` into `to` (our layout is the same, so bytes are
 * copied verbatim with 0600/0700 modes). Throws AuthImportError (see checkImport) before
 * touching anything. A folder already at `to` that is replaced is quarantined, never deleted.
 */
export async function importSession(from: string, to: string, opts: ImportSessionOptions): Promise<ImportSessionResult> {
  const clock = opts.clock ?? systemClock;
  const { me, sourceCreds } = await checkImport(from, to, opts);

  let replacedTo: string | null = null;
  const target = await stat(to).catch((err: unknown) => {
    if (isNotFound(err)) return null;
    throw err;
  });
  if (target && !target.isDirectory()) throw new AuthImportError('target-not-folder', `${to} exists and is not a folder`);
  if (target) {
    const existing = await listFiles(to);
    if (existing.length === 0) {
      await rmdir(to); // an empty placeholder holds nothing to keep
    } else {
      replacedTo = await moveToQuarantine(to, opts.quarantineDir, 'replaced-by-import', clock.now(), opts.label ?? basename(to));
    }
  }

  const parent = dirname(to);
  await ensureDir(parent);
  const stage = join(parent, `.${basename(to)}.import-${process.pid}-${clock.now()}`);
  await ensureDir(stage);
  const names = filesToCopy(await listFiles(from));
  try {
    for (let i = 0; i < names.length; i += COPY_PARALLELISM) {
      await Promise.all(names.slice(i, i + COPY_PARALLELISM).map((n) => copyFileDurable(join(from, n), join(stage, n))));
    }
    // The creds we validated must be the creds we installed (the source could change under us).
    if ((await readFile(join(stage, CREDS_FILE), 'utf8')) !== sourceCreds) {
      throw new AuthImportError('source-invalid', `${from}/creds.json changed during the import; stop whatever uses it and retry`);
    }
    await fsyncDir(stage);
    await rename(stage, to);
  } catch (err) {
    await rm(stage, { recursive: true, force: true }); // only our partial copy; the source is untouched
    throw err;
  }
  await fsyncDir(parent);
  return { me, files: names.length, replacedTo };
}
