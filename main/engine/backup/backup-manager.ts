// When to back up, what to do when the target fails, and when to restore. One manager per
// keeper; each phone is registered with a narrow port the keeper implements, so this file
// never touches sockets or the auth store directly. It owns the timers, the one queue and each
// phone's backup state; what an attempt does is backup-attempt.ts, what a restore does is
// restore-run.ts.
//
// Rules (see backup-policy.ts for the numbers):
// - keep-alive and pairing back up at once; creds changes are debounced (the first change of a
//   burst schedules one attempt 10 min later, later changes in the burst add nothing);
// - an attempt whose content hash equals the last uploaded generation uploads nothing;
// - logged-out, banned, unlinked or quarantined phones, and creds that do not verify, are
//   never uploaded;
// - retryable target failures back off 1 min → 1 h and the plan is persisted; while such a
//   retry is pending, triggers fold into it (the retry snapshots the newest content anyway);
//   non-retryable ones (access denied…) wait 12 h or the next trigger;
// - backupNow is manual: it runs at once, but still reports `unchanged` instead of uploading
//   the same content again unless `force` is set;
// - all attempts and restores run one at a time across phones (bounded CPU/memory for scrypt
//   and brotli, and no snapshot can race a restore's swap).
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import type { DataPaths } from '../paths.js';
import type { LogLevel, PhoneStatus, RemovedDevice } from '../types.js';
import type { BackupSecret } from './envelope.js';
import { BackupError, BackupTargetError } from './errors.js';
import { KeeperError } from '../errors.js';
import type { BackupSecretProvider } from './key-store.js';
import { DEFAULT_KEEP } from './retention.js';
import type { BackupEntry, BackupTarget } from './targets.js';
import { LocalFolderTarget } from './local-folder-target.js';
import { readBackupState, writeBackupState, type BackupState } from './backup-state.js';
import { sealAndPut, verifiedSnapshot } from './backup-attempt.js';
import { liveCreds, restoreFirstUsable, type RestoreOutcome } from './restore-run.js';
import {
  backupBlockReason,
  CREDS_DEBOUNCE_MS,
  FAILING_AFTER_MS,
  isFailing,
  NON_RETRYABLE_DELAY_MS,
  retryDelay,
  neverLinked,
  shouldRestoreAtStart,
} from './backup-policy.js';

// said to runs that link by QR and by pairing code alike: name both ways
const NOT_LINKED_YET = 'Not linked yet — link it on the phone: WhatsApp → Settings → Linked devices → Link a device (scan the QR code, or type the pairing code).';

/** What the keeper provides for one phone. */
export interface BackupPhonePort {
  readonly phoneId: string;
  /** the Baileys session folder (paths.session(phoneId)) */
  readonly sessionDir: string;
  /** the phone's current status; PhoneSession.status() fits */
  status(): Pick<PhoneStatus, 'state' | 'pairedAt' | 'quarantinedTo'>;
  /** the auth store's write lock, so the snapshot is consistent; run fn directly when no store is open */
  withWriteLock<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Stops the phone's socket and closes its auth store, runs fn (which replaces the session
   * folder), then reopens the store from disk and connects: after a swap from any state but a
   * user stop (or before the phone started); after a failed fn only if it was running. Never
   * two sockets on one session. The contract test (backup-port-contract.test.ts) holds the
   * real session and the tests' fake to this.
   */
  withSessionStopped<T>(fn: () => Promise<T>): Promise<T>;
  /** called inside withSessionStopped once a restored folder is in place: the pairing it brings */
  adoptRestored?(info: { pairedAt: number | null; me: string }): Promise<void>;
  /** the record of this device if WhatsApp removed it: its generations are refused, never swapped in */
  removedDevice(me: string): RemovedDevice | null;
  log(level: LogLevel, event: string, message: string, data?: Record<string, unknown>): void;
  /** backup status fields changed: re-render */
  changed(): void;
  /**
   * A backup to this machine's disk was refused by the disk (full, read-only…): shown as the
   * phone's storage fault; null once a backup lands again. Backups retry by themselves.
   */
  storageWrite?(fault: { path: string; err: unknown } | null): void;
}

