// The app settings on disk: conf (the engine of electron-store) with a JSON schema for the file's
// shape and migrations for older files; every write is validated with parseAppSettings first,
// so a bad value never reaches the file. The options are built here once and used by both
// electron-store (the app) and plain conf (tests, headless), so both read the file the same way.
import type Conf from 'conf';
import type { Options as ConfOptions } from 'conf';
import { defaultAppSettings, parseAppSettings, SETTINGS_VERSION, type AppSettings, type AppSettingsResult } from './schema.js';

export type StoredSettings = Record<string, unknown>;

/**
 * The store's own format version, independent of the app version: conf runs a migration keyed
 * '1.0.0' once for any file written before it (including files with no version at all).
 */
export const SETTINGS_STORE_VERSION = `${SETTINGS_VERSION}.0.0`;
export const SETTINGS_FILE_NAME = 'settings';

const obj = { type: 'object' } as const;

/** The file's shape (ajv); the meaning of each value is parseAppSettings' job. */
export const SETTINGS_JSON_SCHEMA = {
  version: { type: 'integer', minimum: 1 },
  phones: {
    type: 'array',
    items: { type: 'object', properties: { id: { type: 'string' }, label: { type: 'string' } }, required: ['id'] },
  },
  keepAlive: obj,
  outbound: obj,
  reconnect: obj,
  backup: obj,
  startAtLogin: { type: 'boolean' },
  updateUrl: { type: 'string' },
} as const;

/**
 * 0.0.x files (before the version field) were flat:
 * `{ phoneIds: string[], intervalHours, sleepStart, sleepEnd, backupTarget, launchAtLogin }`.
 * Unknown keys are dropped; values that no longer validate are left for parseAppSettings to name.
 */
export function migrateToV1(old: StoredSettings): StoredSettings {
  if (typeof old.version === 'number') return old;
  const out: StoredSettings = { version: 1 };
  if (Array.isArray(old.phoneIds)) out.phones = old.phoneIds.filter((id): id is string => typeof id === 'string').map((id) => ({ id }));
  else if (Array.isArray(old.phones)) out.phones = old.phones;
  const keepAlive: StoredSettings = typeof old.keepAlive === 'object' && old.keepAlive !== null ? { ...(old.keepAlive as StoredSettings) } : {};
  if (typeof old.intervalHours === 'number') keepAlive.intervalHours = old.intervalHours;
  if (typeof old.sleepStart === 'string' && typeof old.sleepEnd === 'string') keepAlive.sleepWindow = { start: old.sleepStart, end: old.sleepEnd };
  out.keepAlive = keepAlive;
  if (typeof old.backupTarget === 'string') out.backup = { target: old.backupTarget };
  else if (typeof old.backup === 'object' && old.backup !== null) out.backup = old.backup;
  if (typeof old.launchAtLogin === 'boolean') out.startAtLogin = old.launchAtLogin;
  else if (typeof old.startAtLogin === 'boolean') out.startAtLogin = old.startAtLogin;
  if (typeof old.reconnect === 'object' && old.reconnect !== null) out.reconnect = old.reconnect;
  return out;
}

type StoreLike = Pick<Conf<StoredSettings>, 'store' | 'path'>;

/** conf's options (electron-store takes the same, with `name` for `configName`). */
export function settingsStoreOptions(cwd?: string): ConfOptions<StoredSettings> {
  return {
    configName: SETTINGS_FILE_NAME,
    ...(cwd !== undefined ? { cwd } : {}),
    projectVersion: SETTINGS_STORE_VERSION,
    schema: SETTINGS_JSON_SCHEMA as unknown as ConfOptions<StoredSettings>['schema'],
    // a hand-edited file with a mistake must be reported, never silently wiped
    clearInvalidConfig: false,
    configFileMode: 0o600,
    migrations: {
      '1.0.0': (store) => {
        const before = { ...store.store };
        const after = migrateToV1(before);
        // replace the whole object: keys of the old shape must not survive next to the new
        store.store = after;
      },
    },
  };
}

/** Typed, validated access to the settings file. */
export class SettingsStore {
  private readonly listeners = new Set<(s: AppSettings) => void>();

  constructor(private readonly conf: StoreLike) {}

  get path(): string {
    return this.conf.path;
  }

  /** The settings, or what is wrong with the file (the window shows it; the app runs on defaults). */
  load(): AppSettingsResult {
    const { version: _v, ...rest } = this.conf.store;
    return parseAppSettings({ ...rest, version: SETTINGS_VERSION });
  }

  /** The settings, or the defaults when the file does not validate. */
  get(): AppSettings {
    const r = this.load();
    return r.ok ? r.settings : defaultAppSettings();
  }

  /** Validates, then writes the normalised settings; refuses (nothing written) on any problem. */
  set(input: unknown): AppSettingsResult {
    const r = parseAppSettings(input);
    if (!r.ok) return r;
    this.conf.store = structuredClone(r.settings) as StoredSettings;
    for (const l of this.listeners) l(r.settings);
    return r;
  }

  onChange(listener: (s: AppSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
