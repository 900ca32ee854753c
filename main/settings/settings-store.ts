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

/** Keys of the 0.0.x flat format (before the version field). */
const LEGACY_KEYS = ['phoneIds', 'intervalHours', 'sleepStart', 'sleepEnd', 'backupTarget', 'launchAtLogin'] as const;
/** Sections of the v1 format: a file with any of them is already v1 (hand-written without "version"). */
const V1_SECTIONS = ['phones', 'keepAlive', 'outbound', 'reconnect', 'backup', 'startAtLogin', 'updateUrl', 'api'] as const;

/**
 * 0.0.x files (before the version field) were flat:
 * `{ phoneIds: string[], intervalHours, sleepStart, sleepEnd, backupTarget, launchAtLogin }`.
 * A file without a version but in the v1 shape (written by hand) keeps every v1 section; a legacy
 * key beside it still fills what the section leaves out. Unknown keys are dropped and named by
 * droppedSettingsKeys; values that no longer validate are left for parseAppSettings to name.
 */
export function migrateToV1(old: StoredSettings): StoredSettings {
  if (typeof old.version === 'number') return old;
  const out: StoredSettings = { version: 1 };
  for (const key of V1_SECTIONS) if (key in old) out[key] = old[key];
  if (!('phones' in out) && Array.isArray(old.phoneIds)) out.phones = old.phoneIds.filter((id): id is string => typeof id === 'string').map((id) => ({ id }));
  const keepAlive: StoredSettings = typeof old.keepAlive === 'object' && old.keepAlive !== null ? { ...(old.keepAlive as StoredSettings) } : {};
  if (typeof old.intervalHours === 'number' && !('intervalHours' in keepAlive)) keepAlive.intervalHours = old.intervalHours;
  if (typeof old.sleepStart === 'string' && typeof old.sleepEnd === 'string' && !('sleepWindow' in keepAlive)) keepAlive.sleepWindow = { start: old.sleepStart, end: old.sleepEnd };
  out.keepAlive = keepAlive;
  if (!('backup' in out) && typeof old.backupTarget === 'string') out.backup = { target: old.backupTarget };
  if (!('startAtLogin' in out) && typeof old.launchAtLogin === 'boolean') out.startAtLogin = old.launchAtLogin;
  return out;
}

/** The keys migrateToV1 leaves out (neither a v1 section nor an old key it converts), for a warning. */
export function droppedSettingsKeys(old: StoredSettings): string[] {
  if (typeof old.version === 'number') return [];
  const known = new Set<string>([...LEGACY_KEYS, ...V1_SECTIONS, 'version', '__internal__']);
  return Object.keys(old).filter((k) => !known.has(k));
}

/** The sentence for keys the upgrade of a file without "version" could not place. */
export function droppedKeysWarning(path: string, keys: string[]): string {
  return `${path} had no "version" and was upgraded; these keys are not settings and were dropped: ${keys.map((k) => JSON.stringify(k)).join(', ')}`;
}

type StoreLike = Pick<Conf<StoredSettings>, 'store' | 'path'>;

/** conf's options (electron-store takes the same, with `name` for `configName`). */
export function settingsStoreOptions(cwd?: string, onDropped?: (keys: string[]) => void): ConfOptions<StoredSettings> {
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
        const dropped = droppedSettingsKeys(before);
        if (dropped.length > 0) onDropped?.(dropped);
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
