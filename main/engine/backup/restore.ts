// Restore writes into a NEW folder only, and only after the whole backup decrypted and
// authenticated in memory, so a wrong passphrase or a damaged file leaves no trace on disk.
// The folder appears under its final name only once every file is written, synced and the
// session verified; swapping it over the live one is a separate, explicit step (swap.ts).
import { chmod, mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { openBackup } from './archive.js';
import type { BackupMetadata } from './container.js';
import type { BackupBinding, BackupSecret } from './envelope.js';
import { BackupError } from './errors.js';
import { verifySessionFolder } from './verify-session.js';
import { fsyncDir, pathExists, writeNewFilesSynced } from '../auth-store/atomic-fs.js';

export interface RestoreOptions {
  /** where the file was stored: its phone folder and the time in its generation name */
  binding: BackupBinding;
}

export interface RestoreResult {
  metadata: BackupMetadata;
  folder: string;
  /** the linked account id from creds.json */
  me: string;
}

export async function restoreBackup(file: Buffer, secret: BackupSecret, dest: string, options: RestoreOptions): Promise<RestoreResult> {
  const { metadata, files } = await openBackup(file, secret, options.binding);
  if (await pathExists(dest)) throw new BackupError('destination-exists', `restore target ${dest} already exists; restore needs a new folder`);
  const tmp = await mkdtemp(join(dirname(dest), `.${basename(dest)}.restoring-`));
  try {
    await chmod(tmp, 0o700);
    // every file synced (as a batch) before the folder is, and the folder before it is published
    await writeNewFilesSynced(tmp, files);
    await fsyncDir(tmp);
    const me = await verifySessionFolder(tmp);
    if (await pathExists(dest)) throw new BackupError('destination-exists', `restore target ${dest} appeared while restoring`);
    await rename(tmp, dest);
    await fsyncDir(dirname(dest));
    return { metadata, folder: dest, me };
  } catch (err) {
    // Only our own half-written temp folder is removed; nothing the user had is touched.
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