export interface BackupManagerOptions {
  /** null: no target set up yet (attempts are skipped and say so); see setTarget */
  target: BackupTarget | null;
  secret: BackupSecretProvider;
  paths: Pick<DataPaths, 'meta' | 'quarantine' | 'session'>;
  /** a function: read when a backup is written, not at start (it reads package.json) */
  appVersion: string | (() => string);
  clock?: Clock;
  /** generations kept per phone */
  keep?: number;
}

export interface BackupStatus {
  lastBackupAt: number | null;
  lastBackupGeneration: string | null;
  lastBackupError: string | null;
  backupFailingSince: number | null;
  /** 24 h of failures in a row: the shell notifies the user */
  backupFailing: boolean;
  nextBackupAt: number | null;
  /** backups are stored, but something needs a person (old generations are not being removed) */
  backupWarning: string | null;
}

export type BackupResult =
  | { outcome: 'uploaded'; generation: string; pruned: string[] }
  | { outcome: 'unchanged'; generation: string | null }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'failed'; error: string; retryable: boolean; nextAttemptAt: number | null };

export interface RestoreOptions {
  /** a specific generation (from listBackups); default: the newest one that opens and verifies */
  generation?: string;
  /** e.g. a passphrase or recovery key the user typed; default: the secret provider's */
  secret?: BackupSecret;
}

export class UnregisteredPhoneError extends KeeperError {
  constructor(phoneId: string) {
    super('unknown-phone', `phone ${JSON.stringify(phoneId)} is not registered with the backup manager`);
    this.name = 'UnregisteredPhoneError';
  }
}

interface Phone {
  port: BackupPhonePort;
  state: BackupState;
  /** in-memory: whether the pending failure may be retried soon (false: needs a person) */
  retryable: boolean;
  timer: TimerHandle | null;
  failingTimer: TimerHandle | null;
  /** attempts queued or running for this phone */
  busy: number;
  /** a timer fired while busy: look again when done */
  rerun: boolean;
  saving: Promise<void>;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Unknown errors (disk full on a local target, a socket error) are retried with backoff; targets say so explicitly. */
function isRetryable(err: unknown): boolean {
  if (err instanceof BackupTargetError) return err.retryable || err.kind === 'conflict';
  return !(err instanceof BackupError);
}

/** OS codes that mean the disk refused the write: the user's disk, not the backup, needs a look. */
const DISK_REFUSALS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EACCES', 'EPERM']);

/** The OS error behind a failed local backup (it may be wrapped as a cause), or null. */
function diskRefusal(err: unknown): NodeJS.ErrnoException | null {
  for (let e = err as (NodeJS.ErrnoException & { cause?: unknown }) | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && DISK_REFUSALS.has(e.code)) return e;
  }
  return null;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export class BackupManager {
  private readonly phones = new Map<string, Phone>();
  private readonly clock: Clock;
  private readonly keep: number;
  private target: BackupTarget | null;
  private tail: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly opts: BackupManagerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.keep = opts.keep ?? DEFAULT_KEEP;
    this.target = opts.target;
  }

  /** Loads the phone's persisted backup state and resumes a pending retry or debounce. */
  async register(port: BackupPhonePort): Promise<void> {
    if (this.phones.has(port.phoneId)) throw new Error(`phone ${port.phoneId} is already registered for backups`);
    const { state, setAside } = await readBackupState(this.opts.paths.meta(port.phoneId), this.clock.now());
    if (setAside) port.log('warn', 'backup.state.damaged', `The backup state file was damaged and set aside (${setAside}); starting fresh.`);
    const phone: Phone = { port, state, retryable: true, timer: null, failingTimer: null, busy: 0, rerun: false, saving: Promise.resolve() };
    this.phones.set(port.phoneId, phone);
    this.arm(phone);
    this.armFailingAlarm(phone);
  }

