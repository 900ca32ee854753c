// Socket overrides from the environment, the same for the tray app and the headless runner:
// SESSION_KEEPER_WA_URL points the sessions at another WhatsApp Web endpoint (a proxy, or the
// local test server — whose certificate root only test code can install).
import type { SocketConfig } from '@whiskeysockets/baileys';

export function socketOverridesFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SocketConfig> | undefined {
  const url = env.SESSION_KEEPER_WA_URL;
  return url ? { waWebSocketUrl: url } : undefined;
}
