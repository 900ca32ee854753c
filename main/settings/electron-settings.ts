// The app's settings store: electron-store with the very options conf gets in tests.
import ElectronStore from 'electron-store';
import { SETTINGS_FILE_NAME, settingsStoreOptions, SettingsStore, type StoredSettings } from './settings-store.js';

export function createElectronSettingsStore(cwd: string, onDropped?: (keys: string[]) => void): SettingsStore {
  const { configName: _name, projectVersion, ...rest } = settingsStoreOptions(cwd, onDropped);
  // electron-store's types hide projectVersion (it defaults to the app version), but it passes
  // it through; our migrations follow the settings format, not app releases.
  const options = { ...rest, name: SETTINGS_FILE_NAME, projectVersion };
  return new SettingsStore(new ElectronStore<StoredSettings>(options));
}
