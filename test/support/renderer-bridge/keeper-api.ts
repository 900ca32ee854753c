// What main's IPC handlers do, for the test bridge: every KeeperApi method answered by a REAL
// keeper (the harness's). App settings and secrets, which live in Electron's stores in the app,
// are held here in memory and validated with the same parseAppSettings.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppEnvironment, BackupNowResult, SecretsInfo } from '../../../main/ipc/contract.js';
import { parseAppSettings, SECRET_NAMES, type AppSettings, type SecretName } from '../../../main/settings/schema.js';
import type { LogEntry, LogLevel } from '../../../main/engine/types.js';
import type { Harness } from '../keeper-harness.js';
import { recoveryKeySheet } from '../../../main/presenters/recovery-key-sheet.js';
import { randomBytes } from 'node:crypto';
import { KeeperError } from '../../../main/engine/errors.js';
import { SecretStore } from '../../../main/settings/secret-store.js';
import { AesGcmEncryptor } from '../../../main/settings/encryptor.js';
import { setupLocalApi, type LocalApiService } from '../../../main/setup-local-api.js';
import { presentUptime } from '../../../main/presenters/uptime-presenter.js';

export interface BridgeOptions {
  /** extra entries served by getLog before the keeper's own (the 10,000-entry log tests) */
  seedLog?: LogEntry[];
  secretsBackend?: SecretsInfo['backend'];
}

export type Handler = (...args: unknown[]) => Promise<unknown>;

export interface BridgeState {
  settings: AppSettings;
  /** every settings object main was asked to save */
  saved: AppSettings[];
  secrets: Record<SecretName, boolean>;
  calls: string[];
  /** the next native confirmations are declined */
  declineConfirm?: boolean;
}

/** What main's router refuses before any handler runs: it answers 'invalid-payload'. */
export class PayloadRefused extends Error {}

const str = (v: unknown): string => {
  if (typeof v !== 'string') throw new PayloadRefused('Unknown or malformed phone id');
  return v;
};

