// The headless runner reads the same settings file as the tray app (conf is what electron-store
// is built on, with the very same options: schema, migrations, file mode), so a machine can move
// between the two without re-entering anything.
import Conf from 'conf';
import { SettingsStore, settingsStoreOptions, type StoredSettings } from './settings/settings-store.js';
import type { AppSettingsResult } from './settings/schema.js';

export function loadSettingsFile(dir: string): { result: AppSettingsResult; path: string } {
  const store = new SettingsStore(new Conf<StoredSettings>(settingsStoreOptions(dir)));
  return { result: store.load(), path: store.path };
}
