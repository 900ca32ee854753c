// One backup file = envelope(brotli(container(metadata, files))). Identifying metadata
// (phone id, pairing time) lives inside the ciphertext only.
import { packContainer, unpackContainer, type BackupMetadata, type SessionFile } from './container.js';
import { BackupError } from './errors.js';
import { FORMAT_VERSION, open, seal, type BackupSecret } from './envelope.js';
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
    formatVersion: FORMAT_VERSION,
    createdAt: now,
    contentHash: snapshot.contentHash,
    fileCount: snapshot.files.length,
  };
  const bytes = await seal(packContainer(metadata, snapshot.files), secret);
  return { bytes, metadata };
}

/** Decrypts and checks a backup fully in memory; nothing touches the disk. */
export async function openBackup(file: Buffer, secret: BackupSecret): Promise<{ metadata: BackupMetadata; files: SessionFile[] }> {
  const plaintext = await open(file, secret);
  const { meta, files } = unpackContainer(plaintext);
  if (meta.formatVersion !== FORMAT_VERSION) {
    throw new BackupError('unsupported-version', `the backup's contents use format ${meta.formatVersion}`);
  }
  return { metadata: meta, files };
}
