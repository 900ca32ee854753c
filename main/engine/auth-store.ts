// Crash-safe replacement for Baileys' useMultiFileAuthState, with the same on-disk layout.
//
// Guarantees (see test/main/engine/auth-store*.test.ts):
// - a file is only ever replaced whole (temp + fsync + rename + folder fsync);
// - one keys.set() batch lands all-or-nothing (journal first, replayed or discarded at open);
// - writes never interleave (one queue for creds saves, key batches and backup snapshots);
// - bytes already on disk are not written again (a re-open's login saves the same creds and
//   device list): a file there is durable as it is (every writer fsyncs before its rename) and
//   the folder is fsynced once, so a skipped write promises exactly what the write would have.
//   That folder fsync starts when the store opens, in the background: a re-open's login, seconds
//   later, finds it done instead of waiting for it behind every other phone's fsync;
// - an unreadable creds.json is never replaced by a new identity: the folder is moved to
//   quarantine and openAuthStore says so in `quarantined` (it does not throw for this);
// - folders are 0700 and files 0600.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import {
  initAuthCreds,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import { systemClock, type Clock } from './clock.js';
import type { LogLevel } from './types.js';
import { ensureDir, errCode, fsyncDir, isNotFound, listFiles, listFilesIfFolder, pathExists, readText, TEMP_PREFIX, tightenModes, unlinkIfExists, writeFileAtomic } from './auth-store/atomic-fs.js';
import { CREDS_FILE, deserialize, keyFileName, reviveKey, serialize } from './auth-store/codec.js';
import { checkCredsText, pairedId, type CredsProblem } from './auth-store/creds-check.js';
import { commitBatch, recoverJournal, JOURNAL_FILE, type JournalEntry, type JournalRecovery } from './auth-store/journal.js';
import { moveToQuarantine } from './auth-store/quarantine.js';
import { SerialQueue } from './auth-store/serial-queue.js';

export { quarantineName } from './auth-store/quarantine.js';
export type { CredsProblem } from './auth-store/creds-check.js';

/** Never receives key material: only file names, counts and reasons. */
export type AuthStoreLog = (entry: { level: LogLevel; event: string; message: string; data?: Record<string, unknown> }) => void;

export interface OpenAuthStoreOptions {
  /** the session folder, e.g. `${dataDir}/sessions/<phoneId>` (created 0700 on first save) */
  dir: string;
  /** parent for quarantined folders, e.g. `${dataDir}/quarantine` */
  quarantineDir: string;
  /** prefix of quarantine folder names, e.g. the phone id; defaults to the folder's name */
  label?: string;
  logger?: AuthStoreLog;
  /** names quarantine folders; defaults to the system clock */
  clock?: Clock;
  /**
   * Told how every creds save and key batch ended (err null: it landed), so a disk that refuses
   * writes is shown rather than only failing inside Baileys. The write still rejects as before.
   */
  onWrite?: (write: 'creds' | 'keys', err: unknown) => void;
}

/** Why a session folder was moved aside at open. */
export type QuarantineReason = CredsProblem | 'keys-without-creds';

export interface OpenAuthStoreResult {
  store: AuthStore;
  /**
   * Non-null when the folder held a session we could not read: it was moved to `to` (nothing
   * deleted) and `store` starts from fresh, unsaved creds — i.e. the phone must be re-linked.
   */
  quarantined: { to: string; reason: QuarantineReason; detail: string } | null;
  /** what open had to clean up after an earlier crash */
  recovered: { journal: JournalRecovery; tempFilesRemoved: number };
}

export interface AuthStore {
  readonly dir: string;
  /** pass as `makeWASocket({ auth: store.state })` (optionally wrap keys in makeCacheableSignalKeyStore) */
  readonly state: AuthenticationState;
  /** for `sock.ev.on('creds.update', () => void store.saveCreds())`; concurrent calls coalesce */
  saveCreds(): Promise<void>;
  /** creds.me is set, i.e. the device has been linked */
  isRegistered(): boolean;
  /**
   * Runs fn while no write can happen (for consistent backups). fn must not call saveCreds or
   * keys.set itself: that would wait for fn, so it is rejected with an error instead.
   */
  withWriteLock<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * After pending writes, moves the folder to quarantine and closes the store. Returns the new
   * path, or null when nothing had been written yet.
   */
  quarantine(reason: string): Promise<string | null>;
  /** resolves when every write queued so far is durable */
  flush(): Promise<void>;
  /**
   * Resolves when every key batch queued so far has settled, so a new socket reads what the old
   * one wrote; creds saves may still be under way (a socket uses the creds in memory).
   */
  keysSettled(): Promise<void>;
  /** flush, then reject further writes */
  close(): Promise<void>;
}

