// One JSON-lines file with a serialised append queue: lines land whole and in order, the file is
// rotated (x.jsonl → x.jsonl.1 … .N) before it would grow past its cap, and it is private (0600).
import { appendFile, rename, stat, unlink } from 'node:fs/promises';

export class RotatingJsonlFile {
  private queue: string[] = [];
  private size: number | null = null;
  private running: Promise<void> | null = null;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly keep: number,
    private readonly ensureDir: () => Promise<void>,
    private readonly onError: (err: unknown, droppedLines: number) => void,
    /** lines landed: a disk that refused earlier ones takes them again */
    private readonly onWritten: () => void = () => {},
  ) {}

  push(line: string): void {
    this.queue.push(line);
    if (!this.running) this.running = this.drain();
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** Resolves once every line pushed so far is written (or reported as dropped). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  // One writer per file: lines are appended in order, whole, and batched while a write is busy.
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        let lines = 0;
        try {
          await this.ensureDir();
          if (this.size === null) this.size = await fileSize(this.path);
          let chunk = '';
          let bytes = 0;
          for (const line of this.queue) {
            const b = Buffer.byteLength(line);
            // A line that alone exceeds the cap still gets written, to a fresh file.
            if (this.size + bytes + b > this.maxBytes && this.size + bytes > 0) break;
            chunk += line;
            bytes += b;
            lines++;
          }
          if (lines === 0) {
            try {
              await this.rotate();
            } catch (err) {
              // e.g. a file held open on Windows: keep logging into the oversized file.
              this.onError(err, 0);
            }
            this.size = 0;
            continue;
          }
          await appendFile(this.path, chunk, { mode: 0o600 });
          this.queue.splice(0, lines);
          this.size += bytes;
          this.onWritten();
        } catch (err) {
          // Disk full, folder removed…: drop what could not be written rather than grow forever.
          const dropped = lines > 0 ? lines : this.queue.length;
          this.queue.splice(0, dropped);
          this.size = null;
          this.onError(err, dropped);
        }
      }
    } finally {
      this.running = null;
    }
  }

  private async rotate(): Promise<void> {
    await ignoreMissing(unlink(`${this.path}.${this.keep}`));
    for (let i = this.keep - 1; i >= 1; i--) {
      await ignoreMissing(rename(`${this.path}.${i}`, `${this.path}.${i + 1}`));
    }
    if (this.keep > 0) await ignoreMissing(rename(this.path, `${this.path}.1`));
    else await ignoreMissing(unlink(this.path));
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

async function ignoreMissing(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
