// The keep-alive rhythm of one phone, persisted next to its meta so a restart keeps the due time.
// Written atomically; a damaged file is set aside and the rhythm re-planned, never trusted.
import { numOrNull, readStateFile, writeStateFile } from './state-file.js';

export interface KeepAliveFile {
  version: 1;
  /** when the next pulse is due; null until the phone is linked and planned */
  dueAt: number | null;
  lastPulseAt: number | null;
  /** the user paused keep-alive for this phone */
  paused: boolean;
  /** planSettingsKey of the settings dueAt was planned (or last checked) under; absent in older files */
  plannedWith?: string | null;
}

export const EMPTY_KEEPALIVE: KeepAliveFile = Object.freeze({ version: 1, dueAt: null, lastPulseAt: null, paused: false }) as KeepAliveFile;

export const KEEPALIVE_FILE = 'keepalive.json';

function isKeepAliveFile(value: unknown): value is KeepAliveFile {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    numOrNull(v.dueAt) &&
    numOrNull(v.lastPulseAt) &&
    typeof v.paused === 'boolean' &&
    (v.plannedWith === undefined || v.plannedWith === null || typeof v.plannedWith === 'string')
  );
}

export async function readKeepAliveFile(dir: string): Promise<{ file: KeepAliveFile; setAside: string | null }> {
  const { value, setAside } = await readStateFile(dir, KEEPALIVE_FILE, isKeepAliveFile, EMPTY_KEEPALIVE);
  return { file: value, setAside };
}

export async function writeKeepAliveFile(dir: string, file: KeepAliveFile): Promise<void> {
  await writeStateFile(dir, KEEPALIVE_FILE, file);
}
