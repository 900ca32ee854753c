// The on-disk format, byte-for-byte the one Baileys' useMultiFileAuthState uses, so a Baileys
// `sessions/` folder opens here and our folder opens in Baileys.
import { BufferJSON, proto } from '@whiskeysockets/baileys';

export const CREDS_FILE = 'creds.json';

/** Baileys' fixFileName: `/` → `__`, `:` → `-` (JIDs contain both). */
export function fixFileName(file: string): string {
  return file.replace(/\//g, '__').replace(/:/g, '-');
}

export class UnsafeKeyNameError extends Error {
  constructor(readonly fileName: string) {
    super(`refusing key file name that could leave the session folder: ${JSON.stringify(fileName)}`);
    this.name = 'UnsafeKeyNameError';
  }
}

/** `${type}-${id}.json`, fixed the way Baileys fixes it; rejects names that escape the folder. */
export function keyFileName(type: string, id: string): string {
  const name = fixFileName(`${type}-${id}.json`);
  // `/` is already gone; `\` is a separator on Windows and NUL is never valid.
  if (name.includes('\\') || name.includes('\0') || name.startsWith('.') || name === CREDS_FILE) {
    throw new UnsafeKeyNameError(name);
  }
  return name;
}

export function serialize(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

export function deserialize(text: string): unknown {
  return JSON.parse(text, BufferJSON.reviver) as unknown;
}

/** Baileys revives app-state-sync-key through protobuf so `keyData` etc. have the right shape. */
export function reviveKey(type: string, value: unknown): unknown {
  if (type === 'app-state-sync-key' && value) {
    return proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
  }
  return value;
}
