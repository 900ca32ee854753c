// The headless runner reads the same settings file as the tray app (conf is what electron-store
// is built on, with the very same options: schema, migrations, file mode), so a machine can move
// between the two without re-entering anything.
import Conf from 'conf';
import { join } from 'node:path';
import { SETTINGS_FILE_NAME, SettingsStore, settingsStoreOptions, type StoredSettings } from './settings/settings-store.js';
import type { AppSettingsResult } from './settings/schema.js';

/**
 * The settings in `dir`, or the problems with them. A file that cannot be read or parsed (bad
 * JSON, no permission, a folder in its place) is a problem with that file too, never a crash.
 */
export function loadSettingsFile(dir: string): { result: AppSettingsResult; path: string } {
  let store: SettingsStore;
  try {
    store = new SettingsStore(new Conf<StoredSettings>(settingsStoreOptions(dir)));
  } catch (err) {
    return { result: { ok: false, problems: [{ path: '', message: unreadableReason(err) }] }, path: join(dir, `${SETTINGS_FILE_NAME}.json`) };
  }
  return { result: store.load(), path: store.path };
}

/** A person's sentence for what conf threw while opening the file. */
export function unreadableReason(err: unknown): string {
  if (err instanceof SyntaxError) return `not valid JSON (${err.message})`;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'no permission to read or write it';
  if (code === 'EISDIR') return 'a folder is where the file should be';
  return `cannot be read (${(err as Error).message})`;
}
