// One backup file = envelope(brotli(container(metadata, files))). Identifying metadata
// (phone id, pairing time) lives inside the ciphertext only.
import { CONTAINER_FORMAT, packContainer, unpackContainer, type BackupMetadata, type SessionFile } from './container.js';
import { BackupError } from './errors.js';
import { open, seal, type BackupBinding, type BackupSecret } from './envelope.js';
import type { SessionSnapshot } from './session-snapshot.js';

export interface BackupInfo {
  phoneId: string;
  pairedAt: number | null;
  appVersion: string;
}

export interface SealedBackup {
  bytes: Buffer;
  metadata: BackupMetadata;
}

export async function sealBackup(snapshot: SessionSnapshot, info: BackupInfo, secret: BackupSecret, now: number): Promise<SealedBackup> {
  const metadata: BackupMetadata = {
    phoneId: info.phoneId,
    pairedAt: info.pairedAt,
    appVersion: info.appVersion,
    formatVersion: CONTAINER_FORMAT,
    createdAt: now,
    contentHash: snapshot.contentHash,
    fileCount: snapshot.files.length,
  };
  const bytes = await seal(packContainer(metadata, snapshot.files), secret, { phoneId: info.phoneId, createdAt: now });
  return { bytes, metadata };
}

/**
 * Decrypts and checks a backup fully in memory; nothing touches the disk. `binding` is where the
 * file was found (phone folder, time in its generation name): the sealed metadata must agree.
 */
export async function openBackup(file: Buffer, secret: BackupSecret, binding: BackupBinding): Promise<{ metadata: BackupMetadata; files: SessionFile[] }> {
  const plaintext = await open(file, secret, binding);
  const { meta, files } = unpackContainer(plaintext);
  if (meta.formatVersion !== CONTAINER_FORMAT) {
    throw new BackupError('unsupported-version', `the backup's contents use format ${meta.formatVersion}`);
  }
  // Format 1 envelopes carry no binding in their AAD: the sealed metadata is checked instead.
  if (meta.phoneId !== binding.phoneId) {
    throw new BackupError('invalid-session', `this backup belongs to phone "${meta.phoneId}", not "${binding.phoneId}"`);
  }
  if (meta.createdAt !== binding.createdAt) {
    throw new BackupError('damaged', `this backup was made at ${new Date(meta.createdAt).toISOString()} but is stored under the name of ${new Date(binding.createdAt).toISOString()}`);
  }
  return { metadata: meta, files };
}
