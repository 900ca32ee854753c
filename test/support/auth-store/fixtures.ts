// Sample values for every Baileys v7 key type, shaped as Baileys produces them.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignalDataSet, SignalDataTypeMap } from '@whiskeysockets/baileys';

export const KEY_TYPES = [
  'pre-key',
  'session',
  'sender-key',
  'sender-key-memory',
  'app-state-sync-key',
  'app-state-sync-version',
  'lid-mapping',
  'device-list',
  'tctoken',
  'identity-key',
] as const satisfies ReadonlyArray<keyof SignalDataTypeMap>;

function bytes(seed: number, length = 32): Buffer {
  return Buffer.from(Array.from({ length }, (_, i) => (seed * 31 + i * 7) % 256));
}

/** One batch holding every key type, with ids that need Baileys' file-name fixing (`:` and `/`). */
export function everyKeyType(seed = 1): SignalDataSet {
  return {
    'pre-key': { [`${seed}`]: { public: bytes(seed), private: bytes(seed + 1) } },
    session: { [`15551234567.0:${seed}`]: bytes(seed + 2, 120) },
    'sender-key': { [`120363000000000000@g.us::15551234567::${seed}`]: bytes(seed + 3, 80) },
    'sender-key-memory': { '120363000000000000@g.us': { [`15551234567:${seed}@s.whatsapp.net`]: true } },
    'app-state-sync-key': {
      [`AAAA${seed}/x==`]: { keyData: bytes(seed + 4), fingerprint: { rawId: seed, currentIndex: 2, deviceIndexes: [0, 2] }, timestamp: 1700000000 + seed },
    },
    'app-state-sync-version': {
      regular_high: { version: seed, hash: bytes(seed + 5, 128), indexValueMap: { [`aW5kZXg${seed}=`]: { valueMac: bytes(seed + 6) } } },
    },
    'lid-mapping': { [`15551234567`]: `98765432101234`, [`98765432101234_reverse`]: `15551234567` },
    'device-list': { [`15551234567`]: ['0', `${seed}`, '12'] },
    tctoken: { [`15557654321@s.whatsapp.net`]: { token: bytes(seed + 7, 24), timestamp: `${1700000000 + seed}` } },
    'identity-key': { [`15557654321.0:${seed}`]: bytes(seed + 8, 33) },
  };
}

export async function tempDir(t: { after(fn: () => Promise<void>): void }, prefix = 'authstore-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** name → bytes of every file in a folder (to prove nothing changed or was lost). */
export async function snapshotFolder(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const name of (await readdir(dir)).sort()) out.set(name, await readFile(join(dir, name)));
  return out;
}
