// Where sessions live by default. Mirrors Electron's app.getPath('userData') for the product
// name, so the tray app and `npm run headless` on the same machine share one set of sessions.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Session Keeper';

export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (env.SESSION_KEEPER_DATA_DIR) return env.SESSION_KEEPER_DATA_DIR;
  let userData: string;
  if (platform === 'win32') userData = join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  else if (platform === 'darwin') userData = join(home, 'Library', 'Application Support', PRODUCT_NAME);
  else userData = join(env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME);
  return join(userData, 'keeper');
}