export class AuthStoreClosedError extends Error {
  constructor(dir: string) {
    super(`auth store for ${dir} is closed; open it again to write`);
    this.name = 'AuthStoreClosedError';
  }
}

export class WriteLockReentryError extends Error {
  constructor() {
    super('saveCreds/keys.set called inside withWriteLock would deadlock');
    this.name = 'WriteLockReentryError';
  }
}

/** Turns a Baileys key batch into journal entries now, so later mutation of the values can't leak in. */
export function batchEntries(data: SignalDataSet): JournalEntry[] {
  const byFile = new Map<string, string | null>();
  for (const type of Object.keys(data) as Array<keyof SignalDataSet>) {
    const values = data[type];
    if (!values) continue;
    for (const id of Object.keys(values)) {
      const value = values[id];
      // Baileys removes the file for any falsy value, not only null.
      byFile.set(keyFileName(type, id), value ? serialize(value) : null);
    }
  }
  return [...byFile.entries()];
}

/** Up to this many entries, a batch is compared with the files on disk first (a login's few). */
const COMPARE_BATCH_MAX = 8;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The stores whose write lock the current async context holds. One for every store: each
 * AsyncLocalStorage that ever ran is visited at every promise's creation for the rest of the
 * process, so one per store made every promise of a 50-phone pairing pay 50 more visits.
 */
const heldLocks = new AsyncLocalStorage<ReadonlySet<FileAuthStore>>();

class FileAuthStore implements AuthStore {
  readonly state: AuthenticationState;
  private readonly queue = new SerialQueue();
  private open = true;
  private pendingCredsSave: Promise<void> | null = null;
  /** set when a batch failed after its journal was written: finish it before the next write */
  private journalMayBePending = false;
  /** the newest key batch (settled either way): the queue runs in turn, so every earlier one too */
  private lastKeyBatch: Promise<unknown> = Promise.resolve();
  /** the folder was fsynced by this store: every name in it is durable */
  private dirDurable = false;

  constructor(
    readonly dir: string,
    creds: AuthenticationCreds,
    private readonly quarantineDir: string,
    private readonly clock: Clock,
    private readonly log: AuthStoreLog,
    private readonly label: string,
    private readonly onWrite: (write: 'creds' | 'keys', err: unknown) => void,
    /** sha256 of creds.json as it is on disk (loaded or last written); null: none or unknown */
    private durableCreds: string | null,
    /** the folder fsync begun at open (true once it landed); null when the folder was not there */
    private readonly syncedAtOpen: Promise<boolean> | null,
    /** the folder is there with its mode tightened (the open did it): the first write need not */
    private dirReady: boolean,
  ) {
    const keys: SignalKeyStore = {
      get: (type, ids) => this.getKeys(type, ids),
      set: (data) => this.setKeys(data),
    };
    this.state = { creds, keys };
  }

  private assertWritable(): void {
    if (!this.open) throw new AuthStoreClosedError(this.dir);
    if (heldLocks.getStore()?.has(this)) throw new WriteLockReentryError();
  }

  private async prepareWrite(): Promise<void> {
    if (!this.dirReady) {
      await ensureDir(this.dir);
      this.dirReady = true;
    }
    if (this.journalMayBePending) {
      await recoverJournal(this.dir);
      this.journalMayBePending = false;
    }
  }

  /**
   * A write skipped because the bytes are there already promises what the write would have. The
   * bytes it compared with were there when the store opened (the open's folder fsync covers their
   * names) or written by this store (every write here fsyncs its folder itself).
   */
  private async keepAsIs(): Promise<void> {
    if (this.dirDurable) return;
    if (!(await this.syncedAtOpen)) await fsyncDir(this.dir);
    this.dirDurable = true;
  }

  /** The entries of a small batch that would change a file (the rest are on disk already). */
  private async changedEntries(entries: JournalEntry[]): Promise<JournalEntry[]> {
    if (entries.length > COMPARE_BATCH_MAX) return entries;
    const same = await Promise.all(
      entries.map(async ([name, data]) => {
        const onDisk = await readText(join(this.dir, name)).catch((err: unknown) => {
          if (isNotFound(err)) return null;
          throw err;
        });
        return onDisk === data;
      }),
    );
    return entries.filter((_, i) => !same[i]);
  }