  /** Forgets the phone (timers only; its state file and backups stay). */
  unregister(phoneId: string): void {
    const p = this.phones.get(phoneId);
    if (!p) return;
    this.clock.clearTimeout(p.timer);
    this.clock.clearTimeout(p.failingTimer);
    this.phones.delete(phoneId);
  }

  /** Switch targets at runtime (settings changed); the next attempt uses the new one. */
  setTarget(target: BackupTarget | null): void {
    this.target = target;
  }

  status(phoneId: string): BackupStatus {
    const s = this.phone(phoneId).state;
    return {
      lastBackupAt: s.lastBackupAt,
      lastBackupGeneration: s.lastBackupGeneration,
      lastBackupError: s.lastBackupError,
      backupFailingSince: s.backupFailingSince,
      backupFailing: isFailing(s.backupFailingSince, this.clock.now()),
      nextBackupAt: s.nextAttemptAt,
      backupWarning: s.pruneWarning ?? null,
    };
  }

  onKeepAlive(phoneId: string): void {
    this.request(this.phone(phoneId), 0, 'keep-alive');
  }

  onPaired(phoneId: string): void {
    const p = this.phone(phoneId);
    if (p.state.retired) {
      p.state.retired = false;
      this.save(p);
    }
    this.request(p, 0, 'paired');
  }

  onCredsChanged(phoneId: string): void {
    this.request(this.phone(phoneId), CREDS_DEBOUNCE_MS, 'creds changed');
  }

  /** The phone was logged out / unlinked: stop retrying, and never revive its backups at start. */
  onLoggedOut(phoneId: string): void {
    const p = this.phone(phoneId);
    p.state.retired = true;
    p.state.nextAttemptAt = null;
    this.clock.clearTimeout(p.timer);
    p.timer = null;
    this.save(p);
    p.port.changed();
  }

  /** Manual "back up now": runs at once (even during a backoff); unchanged content is reported, not re-uploaded, unless forced. */
  backupNow(phoneId: string, options: { force?: boolean } = {}): Promise<BackupResult> {
    const p = this.phone(phoneId);
    if (this.stopped) return Promise.resolve({ outcome: 'skipped', reason: 'the backup manager is stopped' });
    return this.enqueue(p, () => this.attempt(p, { force: options.force === true }));
  }

  /** The target's generations for this phone, newest first. */
  async listBackups(phoneId: string): Promise<BackupEntry[]> {
    const p = this.phone(phoneId);
    return this.requireTarget().list(p.port.phoneId);
  }

  /**
   * Restores a generation (default: the newest valid one) in place of the live session: the
   * backup is decrypted and verified in a new folder first (a wrong key or damaged file changes
   * nothing), then, with the socket stopped, the live folder goes to quarantine and the
   * restored one takes its place.
   */
  restore(phoneId: string, options: RestoreOptions = {}): Promise<RestoreOutcome> {
    const p = this.phone(phoneId);
    return this.enqueue(p, () => this.doRestore(p, options));
  }

