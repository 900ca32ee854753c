// Builds a real session folder with Baileys' own useMultiFileAuthState, so the tests see the
// exact file names and JSON encoding the engine will back up.
import { randomBytes } from 'node:crypto';
import { Curve, initAuthCreds, useMultiFileAuthState, type SignalDataSet } from '@whiskeysockets/baileys';

export const FIXTURE_ME = '15551234567:3@s.whatsapp.net';

export async function writeBaileysSession(folder: string, keyFiles: number, me: string = FIXTURE_ME): Promise<void> {
  const { state, saveCreds } = await useMultiFileAuthState(folder);
  // initAuthCreds is an unpaired login; a paired one additionally has `me`.
  Object.assign(state.creds, initAuthCreds(), { me: { id: me, name: 'Fixture' } });
  await saveCreds();
  const batch = 500;
  for (let start = 0; start < keyFiles; start += batch) {
    const data: SignalDataSet = { 'pre-key': {}, session: {}, 'app-state-sync-key': {}, 'lid-mapping': {} };
    for (let i = start; i < Math.min(keyFiles, start + batch); i++) {
      // A realistic mix: mostly pre-keys and sessions, some app-state keys and mappings.
      switch (i % 4) {
        case 0:
        case 1:
          data['pre-key']![String(i + 1)] = Curve.generateKeyPair();
          break;
        case 2:
          data.session![`${15550000000 + i}.0`] = randomBytes(1200);
          break;
        default:
          if (i % 8 === 3) data['app-state-sync-key']![`AAAA${i}/x`] = { keyData: randomBytes(32), timestamp: i };
          else data['lid-mapping']![`${15550000000 + i}`] = `${90000000000 + i}@lid`;
      }
    }
    await state.keys.set(data);
  }
}
