// The engine as the tray app runs it: the backup key (passphrase or installation key file), the
// Supabase target when chosen and keyed, and the keeper, its status and log fanned out.
import { safeStorage } from 'electron';
import { createKeeper, type Keeper } from './engine/keeper.js';
import { installationKeyPath } from './engine/backup/key-store.js';
import type { BackupTarget } from './engine/backup/targets.js';
import type { LogEntry, PhoneStatus } from './engine/types.js';
import { keeperOptionsFromSettings } from './engine-options.js';
import { socketOverridesFromEnv, waVersionUrlFromEnv } from './engine/env-overrides.js';
import { appBackupSecretProvider } from './settings/backup-secret.js';
import type { SecretStore } from './settings/secret-store.js';
import type { AppSettings } from './settings/schema.js';
import type { Logger } from 'pino';

export interface Engine {
  keeper: Keeper;
  settings: AppSettings;
}

export interface EngineDeps {
  dataDir: string;
  secrets: SecretStore;
  logger(): Logger | null;
  onStatus(s: PhoneStatus): void;
  onLog(e: LogEntry): void;
}

export async function setupEngine(settings: AppSettings, deps: EngineDeps): Promise<Engine> {
  const secret = appBackupSecretProvider({
    secrets: deps.secrets,
    encryptionAvailable: safeStorage.isEncryptionAvailable(),
    keyFile: installationKeyPath(deps.dataDir),
    onCreated: (where) => deps.logger()?.info({ where }, 'created the backup installation key; export a recovery key to restore elsewhere'),
    onAdopted: (message) => deps.logger()?.warn(message),
  });
  let supabaseTarget: BackupTarget | null = null;
  if (settings.backup.target === 'supabase') {
    const key = deps.secrets.get('supabaseKey');
    if (key) {
      // imported only when used: supabase-js is heavy and warns on load
      const { SupabaseTarget } = await import('./engine/backup/supabase-target.js');
      supabaseTarget = new SupabaseTarget({ url: settings.backup.supabase.url, key, bucket: settings.backup.supabase.bucket, prefix: settings.backup.supabase.prefix });
    } else deps.logger()?.warn('Supabase backups are selected but no Supabase key is stored: backups are off until one is set');
  }
  const socket = socketOverridesFromEnv();
  // the same environment as headless: SESSION_KEEPER_WA_VERSION_URL, or none beside a WA_URL override
  const keeper = createKeeper(keeperOptionsFromSettings(settings, { dataDir: deps.dataDir, secret, supabaseTarget, waVersionUrl: waVersionUrlFromEnv(), ...(socket ? { socket } : {}) }));
  keeper.on('status', deps.onStatus);
  keeper.on('log', deps.onLog);
  try {
    await keeper.start();
  } catch (err) {
    // its phones may have connected already: a keeper nobody holds must not keep them
    await keeper.stop().catch(() => undefined);
    throw err;
  }
  return { keeper, settings };
}