  /**
   * At start, before connecting: when the paired session was lost (creds missing or unusable)
   * and a backup exists, restores the newest valid generation. True when the phone can now
   * connect without a QR. Usable session files are never replaced (shouldRestoreAtStart), and
   * telling them apart needs no backup plan: `registered` (the phone's register() under way) is
   * awaited only for files that are not usable, so a start need not read every plan before its
   * phones connect. Throws only when that registration fails; every other outcome is logged.
   */
  async restoreAtStart(phoneId: string, registered: () => Promise<void> = () => Promise.resolve()): Promise<boolean> {
    const live = await liveCreds(this.opts.paths.session(phoneId));
    if (live === 'usable') return false;
    await registered();
    const p = this.phone(phoneId);
    if (!shouldRestoreAtStart(live, p.state.retired)) {
      const why = p.state.retired ? 'the phone was logged out, so its backups are not revived' : 'a new pairing is in progress';
      p.port.log('info', 'restore.not-needed', `No restore at start: ${why}.`, { live });
      return false;
    }
    const fresh = neverLinked(live, p.port.status().pairedAt);
    if (!this.target) {
      if (fresh) p.port.log('info', 'restore.not-linked', NOT_LINKED_YET, { live });
      else p.port.log('warn', 'restore.unavailable', 'The session files are missing or unusable, and no backup target is set up to restore from.', { live });
      return false;
    }
    try {
      const entries = await this.target.list(p.port.phoneId);
      if (entries.length === 0) {
        if (fresh) p.port.log('info', 'restore.not-linked', NOT_LINKED_YET, { live });
        else p.port.log('warn', 'restore.none', 'The session files are missing or unusable and there is no backup to restore; the phone needs a new QR scan.', { live });
        return false;
      }
      p.port.log('info', 'restore.start', `The session files are ${live}; restoring the newest valid backup of ${entries.length}.`, { live });
      await this.enqueue(p, () => this.doRestore(p, {}));
      return true;
    } catch (err) {
      p.port.log('error', 'restore.failed', `Could not restore a backup at start: ${message(err)}. The phone needs a new QR scan or a manual restore.`);
      return false;
    }
  }

  /** Cancels timers (pending plans stay persisted), starts nothing new, and waits for attempts already queued. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const p of this.phones.values()) {
      this.clock.clearTimeout(p.timer);
      this.clock.clearTimeout(p.failingTimer);
      p.timer = null;
      p.failingTimer = null;
    }
    await this.idle();
  }

  /** Resolves when no attempt is queued or running and state files are written (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const tail = this.tail;
      await tail.catch(() => undefined);
      await Promise.all([...this.phones.values()].map((p) => p.saving));
      if (tail === this.tail) return;
    }
  }

  private phone(phoneId: string): Phone {
    const p = this.phones.get(phoneId);
    if (!p) throw new UnregisteredPhoneError(phoneId);
    return p;
  }

  private requireTarget(): BackupTarget {
    if (!this.target) throw new BackupTargetError('failed', 'no backup target is set up');
    return this.target;
  }

  private request(p: Phone, delay: number, why: string): void {
    if (this.stopped) return;
    const at = this.clock.now() + delay;
    const planned = p.state.nextAttemptAt;
    if (planned !== null && p.state.failures > 0 && p.retryable) {
      p.port.log('debug', 'backup.deferred', `Backup (${why}) folded into the retry planned for ${iso(planned)}.`);
      return;
    }
    if (planned !== null && planned <= at) return; // an earlier attempt already covers this
    p.state.nextAttemptAt = at;
    if (delay > 0) {
      p.port.log('debug', 'backup.planned', `Backup (${why}) planned for ${iso(at)}.`);
      this.save(p);
    }
    this.arm(p);
  }

  private arm(p: Phone): void {
    this.clock.clearTimeout(p.timer);
    p.timer = null;
    const at = p.state.nextAttemptAt;
    if (at === null || this.stopped) return;
    const delay = at - this.clock.now();
    if (delay <= 0) this.fire(p);
    else p.timer = this.clock.setTimeout(() => this.fire(p), delay);
  }

  private fire(p: Phone): void {
    p.timer = null;
    if (this.stopped || this.phones.get(p.port.phoneId) !== p) return;
    if (p.busy > 0) {
      p.rerun = true;
      return;
    }
    void this.enqueue(p, () => this.attempt(p, { force: false }));
  }

  /** One attempt or restore at a time across all phones. */
  private enqueue<T>(p: Phone, fn: () => Promise<T>): Promise<T> {
    p.busy += 1;
    const run = this.tail.then(fn, fn);
    this.tail = run.then(
      () => this.settle(p),
      () => this.settle(p),
    );
    return run;
  }

  private settle(p: Phone): void {
    p.busy -= 1;
    if (p.busy === 0 && p.rerun) {
      p.rerun = false;
      this.arm(p);
    }
  }

