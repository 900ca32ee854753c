// Backups on this machine under `${dataDir}/backups/<phoneId>/`. Writes go to a temp file,
// are fsynced, then hard-linked to the final name: link() fails if the name exists, so a
// generation can never be overwritten, and readers never see a half-written file.
import { constants } from 'node:fs';
import { chmod, link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BackupTargetError } from './errors.js';
import { checkNames, newestFirst, parseGenerationName, type BackupEntry, type BackupTarget } from './targets.js';
import { errCode, fsyncDir } from '../auth-store/atomic-fs.js';

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
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700); // an existing folder may have been created looser
    const final = join(dir, generationName);
    const tmp = join(dir, `.${generationName}.${randomBytes(4).toString('hex')}.tmp`);
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await link(tmp, final);
    } catch (err) {
      if (errCode(err) === 'EEXIST') {
        await unlink(tmp);
        throw new BackupTargetError('conflict', `backup ${generationName} already exists; generations are never overwritten`);
      }
      // Filesystems without hard links: check-then-rename (not atomic against a racing writer,
      // but this app is the only writer and names are unique).
      if (await stat(final).then(() => true, () => false)) {
        await unlink(tmp);
        throw new BackupTargetError('conflict', `backup ${generationName} already exists; generations are never overwritten`);
      }
      await rename(tmp, final);
      await fsyncDir(dir);
      return;
    }
    await unlink(tmp);
    await fsyncDir(dir);
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
