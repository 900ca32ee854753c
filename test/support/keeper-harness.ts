// Test harness: a real keeper (real Baileys) against the local WhatsApp Web test server, in a
// temp data folder. Every test gets its own server, folder and keeper, and `close()` ends all.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeeper, type Keeper, type KeeperOptions } from '../../main/engine/keeper.js';
import type { LogEntry, PhoneStatus } from '../../main/engine/types.js';
import { installTestRoot, startWaServer, uninstallTestRoot, type WaServer, type WaServerOptions } from './wa-server/index.js';

export interface Harness {
  server: WaServer;
  dataDir: string;
  keeper: Keeper;
  statuses: PhoneStatus[];
  logs: LogEntry[];
  /** a new keeper on the same data folder (the old one must be stopped first) */
  restart(extra?: Partial<KeeperOptions>): Promise<Keeper>;
  /** like restart, but the new keeper is not started */
  freshKeeper(extra?: Partial<KeeperOptions>): Keeper;
  waitForStatus(phoneId: string, pred: (s: PhoneStatus) => boolean, timeoutMs?: number): Promise<PhoneStatus>;
  waitForLog(pred: (e: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
  /** pairs a phone by scanning its QR with the simulated phone; resolves once it is open */
  pair(phoneId?: string): Promise<PhoneStatus>;
  close(): Promise<void>;
}

export async function startHarness(
  /** `dataDir`: a folder to use (e.g. on a small filesystem); removed by `close()` like the default one */
  options: { server?: WaServerOptions; keeper?: Partial<KeeperOptions>; phones?: string[]; dataDir?: string } = {},
): Promise<Harness> {
  installTestRoot();
  const server = await startWaServer(options.server ?? {});
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'keeper-')));
  const statuses: PhoneStatus[] = [];
  const logs: LogEntry[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  const make = (extra: Partial<KeeperOptions> = {}): Keeper => {
    const keeper = createKeeper({
      dataDir,
      phones: (options.phones ?? ['default']).map((id) => ({ id, label: id })),
      socket: { waWebSocketUrl: server.url },
      ...options.keeper,
      ...extra,
    });
    keeper.on('status', (s) => {
      statuses.push(s);
      notify();
    });
    keeper.on('log', (e) => {
      logs.push(e);
      notify();
    });
    return keeper;
  };
  const waitUntil = <T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found !== undefined) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last statuses: ${JSON.stringify(statuses.slice(-3).map((s) => [s.phoneId, s.state, s.detail]))}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  const h: Harness = {
    server,
    dataDir,
    keeper: make(),
    statuses,
    logs,
    async restart(extra) {
      h.keeper = make(extra);
      await h.keeper.start();
      return h.keeper;
    },
    freshKeeper(extra) {
      h.keeper = make(extra);
      return h.keeper;
    },
    waitForStatus(phoneId, pred, timeoutMs = 10_000) {
      return waitUntil(
        () => {
          const s = h.keeper.status(phoneId);
          return pred(s) ? s : undefined;
        },
        timeoutMs,
        `a status of ${phoneId}`,
      );
    },
    waitForLog(pred, timeoutMs = 10_000) {
      return waitUntil(() => logs.find(pred), timeoutMs, 'a log entry');
    },
    async pair(phoneId = 'default') {
      const waiting = await h.waitForStatus(phoneId, (s) => s.state === 'waiting-for-scan' && s.qr !== null);
      await server.phone.scan(waiting.qr ?? '');
      return h.waitForStatus(phoneId, (s) => s.state === 'open');
    },
    async close() {
      await h.keeper.stop().catch(() => {});
      await server.close();
      uninstallTestRoot();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}
