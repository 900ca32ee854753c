// App settings → the keeper's options, and whether a settings change needs a new keeper. Pure
// (the Supabase target and the key provider are handed in), so tested without Electron.
import type { SocketConfig } from '@whiskeysockets/baileys';
import type { KeeperOptions } from './engine/keeper.js';
import type { BackupSecretProvider } from './engine/backup/key-store.js';
import type { BackupTarget } from './engine/backup/targets.js';
import type { AppSettings } from './settings/schema.js';
import { WA_VERSION_URL } from './engine/wa-version.js';

export interface EngineInputs {
  dataDir: string;
  secret: BackupSecretProvider;
  /** the Supabase target when settings ask for it and a key is stored; null otherwise */
  supabaseTarget: BackupTarget | null;
  /** e.g. socketOverridesFromEnv(): another WhatsApp Web endpoint */
  socket?: Partial<SocketConfig>;
  /**
   * e.g. waVersionUrlFromEnv(): where to learn the current WhatsApp Web version; null = never ask.
   * Absent: WhatsApp's own document, unless `socket` names another endpoint (then never ask).
   */
  waVersionUrl?: string | null;
}

export function keeperOptionsFromSettings(s: AppSettings, inputs: EngineInputs): KeeperOptions {
  const versionUrl = inputs.waVersionUrl !== undefined ? inputs.waVersionUrl : inputs.socket?.waWebSocketUrl ? null : WA_VERSION_URL;
  const target: BackupTarget | null | undefined =
    s.backup.target === 'local' ? undefined : s.backup.target === 'supabase' ? inputs.supabaseTarget : null;
  return {
    dataDir: inputs.dataDir,
    phones: s.phones.map((p) => ({ id: p.id, ...(p.label !== undefined ? { label: p.label } : {}) })),
    keepAlive: s.keepAlive,
    outbound: s.outbound,
    policy: { unauthorizedRetries: s.reconnect.unauthorizedRetries, maxConsecutiveFailures: s.reconnect.maxConsecutiveFailures },
    backup: { ...(target !== undefined ? { target } : {}), secret: inputs.secret, keep: s.backup.keep },
    ...(inputs.socket ? { socket: inputs.socket } : {}),
    ...(versionUrl ? { waVersion: { url: versionUrl } } : {}),
  };
}

/** Everything but "start at login" is read once by the keeper: a change there means a restart. */
export function needsEngineRestart(before: AppSettings, after: AppSettings): boolean {
  const engine = (s: AppSettings) => JSON.stringify([s.phones, s.keepAlive, s.outbound, s.reconnect, s.backup]);
  return engine(before) !== engine(after);
}
