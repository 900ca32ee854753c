// Socket overrides from the environment, the same for the tray app and the headless runner:
// SESSION_KEEPER_WA_URL points the sessions at another WhatsApp Web endpoint (a proxy, or the
// local test server — whose certificate root only test code can install), and
// SESSION_KEEPER_WA_VERSION_URL at the document that names the current WhatsApp Web version.
import type { SocketConfig } from '@whiskeysockets/baileys';
import { WA_VERSION_URL } from './wa-version.js';

export function socketOverridesFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SocketConfig> | undefined {
  const url = env.SESSION_KEEPER_WA_URL;
  return url ? { waWebSocketUrl: url } : undefined;
}

/**
 * Where to learn the current WhatsApp Web version; null = do not ask, announce the newest known.
 * Default WhatsApp's own document, except that another endpoint (SESSION_KEEPER_WA_URL) without
 * its own document is not paired with WhatsApp's; an empty value turns the asking off.
 */
export function waVersionUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  const url = env.SESSION_KEEPER_WA_VERSION_URL;
  if (url !== undefined) return url === '' ? null : url;
  return env.SESSION_KEEPER_WA_URL ? null : WA_VERSION_URL;
}
