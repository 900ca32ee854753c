// The main process log: pino into <logs>/session-keeper.N.log, rotated daily or at 10 MB, 7 old
// files kept. pino-roll runs as a plain stream in this thread (not a pino transport worker:
// worker threads cannot load their script from inside an asar archive). Keeper entries arrive
// already redacted by the engine, so nothing here sees key material. The log still names phones
// and accounts, so its files are the user's alone: 0600 in a 0700 folder, like the session files.
import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import pinoRoll from 'pino-roll';
import type { LogEntry } from './engine/types.js';

export interface FileLogger {
  logger: Logger;
  /** flushes and closes the file */
  close(): Promise<void>;
}

export async function createFileLogger(logsDir: string, level: pino.LevelWithSilent = 'info'): Promise<FileLogger> {
  await mkdir(logsDir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') {
    // files written by versions that left them readable by everyone are tightened
    await chmod(logsDir, 0o700);
    for (const name of await readdir(logsDir)) if (name.endsWith('.log')) await chmod(join(logsDir, name), 0o600);
  }
  const stream = await pinoRoll({
    file: join(logsDir, 'session-keeper'),
    extension: '.log',
    frequency: 'daily',
    size: '10m',
    mkdir: true,
    // sonic-boom's open mode, kept for every rotated file
    mode: 0o600,
    limit: { count: 7 },
  });
  const logger = pino({ level, base: { pid: process.pid } }, stream);
  return {
    logger,
    close: () =>
      new Promise<void>((done) => {
        // end() waits for the file to open, then flushes what is buffered
        stream.once('close', () => done());
        stream.end();
      }),
  };
}

/** One keeper log entry as one pino line, at the entry's level and time. */
export function writeKeeperEntry(logger: Logger, e: LogEntry): void {
  logger[e.level]({ phoneId: e.phoneId, event: e.event, at: e.at, ...(e.data ? { data: e.data } : {}) }, e.message);
}
