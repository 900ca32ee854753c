// A real data folder for backup-manager tests: a Baileys-written session opened with the real
// AuthStore, the real key-file provider, and a port that behaves as the keeper's will
// (lock = the store's write lock; "stop the session" = close the store, reopen after when the
// phone's intent says so). test/main/engine/backup-port-contract.test.ts runs the same contract
// against this port and the real PhoneSession, so the two cannot drift apart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuthStore, type AuthStore } from '../../../../main/engine/auth-store.js';
import { BackupManager, type BackupPhonePort } from '../../../../main/engine/backup/backup-manager.js';
import { keyFileSecretProvider, installationKeyPath, type BackupSecretProvider } from '../../../../main/engine/backup/key-store.js';
import { LocalFolderTarget } from '../../../../main/engine/backup/local-folder-target.js';
import type { BackupTarget } from '../../../../main/engine/backup/targets.js';
import { ManualClock } from '../../../../main/engine/clock.js';
import { dataPaths, type DataPaths } from '../../../../main/engine/paths.js';
import { resumesAfterSwap, type SessionIntent } from '../../../../main/engine/phone-session.js';
import type { LogEntry, LogLevel, PhoneState, PhoneStatus, RemovedDevice } from '../../../../main/engine/types.js';
import { FIXTURE_ME, writeBaileysSession } from './session-fixture.js';

export const T0 = Date.UTC(2026, 2, 1, 8, 0);
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const PHONE = 'phone-1';

export class TestPort implements BackupPhonePort {
  state: PhoneState = 'open';
  /** what the real session's intent would be: a fake "connects" by reopening its store */
  intent: SessionIntent = 'run';
  removed: RemovedDevice[] = [];
  quarantinedTo: string | null = null;
  pairedAt: number | null = T0 - 30 * 24 * HOUR;
  readonly logs: LogEntry[] = [];
  changes = 0;
  stops = 0;
  store: AuthStore | null = null;

  constructor(
    readonly phoneId: string,
    readonly sessionDir: string,
    private readonly paths: DataPaths,
    private readonly clock: ManualClock,
  ) {}

  async openStore(): Promise<void> {
    this.store = (await openAuthStore({ dir: this.sessionDir, quarantineDir: this.paths.quarantine, clock: this.clock })).store;
  }

  status(): Pick<PhoneStatus, 'state' | 'pairedAt' | 'quarantinedTo'> {
    return { state: this.state, pairedAt: this.pairedAt, quarantinedTo: this.quarantinedTo };
  }

  withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.store ? this.store.withWriteLock(fn) : fn();
  }

  async withSessionStopped<T>(fn: () => Promise<T>): Promise<T> {
    this.stops += 1;
    await this.store?.close();
    this.store = null;
    if (this.intent === 'run') this.state = 'connecting';
    let swapped = false;
    try {
      const result = await fn();
      swapped = true;
      return result;
    } finally {
      if (swapped ? resumesAfterSwap(this.intent) : this.intent === 'run') {
        this.intent = 'run';
        await this.openStore();
        this.state = 'open';
        this.quarantinedTo = null;
      }
    }
  }

  async adoptRestored(info: { pairedAt: number | null; me: string }): Promise<void> {
    this.pairedAt = info.pairedAt;
  }

  removedDevice(me: string): RemovedDevice | null {
    return this.removed.find((r) => r.device === me) ?? null;
  }

  /** The user stopped the phone. */
  async stop(): Promise<void> {
    this.intent = 'user-stopped';
    await this.store?.close();
    this.store = null;
    this.state = 'stopped';
  }

  /** A logout WhatsApp confirmed: the device is removed and the session needs a new link. */
  async logout(): Promise<void> {
    this.removed.push({ device: FIXTURE_ME, at: this.clock.now(), cause: 'user-logout' });
    await this.unlink();
  }

  /** The session files became unreadable: it needs a new link, but its backups still link. */
  async unlink(): Promise<void> {
    this.intent = 'unlinked';
    await this.store?.close();
    this.store = null;
    await rm(this.sessionDir, { recursive: true, force: true });
    this.state = 'logged-out';
    this.pairedAt = null;
  }

  log(level: LogLevel, event: string, message: string, data?: Record<string, unknown>): void {
    this.logs.push({ at: this.clock.now(), phoneId: this.phoneId, level, event, message, ...(data ? { data } : {}) });
  }

  changed(): void {
    this.changes += 1;
  }

  events(name: string): LogEntry[] {
    return this.logs.filter((l) => l.event === name);
  }

  /** A real creds.json change, written through the store as Baileys' creds.update would. */
  async changeCreds(tag: string): Promise<void> {
    const store = this.store;
    if (!store) throw new Error('store closed');
    const me = store.state.creds.me;
    if (!me) throw new Error('fixture is not paired');
    store.state.creds.me = { ...me, name: tag };
    await store.saveCreds();
  }
}

export interface Rig {
  root: string;
  paths: DataPaths;
  clock: ManualClock;
  port: TestPort;
  manager: BackupManager;
  target: BackupTarget;
  secret: BackupSecretProvider;
  /** a second manager on the same folder, as after an app restart */
  restart(): Promise<BackupManager>;
}

export interface RigOptions {
  target?: (root: string) => BackupTarget;
  secret?: (root: string) => BackupSecretProvider;
  keep?: number;
  keyFiles?: number;
  /** write no session at all (restore-at-start on a new machine) */
  noSession?: boolean;
}

export async function makeRig(t: { after(fn: () => Promise<void>): void }, options: RigOptions = {}): Promise<Rig> {
  const root = await mkdtemp(join(tmpdir(), 'backupmgr-'));
  const paths = dataPaths(root);
  const clock = new ManualClock(T0);
  const sessionDir = paths.session(PHONE);
  if (!options.noSession) await writeBaileysSession(sessionDir, options.keyFiles ?? 12);
  const port = new TestPort(PHONE, sessionDir, paths, clock);
  if (!options.noSession) await port.openStore();
  const target = options.target?.(root) ?? new LocalFolderTarget(root);
  const secret = options.secret?.(root) ?? keyFileSecretProvider({ keyFile: installationKeyPath(root) });
  const make = (): BackupManager => new BackupManager({ target, secret, paths, appVersion: 'test', clock, ...(options.keep ? { keep: options.keep } : {}) });
  const managers: BackupManager[] = [make()];
  await managers[0]!.register(port);
  t.after(async () => {
    for (const m of managers) await m.stop();
    await port.store?.close();
    await rm(root, { recursive: true, force: true });
  });
  return {
    root,
    paths,
    clock,
    port,
    manager: managers[0]!,
    target,
    secret,
    async restart() {
      const m = make();
      managers.push(m);
      await m.register(port);
      return m;
    },
  };
}
