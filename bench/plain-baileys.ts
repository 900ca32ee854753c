// The baseline the engine is measured against (issue 14): N phones kept connected the way
// Baileys' README teaches — useMultiFileAuthState per phone, makeWASocket, save creds on every
// creds.update, reconnect on close unless logged out. Nothing else: no crash-safe writes, no
// backups, no log. Only `waWebSocketUrl` (the local test server) and a silent logger differ
// from the README, and both are what the engine gets too.
import { join } from 'node:path';
import makeWASocket, { DisconnectReason, useMultiFileAuthState, type WASocket } from '@whiskeysockets/baileys';
import pino from 'pino';

export interface PlainBaileysEvents {
  onQr(phoneId: string, qr: string): void;
  onOpen(phoneId: string): void;
}

export interface PlainBaileys {
  stop(): Promise<void>;
}

export async function startPlainBaileys(dataDir: string, url: string, phoneIds: readonly string[], events: PlainBaileysEvents): Promise<PlainBaileys> {
  const sockets = new Map<string, WASocket>();
  let stopping = false;
  const logger = pino({ level: 'silent' });

  async function connectToWhatsApp(phoneId: string): Promise<void> {
    const { state, saveCreds } = await useMultiFileAuthState(join(dataDir, phoneId));
    const sock = makeWASocket({ auth: state, waWebSocketUrl: url, logger, markOnlineOnConnect: false });
    sockets.set(phoneId, sock);
    sock.ev.on('creds.update', () => void saveCreds());
    sock.ev.on('connection.update', (update) => {
      const { connection, lastDisconnect, qr } = update;
      if (qr) events.onQr(phoneId, qr);
      if (connection === 'close') {
        const code = (lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
        const shouldReconnect = code !== DisconnectReason.loggedOut;
        if (shouldReconnect && !stopping) void connectToWhatsApp(phoneId);
      } else if (connection === 'open') {
        events.onOpen(phoneId);
      }
    });
  }

  await Promise.all(phoneIds.map((id) => connectToWhatsApp(id)));
  return {
    async stop() {
      stopping = true;
      for (const sock of sockets.values()) void sock.end(undefined);
      // let the last saveCreds land before the folder is read again
      await new Promise((r) => setTimeout(r, 200));
    },
  };
}
