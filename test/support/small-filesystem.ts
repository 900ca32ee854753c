// A real, small filesystem that can be filled up: a tmpfs mounted for one test. Mounting needs
// root (the sandbox and CI run tests as root); elsewhere `mountSmallFilesystem` says why it cannot
// and the test skips with that reason instead of faking a full disk.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, statfs, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SmallFilesystem {
  /** a folder on the small filesystem (the mount point itself is kept out of reach) */
  dir: string;
  /** writes a filler file until the filesystem has no free block left */
  fill(): Promise<void>;
  /** removes the filler: space is back */
  free(): Promise<void>;
  /** remounts it read-only (true) or writable again (false) */
  readOnly(on: boolean): Promise<void>;
  /** unmounts and removes everything */
  dispose(): Promise<void>;
}

export async function mountSmallFilesystem(sizeMb: number): Promise<SmallFilesystem | { cannot: string }> {
  const base = await mkdtemp(join(tmpdir(), 'small-fs-'));
  const mnt = join(base, 'mnt');
  await mkdir(mnt);
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', mnt]);
  } catch (err) {
    await rm(base, { recursive: true, force: true });
    return { cannot: `cannot mount a tmpfs here (needs root): ${(err as Error).message.split('\n')[0] ?? ''}` };
  }
  const dir = join(mnt, 'data');
  await mkdir(dir);
  const filler = join(mnt, 'filler');
  return {
    dir,
    async fill() {
      const { bavail, bsize } = await statfs(mnt);
      // the keeper may write meanwhile: a filler cut short by ENOSPC has filled the disk all the same
      await writeFile(filler, Buffer.alloc(Number(bavail) * Number(bsize))).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOSPC') throw err;
      });
      // whatever a rounding left over goes too: a full disk means not one more block
      for (let i = 0; ; i++) {
        try {
          await writeFile(`${filler}-${i}`, Buffer.alloc(4096));
        } catch {
          break;
        }
      }
    },
    async free() {
      for (const name of await readdir(mnt)) if (name.startsWith('filler')) await unlink(join(mnt, name));
    },
    async readOnly(on) {
      // a write in flight holds the filesystem busy for a moment
      for (let attempt = 0; ; attempt++) {
        try {
          await run('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, mnt]);
          return;
        } catch (err) {
          if (attempt >= 20) throw err;
          await new Promise((r) => setTimeout(r, 25));
        }
      }
    },
    async dispose() {
      await run('umount', ['-l', mnt]).catch(() => {});
      await rm(base, { recursive: true, force: true });
    },
  };
}
