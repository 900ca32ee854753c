// Backups on this machine under `${dataDir}/backups/<phoneId>/`. A generation is created with
// createFileAtomic: never overwritten, and readers never see a half-written file.
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BackupTargetError } from './errors.js';
import { checkNames, newestFirst, parseGenerationName, type BackupEntry, type BackupTarget } from './targets.js';
import { createFileAtomic, ensureDir, errCode } from '../auth-store/atomic-fs.js';

export class LocalFolderTarget implements BackupTarget {
  readonly kind = 'local-folder' as const;
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'backups');
  }

  folder(phoneId: string): string {
    return join(this.root, phoneId);
  }

  async put(phoneId: string, generationName: string, bytes: Uint8Array): Promise<void> {
    checkNames(phoneId, generationName);
    const dir = this.folder(phoneId);
    await ensureDir(dir); // tightens a folder that was created looser
    if (!(await createFileAtomic(dir, generationName, bytes))) {
      throw new BackupTargetError('conflict', `backup ${generationName} already exists; generations are never overwritten`);
    }
  }

  async get(phoneId: string, name: string): Promise<Buffer> {
    checkNames(phoneId, name);
    try {
      return await readFile(join(this.folder(phoneId), name));
    } catch (err) {
      if (errCode(err) === 'ENOENT') throw new BackupTargetError('not-found', `no backup ${name} for phone ${phoneId}`, { cause: err });
      throw new BackupTargetError('failed', `cannot read backup ${name}: ${errCode(err) ?? String(err)}`, { cause: err });
    }
  }

  async list(phoneId: string): Promise<BackupEntry[]> {
    checkNames(phoneId);
    let names: string[];
    try {
      names = await readdir(this.folder(phoneId));
    } catch (err) {
      if (errCode(err) === 'ENOENT') return [];
      throw err;
    }
    const entries: BackupEntry[] = [];
    for (const name of names) {
      const createdAt = parseGenerationName(name);
      if (createdAt === null) continue;
      const st = await stat(join(this.folder(phoneId), name)).catch(() => null);
      if (st?.isFile()) entries.push({ name, size: st.size, createdAt });
    }
    return entries.sort(newestFirst);
  }

  async remove(phoneId: string, name: string): Promise<void> {
    checkNames(phoneId, name);
    try {
      await unlink(join(this.folder(phoneId), name));
    } catch (err) {
      if (errCode(err) !== 'ENOENT') throw err;
    }
  }
}
