// The headless runner reads the same settings file as the tray app (conf is what electron-store
// is built on, with the very same options: schema, migrations, file mode), so a machine can move
// between the two without re-entering anything.
import Conf from 'conf';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { droppedKeysWarning, migrateToV1, SETTINGS_FILE_NAME, SettingsStore, settingsStoreOptions, type StoredSettings } from './settings/settings-store.js';
import { parseAppSettings, SETTINGS_VERSION, type AppSettingsResult } from './settings/schema.js';

/**
 * The settings in `dir`, or the problems with them. A file that cannot be read or parsed (bad
 * JSON, no permission, a folder in its place) is a problem with that file too, never a crash.
 */
export function loadSettingsFile(dir: string): { result: AppSettingsResult; path: string; warnings: string[] } {
  let store: SettingsStore;
  const warnings: string[] = [];
  const path = join(dir, `${SETTINGS_FILE_NAME}.json`);
  const onDropped = (keys: string[]) => warnings.push(droppedKeysWarning(path, keys));
  try {
    store = new SettingsStore(new Conf<StoredSettings>(settingsStoreOptions(dir, onDropped)));
  } catch (err) {
    return { result: { ok: false, problems: [{ path: '', message: unreadableReason(err) }] }, path, warnings };
  }
  return { result: store.load(), path: store.path, warnings };
}

/**
 * The settings in `dir` read without writing anything (no upgrade saved, no file or folder made):
 * for commands that only read, beside a running keeper. A missing file reads as the defaults.
 */
export function readSettingsFileOnly(dir: string): { result: AppSettingsResult; path: string } {
  const path = join(dir, `${SETTINGS_FILE_NAME}.json`);
  let raw: StoredSettings;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as StoredSettings;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { result: parseAppSettings({}), path };
    return { result: { ok: false, problems: [{ path: '', message: unreadableReason(err) }] }, path };
  }
  const { version: _v, __internal__: _i, ...rest } = migrateToV1(raw);
  return { result: parseAppSettings({ ...rest, version: SETTINGS_VERSION }), path };
}

/** A person's sentence for what conf threw while opening the file. */
export function unreadableReason(err: unknown): string {
  if (err instanceof SyntaxError) return `not valid JSON (${err.message})`;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'no permission to read or write it';
  if (code === 'EISDIR') return 'a folder is where the file should be';
  return `cannot be read (${(err as Error).message})`;
}
