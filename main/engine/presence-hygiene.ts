// Baileys 7.0.0-rc14 (upstream issue #2553): its own `creds.update` listener compares
// `update.me?.name` with `creds.me?.name`, so every PARTIAL update (pre-key ids, sync counters…)
// looks like a push-name change and sends a type-less <presence/>, which the server reads as
// "available". A companion that keeps announcing itself online stops the phone's notifications.
// (Our patches/ now give that announcement type="unavailable", so linking never shows the
// account online; this wrapper still keeps key churn from re-announcing the name at all.)
//
// Fix without forking: Baileys calls `ev.emit` through the very object it returns as `sock.ev`,
// so we wrap that method and give partial updates the unchanged `me`. Real name changes
// (an update that carries `me`) pass through untouched.
import type { AuthenticationCreds, BaileysEventMap } from '@whiskeysockets/baileys';

interface EmittingSocket {
  ev: { emit: (...args: never[]) => boolean };
}

export function neutraliseCredsPresence(sock: EmittingSocket, creds: AuthenticationCreds): void {
  const ev = sock.ev as unknown as {
    emit: <E extends keyof BaileysEventMap>(event: E, data: BaileysEventMap[E]) => boolean;
  };
  const original = ev.emit.bind(ev);
  ev.emit = <E extends keyof BaileysEventMap>(event: E, data: BaileysEventMap[E]): boolean => {
    if (event === 'creds.update') {
      const update = data as Partial<AuthenticationCreds>;
      if (creds.me && !('me' in update)) {
        return original(event, { ...update, me: creds.me } as BaileysEventMap[E]);
      }
    }
    return original(event, data);
  };
}