  private async getKeys<T extends keyof SignalDataTypeMap>(type: T, ids: string[]): Promise<{ [id: string]: SignalDataTypeMap[T] }> {
    const out: { [id: string]: SignalDataTypeMap[T] } = {};
    await Promise.all(
      ids.map(async (id) => {
        out[id] = (await this.readKey(type, id)) as SignalDataTypeMap[T];
      }),
    );
    return out;
  }

  private async readKey(type: string, id: string): Promise<unknown> {
    const name = keyFileName(type, id);
    let text: string;
    try {
      text = await readText(join(this.dir, name));
    } catch (err) {
      // Missing is normal (Baileys asks for keys it may not have); anything else is a real fault.
      if (isNotFound(err)) return null;
      throw err;
    }
    try {
      return reviveKey(type, deserialize(text));
    } catch {
      // Only a foreign writer (e.g. Baileys before import) can leave this; behave as Baileys does.
      this.log({ level: 'warn', event: 'auth.key.unreadable', message: `key file ${name} does not parse; treating it as absent`, data: { file: name, bytes: text.length } });
      return null;
    }
  }

  private setKeys(data: SignalDataSet): Promise<void> {
    try {
      this.assertWritable();
      const entries = batchEntries(data);
      if (entries.length === 0) return Promise.resolve();
      const batch = this.queue.run(async () => {
        try {
          await this.prepareWrite();
          const changed = await this.changedEntries(entries);
          const [only] = changed;
          if (only === undefined) {
            await this.keepAsIs();
          } else if (changed.length === 1) {
            // one file is replaced whole by itself: no journal needed for all-or-nothing
            if (only[1] === null) {
              await unlinkIfExists(join(this.dir, only[0]));
              await fsyncDir(this.dir);
            } else {
              await writeFileAtomic(this.dir, only[0], only[1]);
            }
          } else {
            try {
              await commitBatch(this.dir, changed);
            } catch (err) {
              this.journalMayBePending = true;
              throw err;
            }
          }
        } catch (err) {
          // Baileys hears of it (and drops the batch); nothing it abandoned is written later
          this.onWrite('keys', err);
          throw err;
        }
        this.onWrite('keys', null);
      });
      this.lastKeyBatch = batch.catch(() => {});
      return batch;
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  saveCreds(): Promise<void> {
    try {
      this.assertWritable();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    // A save not yet started will write the latest creds anyway: join it instead of queueing.
    if (this.pendingCredsSave) return this.pendingCredsSave;
    const save = this.queue.run(async () => {
      this.pendingCredsSave = null;
      const text = serialize(this.state.creds);
      const hash = sha256(text);
      try {
        await this.prepareWrite();
        if (hash === this.durableCreds) {
          await this.keepAsIs();
        } else {
          this.durableCreds = null;
          await writeFileAtomic(this.dir, CREDS_FILE, text);
          this.durableCreds = hash;
        }
      } catch (err) {
        this.onWrite('creds', err);
        throw err;
      }
      this.onWrite('creds', null);
    });
    this.pendingCredsSave = save;
    return save;
  }

  isRegistered(): boolean {
    return pairedId(this.state.creds) !== null;
  }

  withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(() => heldLocks.run(new Set(heldLocks.getStore()).add(this), fn));
  }

  async quarantine(reason: string): Promise<string | null> {
    if (!this.open) throw new AuthStoreClosedError(this.dir);
    const moved = this.queue.run(async () => {
      if (!(await pathExists(this.dir))) return null;
      const to = await moveToQuarantine(this.dir, this.quarantineDir, reason, this.clock.now(), this.label);
      this.log({ level: 'warn', event: 'auth.quarantined', message: `session folder moved to ${to}`, data: { reason, to } });
      return to;
    });
    this.open = false;
    return moved;
  }

  flush(): Promise<void> {
    return this.queue.drain();
  }

  async keysSettled(): Promise<void> {
    await this.lastKeyBatch;
  }

  async close(): Promise<void> {
    this.open = false;
    await this.queue.drain();
  }
}

async function removeTempFiles(dir: string, names: readonly string[]): Promise<number> {
  let removed = 0;
  for (const name of names) {
    if (name.startsWith(TEMP_PREFIX) && (await unlinkIfExists(join(dir, name)))) removed += 1;
  }
  return removed;
}

/** Files that belong to a Baileys session (anything but our own journal/temp files). */
function sessionFiles(names: readonly string[]): string[] {
  return names.filter((n) => n.endsWith('.json') && !n.startsWith('.'));
}

type CredsLoad =
  | { ok: true; creds: AuthenticationCreds; text: string }
  | { ok: false; reason: QuarantineReason; detail: string }
  | { ok: 'absent' };

async function loadCreds(dir: string, names: readonly string[]): Promise<CredsLoad> {
  let text: string;
  try {
    text = await readText(join(dir, CREDS_FILE));
  } catch (err) {
    if (isNotFound(err)) {
      const keys = sessionFiles(names);
      // Keys of an identity we no longer have would collide with fresh pre-key ids.
      if (keys.length > 0) return { ok: false, reason: 'keys-without-creds', detail: `no creds.json but ${keys.length} key files` };
      return { ok: 'absent' };
    }
    return { ok: false, reason: 'creds-unreadable', detail: `creds.json cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const checked = checkCredsText(text);
  return checked.ok ? { ...checked, text } : checked;
}

/**
 * Opens (or prepares) the session folder: removes leftover temp files, replays or discards an
 * interrupted key batch, tightens modes, and loads creds. An unusable creds.json is reported
 * in `quarantined` after the folder was moved aside; it never throws for that.
 */
export async function openAuthStore(opts: OpenAuthStoreOptions): Promise<OpenAuthStoreResult> {
  const { dir, quarantineDir } = opts;
  const label = opts.label ?? basename(dir);
  const clock = opts.clock ?? systemClock;
  const log: AuthStoreLog = opts.logger ?? (() => {});
  let recovered: OpenAuthStoreResult['recovered'] = { journal: 'none', tempFilesRemoved: 0 };
  let quarantined: OpenAuthStoreResult['quarantined'] = null;
  let creds: AuthenticationCreds | null = null;
  let durableCreds: string | null = null;
  let syncedAtOpen: Promise<boolean> | null = null;
  let dirReady = false;

  // One listing serves the temp sweep, the modes and the creds check, unless the sweep or the
  // journal changed the folder (every await here is a start's wait before it connects).
  let names = await listFilesIfFolder(dir).catch((err: unknown) => {
    if (errCode(err) === 'ENOTDIR') throw new Error(`auth store path ${dir} exists and is not a folder`);
    throw err;
  });

  if (names) {
    const tempFilesRemoved = await removeTempFiles(dir, names);
    const journal = await recoverJournal(dir);
    recovered = { journal: journal.outcome, tempFilesRemoved };
    if (journal.outcome === 'replayed') log({ level: 'info', event: 'auth.journal.replayed', message: `finished an interrupted key batch (${journal.detail ?? ''})` });
    if (journal.outcome === 'discarded') log({ level: 'warn', event: 'auth.journal.discarded', message: `dropped an incomplete key batch: ${journal.detail ?? ''}` });
    // temp files are gone whoever removed them; a journal may have written key files
    names = journal.outcome === 'none' ? names.filter((n) => !n.startsWith(TEMP_PREFIX)) : await listFiles(dir);
    // modes first: a creds.json its owner could not read (0200) is readable once it is 0600
    await tightenModes(dir, names);
    const loaded = await loadCreds(dir, names);
    if (loaded.ok === true) {
      creds = loaded.creds;
      durableCreds = sha256(loaded.text);
      // the folder is there and tightenModes made it 0700: what the first write's ensureDir does
      dirReady = true;
      // after the sweep, the journal and the modes: every name a skipped write relies on is in it;
      // not awaited here (a failure only means keepAsIs fsyncs the folder itself)
      syncedAtOpen = fsyncDir(dir).then(
        () => true,
        () => false,
      );
    } else if (loaded.ok === false) {
      const to = await moveToQuarantine(dir, quarantineDir, loaded.reason, clock.now(), label);
      quarantined = { to, reason: loaded.reason, detail: loaded.detail };
      log({ level: 'error', event: 'auth.quarantined', message: `${loaded.detail}; session folder moved to ${to}`, data: { reason: loaded.reason, to } });
    }
  }

  if (!creds) {
    // Fresh identity in memory only: nothing reaches disk until the first saveCreds().
    creds = initAuthCreds();
    log({ level: 'info', event: 'auth.creds.fresh', message: 'no saved session; starting a new, unlinked identity' });
  }
  const onWrite = opts.onWrite ?? (() => {});
  return { store: new FileAuthStore(dir, creds, quarantineDir, clock, log, label, onWrite, durableCreds, syncedAtOpen, dirReady), quarantined, recovered };
}

/** For tests and the import path: the exact journal file name inside a session folder. */
export const AUTH_JOURNAL_FILE = JOURNAL_FILE;
