// Main's own IPC for the test bridge: the real preload mapping (createKeeperApi), the real router
// (contract payload schemas, sender check) and the real handlers (confirmation table, settings
// merge, secrets, recovery key, local API) over a real keeper (the harness's). Only what Electron
// gives main is stood in for, each by a real Node part: settings on conf (electron-store's engine),
// secrets encrypted with AES-GCM (safeStorage in the app), and the native dialogs, which the test
// answers and records.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Conf from 'conf';
import type { AppSettings, SecretName } from '../../../main/settings/schema.js';
import type { KeeperApi, SecretsInfo } from '../../../main/ipc/contract.js';
import type { LogEntry } from '../../../main/engine/types.js';
import type { Harness } from '../keeper-harness.js';
import { createHandlers, type KeeperPort } from '../../../main/ipc/handlers.js';
import { createIpcRouter, type IpcEventLike } from '../../../main/ipc/router.js';
import { createKeeperApi } from '../../../preload/keeper-api.js';
import { LogTail } from '../../../main/engine/log-tail.js';
import { SettingsStore, settingsStoreOptions, type StoredSettings } from '../../../main/settings/settings-store.js';
import { SecretStore } from '../../../main/settings/secret-store.js';
import { AesGcmEncryptor } from '../../../main/settings/encryptor.js';
import { setupLocalApi, type LocalApiService } from '../../../main/setup-local-api.js';

export interface BridgeOptions {
  /** entries the keeper's log tail holds before its own (the 10,000-entry log tests) */
  seedLog?: LogEntry[];
  secretsBackend?: SecretsInfo['backend'];
}

export interface BridgeState {
  /** the settings in main's store now */
  readonly settings: AppSettings;
  /** every settings object main saved (onSettingsSaved), oldest first */
  saved: AppSettings[];
  /** which secrets main's secret store holds now */
  readonly secrets: Record<SecretName, boolean>;
  /** every KeeperApi method the page called */
  calls: string[];
  /** every native confirmation main asked, in order */
  confirmations: { message: string; detail: string | null }[];
  /** the next native confirmations are declined */
  declineConfirm?: boolean;
  /** the folder the next folder picker answers; null (default): cancelled */
  pickedFolder: string | null;
  /** what the save dialog answers for a default file name; default: that name in the data folder */
  pickSaveFile: (defaultName: string) => string | null;
}

export interface MainIpc {
  /** window.keeper as the preload builds it for a page at `pageUrl`, every call going through main's router */
  apiFor(pageUrl: string): KeeperApi;
  state: BridgeState;
  close(): Promise<void>;
}

const WEB_CONTENTS_ID = 1;

/** A keeper whose log tail starts with the seeded entries, then everything the keeper logged. */
function withSeededLog(h: Harness, seed: LogEntry[]): { keeper: () => KeeperPort; stop(): void } {
  const tail = new LogTail(seed.length + 1000);
  for (const e of [...seed, ...h.keeper.logTail()]) tail.push(e);
  const onLog = (e: LogEntry) => tail.push(e);
  h.keeper.on('log', onLog);
  return {
    keeper: () => {
      const k = h.keeper;
      const logTail: KeeperPort['logTail'] = (q = {}) => tail.query(q);
      return new Proxy(k, {
        get: (t, p) => {
          if (p === 'logTail') return logTail;
          const v: unknown = Reflect.get(t, p);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
        },
      });
    },
    stop: () => h.keeper.off('log', onLog),
  };
}

/** `origin`: the page's origin; the router refuses calls from any other (main's sender check). */
export async function startMainIpc(h: Harness, origin: string, opts: BridgeOptions, onSettings: (s: AppSettings) => void): Promise<MainIpc> {
  const userData = await mkdtemp(join(tmpdir(), 'bridge-userdata-'));
  const settings = new SettingsStore(new Conf<StoredSettings>(settingsStoreOptions(userData)));
  const first = settings.set({ phones: h.keeper.phoneIds().map((id) => ({ id, label: id })), keepAlive: { timeZone: 'UTC' } });
  if (!first.ok) throw new Error('default settings did not validate');
  const secrets = new SecretStore(userData, new AesGcmEncryptor(randomBytes(32), opts.secretsBackend ?? 'keychain'));
  const localApi: LocalApiService = setupLocalApi({ dataDir: h.dataDir, secrets, log: () => undefined });
  const seeded = opts.seedLog ? withSeededLog(h, opts.seedLog) : null;
  const state: BridgeState = {
    get settings() {
      return settings.get();
    },
    saved: [],
    get secrets() {
      return secrets.info().set;
    },
    calls: [],
    confirmations: [],
    pickedFolder: null,
    pickSaveFile: (name) => join(h.dataDir, name),
  };
  const router = createIpcRouter({
    handlers: createHandlers({
      keeper: seeded?.keeper ?? (() => h.keeper),
      settings,
      secrets,
      environment: () => ({ version: 'test', platform: process.platform, dataDir: h.dataDir, logsDir: join(h.dataDir, 'logs'), secrets: secrets.info() }),
      localApi,
      pickFolder: async () => state.pickedFolder,
      pickSaveFile: async (name) => state.pickSaveFile(name),
      confirm: async (message, detail) => {
        state.confirmations.push({ message, detail: detail ?? null });
        return !state.declineConfirm;
      },
      // as main: the page hears the new settings and the local API follows them (the engine is the
      // harness's own and is not restarted for engine settings)
      onSettingsSaved: (next) => {
        state.saved.push(next);
        onSettings(next);
        void localApi.apply(next.api, { keeper: h.keeper, messaging: null, outbound: null });
      },
    }),
    trusted: { webContentsId: () => WEB_CONTENTS_ID, origin },
  });
  const apiFor = (pageUrl: string): KeeperApi => {
    const event: IpcEventLike = { sender: { id: WEB_CONTENTS_ID }, senderFrame: { url: pageUrl, parent: null } };
    return createKeeperApi({
      invoke: (channel, payload) => router(channel, event, payload),
      // pushes go over the bridge's WebSocket, not through this object
      on: () => undefined,
      removeListener: () => undefined,
    });
  };
  return {
    apiFor,
    state,
    async close() {
      seeded?.stop();
      await localApi.stop();
      await rm(userData, { recursive: true, force: true });
    },
  };
}