  private save(p: Phone): void {
    const copy = { ...p.state };
    const dir = this.opts.paths.meta(p.port.phoneId);
    p.saving = p.saving.then(() =>
      writeBackupState(dir, copy).catch((err: unknown) => {
        p.port.log('warn', 'backup.state.unsaved', `Could not save the backup state: ${message(err)}`);
      }),
    );
  }

  private armFailingAlarm(p: Phone): void {
    this.clock.clearTimeout(p.failingTimer);
    p.failingTimer = null;
    const since = p.state.backupFailingSince;
    if (since === null || this.stopped) return;
    const delay = since + FAILING_AFTER_MS - this.clock.now();
    if (delay <= 0) return;
    p.failingTimer = this.clock.setTimeout(() => {
      p.failingTimer = null;
      p.port.log('error', 'backup.failing', `Backups have failed for 24 hours: ${p.state.lastBackupError ?? 'unknown error'}`);
      p.port.changed();
    }, delay);
  }

  private skip(p: Phone, level: LogLevel, reason: string, data?: Record<string, unknown>): BackupResult {
    p.port.log(level, 'backup.skipped', `Backup skipped: ${reason}.`, data);
    return { outcome: 'skipped', reason };
  }

  private async attempt(p: Phone, opts: { force: boolean }): Promise<BackupResult> {
    const s = p.state;
    this.clock.clearTimeout(p.timer);
    p.timer = null;
    if (s.nextAttemptAt !== null) {
      s.nextAttemptAt = null; // consumed; requests made while this runs plan the next one
      this.save(p);
    }
    const target = this.target;
    if (!target) return this.skip(p, 'info', 'no backup target is set up');

    const status = p.port.status();
    const blocked = backupBlockReason(status);
    if (blocked) {
      if (status.state === 'logged-out' && !s.retired) {
        s.retired = true;
        this.save(p);
      }
      return this.skip(p, 'info', blocked, { state: status.state });
    }

    const read = await verifiedSnapshot(p.port);
    if (!read.ok) return this.skip(p, read.level, read.reason);
    const snapshot = read.snapshot;

    if (!opts.force && snapshot.contentHash === s.lastContentHash) {
      const hadFailures = s.failures > 0;
      if (hadFailures) this.clearFailures(p); // the target already holds exactly this content
      p.port.log('info', 'backup.unchanged', `Nothing changed since backup ${s.lastBackupGeneration ?? '(restored)'}; no upload.`, {
        generation: s.lastBackupGeneration,
      });
      if (hadFailures) p.port.changed();
      return { outcome: 'unchanged', generation: s.lastBackupGeneration };
    }

    const now = this.clock.now();
    try {
      const { put, bytes } = await sealAndPut({
        target,
        port: p.port,
        allPhoneIds: [...this.phones.keys()],
        secret: this.opts.secret,
        snapshot,
        info: { phoneId: p.port.phoneId, pairedAt: status.pairedAt, appVersion: typeof this.opts.appVersion === 'function' ? this.opts.appVersion() : this.opts.appVersion },
        now,
        keep: this.keep,
      });
      s.lastContentHash = snapshot.contentHash;
      s.lastBackupAt = now;
      s.lastBackupGeneration = put.name;
      s.pruneWarning = put.pruneError ? put.pruneError.message : null;
      this.clearFailures(p);
      p.port.log('info', 'backup.uploaded', `Backed up ${snapshot.files.length} session files to ${target.kind} as ${put.name}.`, {
        generation: put.name,
        bytes,
        files: snapshot.files.length,
        pruned: put.pruned,
      });
      if (put.kept.length > 0) {
        p.port.log('warn', 'backup.kept-old-key', `Kept ${put.kept.length} older backups past the limit: the current key or passphrase cannot open them, so removing them would lose them.`, { kept: put.kept });
      }
      if (put.pruneError) p.port.log('warn', 'backup.prune-failed', `The backup is safe, but removing old generations failed: ${put.pruneError.message}`);
      p.port.changed();
      return { outcome: 'uploaded', generation: put.name, pruned: put.pruned };
    } catch (err) {
      return this.fail(p, target, err);
    }
  }