export function keeperHandlers(h: Harness, opts: BridgeOptions, onSettings: (s: AppSettings) => void): { handlers: Record<string, Handler>; state: BridgeState; localApi: LocalApiService } {
  // the local API is main's own service, over a real (AES-GCM instead of keychain) secret store
  const localApi = setupLocalApi({ dataDir: h.dataDir, secrets: new SecretStore(join(h.dataDir, 'bridge-secrets'), new AesGcmEncryptor(randomBytes(32))), log: () => undefined });
  const apiBackend = { keeper: h.keeper, messaging: null, outbound: null };
  const initial = parseAppSettings({ phones: h.keeper.phoneIds().map((id) => ({ id, label: id })), keepAlive: { timeZone: 'UTC' } });
  if (!initial.ok) throw new Error('default settings did not validate');
  const state: BridgeState = { settings: initial.settings, saved: [], secrets: { supabaseKey: false, backupPassphrase: false }, calls: [] };
  const secretsInfo = (): SecretsInfo => ({ set: { ...state.secrets }, backend: opts.secretsBackend ?? 'keychain' });
  let exports = 0;
  const save = async (s: unknown): Promise<AppSettings> => {
    const r = parseAppSettings(s);
    if (!r.ok) throw new PayloadRefused(r.problems.map((p) => p.message).join('; '));
    state.settings = r.settings;
    state.saved.push(r.settings);
    await localApi.apply(r.settings.api, apiBackend);
    onSettings(r.settings);
    return r.settings;
  };
  const handlers: Record<string, Handler> = {
    getStatuses: async () => h.keeper.statuses(),
    getLog: async (q) => {
      const query = (q ?? {}) as { phoneId?: string | null; level?: LogLevel; limit?: number };
      const own = h.keeper.logTail({ ...(query.phoneId !== undefined ? { phoneId: query.phoneId } : {}), ...(query.level ? { level: query.level } : {}), limit: query.limit ?? 1000 });
      const all = [...(opts.seedLog ?? []), ...own];
      return all.slice(-(query.limit ?? 1000));
    },
    reconnect: (id) => h.keeper.reconnect(str(id)),
    requestQr: (id) => h.keeper.requestQr(str(id)),
    requestPairingCode: async (id, number) => {
      const { code, expiresAt } = await h.keeper.requestPairingCode(str(id), str(number));
      return { code, expiresAt };
    },
    logout: (id) => h.keeper.logout(str(id)),
    backupNow: async (id): Promise<BackupNowResult> => {
      const r = await h.keeper.backupNow(str(id), { force: true });
      return r.outcome === 'uploaded' ? { outcome: 'uploaded', generation: r.generation } : r.outcome === 'failed' ? { outcome: 'failed', error: r.error } : r;
    },
    listBackups: (id) => h.keeper.listBackups(str(id)),
    checkBackupTarget: () => h.keeper.checkBackupTarget(),
    restore: async (id, generation) => {
      const r = await h.keeper.restore(str(id), typeof generation === 'string' ? { generation } : {});
      return { generation: r.generation, quarantinedTo: r.quarantinedTo };
    },
    keepAliveNow: async (id, o) => {
      const r = await h.keeper.keepAliveNow(str(id), { force: (o as { force?: boolean } | undefined)?.force ?? false });
      return { sentAt: r.sentAt, nextKeepAliveAt: r.nextKeepAliveAt };
    },
    pauseKeepAlive: (id) => h.keeper.pauseKeepAlive(str(id)),
    resumeKeepAlive: (id) => h.keeper.resumeKeepAlive(str(id)),
    resumeSending: (id) => h.keeper.resumeOutbound(str(id)),
    // main would show a folder picker here; the test user cancels it
    importSession: async () => null,
    getSettings: async () => state.settings,
    setSettings: (s) => save(s),
    // main's handler: only the named sections, over the settings as they are now
    updateSettings: (sections) => save({ ...state.settings, ...(sections as object) }),
    setSecret: async (name, value) => {
      if (!SECRET_NAMES.includes(name as SecretName)) throw new PayloadRefused('Unknown secret');
      state.secrets[name as SecretName] = typeof value === 'string' && value !== '';
      return secretsInfo();
    },
    getEnvironment: async (): Promise<AppEnvironment> => ({ version: 'test', platform: process.platform, dataDir: h.dataDir, logsDir: join(h.dataDir, 'logs'), secrets: secretsInfo() }),
    // main would ask a native confirmation first; the test user agrees (state.declineConfirm: declines)
    exportRecoveryKey: async (o) => {
      const toFile = (o as { toFile?: unknown } | undefined)?.toFile;
      if (typeof toFile !== 'boolean') throw new PayloadRefused('toFile must be true or false');
      const key = await h.keeper.recoveryKey();
      state.calls.push(`confirm:${toFile ? 'save' : 'show'}`);
      if (state.declineConfirm) return null;
      if (!toFile) return { key, savedTo: null };
      const path = join(h.dataDir, 'recovery-key.txt');
      await writeFile(path, recoveryKeySheet(key, Date.now()), { mode: 0o600 });
      return { key, savedTo: path };
    },
    getApiState: async () => localApi.state(),
    // main asks a native confirmation first; the test user agrees (state.declineConfirm: declines)
    newApiSecret: async (target) => {
      state.calls.push('confirm:api-secret');
      if (state.declineConfirm) throw new KeeperError('refused-by-gate', 'Cancelled: nothing was changed.');
      return localApi.newSecret(target as Parameters<LocalApiService['newSecret']>[0]);
    },
    getUptime: async (id, o) => {
      const days = (o as { days?: unknown } | undefined)?.days;
      return presentUptime(await h.keeper.uptime(str(id), typeof days === 'number' ? { days } : {}));
    },
    exportLog: async (phoneId) => {
      const path = join(h.dataDir, `exported-log-${++exports}.jsonl`);
      const entries = h.keeper.logTail(typeof phoneId === 'string' || phoneId === null ? { phoneId } : {});
      await writeFile(path, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
      return path;
    },
  };
  return { handlers, state, localApi };
}