  /** What `recoveryKeyFor` needs from the stored backups: the newest generation, and whether a passphrase is in use. */
  async recoveryFacts(): Promise<{ passphraseSet: boolean; newest: { name: string; bytes: Buffer } | null }> {
    let passphraseSet = false;
    try {
      passphraseSet = 'passphrase' in (await this.opts.secret());
    } catch (err) {
      if (!(err instanceof BackupError && err.kind === 'key-missing')) throw err;
    }
    const target = this.target;
    if (!target) return { passphraseSet, newest: null };
    let newest: { phoneId: string; name: string } | null = null;
    for (const phone of this.phones.values()) {
      const [top] = await target.list(phone.port.phoneId);
      if (top && (!newest || top.name > newest.name)) newest = { phoneId: phone.port.phoneId, name: top.name };
    }
    return { passphraseSet, newest: newest ? { name: newest.name, bytes: await target.get(newest.phoneId, newest.name) } : null };
  }

  private clearFailures(p: Phone): void {
    p.port.storageWrite?.(null);
    const s = p.state;
    s.lastBackupError = null;
    s.backupFailingSince = null;
    s.failures = 0;
    p.retryable = true;
    this.clock.clearTimeout(p.failingTimer);
    p.failingTimer = null;
    this.save(p);
  }

  private fail(p: Phone, target: BackupTarget, err: unknown): BackupResult {
    const s = p.state;
    const now = this.clock.now();
    const retryable = isRetryable(err);
    const firstFailure = s.backupFailingSince === null;
    s.failures += 1;
    s.backupFailingSince ??= now;
    s.lastBackupError = message(err);
    p.retryable = retryable;
    // A request made during this attempt is replaced: the retry plan is what counts now.
    s.nextAttemptAt = now + (retryable ? retryDelay(s.failures) : NON_RETRYABLE_DELAY_MS);
    this.save(p);
    const disk = diskRefusal(err);
    if (disk && target instanceof LocalFolderTarget) p.port.storageWrite?.({ path: target.folder(p.port.phoneId), err: disk });
    if (firstFailure) this.armFailingAlarm(p);
    const next = `next try ${iso(s.nextAttemptAt)}${retryable ? '' : ' or on the next keep-alive (fix the backup settings)'}`;
    p.port.log(retryable ? 'warn' : 'error', 'backup.failed', `Backup to ${target.kind} failed: ${s.lastBackupError} (${next}).`, {
      failures: s.failures,
      retryable,
      nextAttemptAt: s.nextAttemptAt,
      failingSince: s.backupFailingSince,
    });
    this.arm(p);
    p.port.changed();
    return { outcome: 'failed', error: s.lastBackupError, retryable, nextAttemptAt: s.nextAttemptAt };
  }

  private async doRestore(p: Phone, options: RestoreOptions): Promise<RestoreOutcome> {
    const target = this.requireTarget();
    const phoneId = p.port.phoneId;
    const names = options.generation !== undefined ? [options.generation] : (await target.list(phoneId)).map((e) => e.name);
    if (names.length === 0) throw new BackupTargetError('not-found', `there is no backup of phone ${phoneId} to restore`);
    const secret = options.secret ?? (await this.opts.secret());
    const out = await restoreFirstUsable({
      target,
      port: p.port,
      secret,
      names,
      chosen: options.generation !== undefined,
      quarantineRoot: this.opts.paths.quarantine,
      now: () => this.clock.now(),
    });
    // The live folder now holds exactly this generation: no need to upload it again.
    p.state.lastContentHash = out.metadata.contentHash;
    p.state.retired = false;
    this.save(p);
    p.port.log(
      'info',
      'restore.done',
      `Restored backup ${out.generation} (made ${iso(out.metadata.createdAt)}).` +
        (out.quarantinedTo ? ` The previous session files were moved to ${out.quarantinedTo}; nothing was deleted.` : ''),
      { generation: out.generation, quarantinedTo: out.quarantinedTo, skipped: out.skipped.length },
    );
    p.port.changed();
    return out;
  }
}
