// pino-roll ships no types; only what main/logging.ts uses.
declare module 'pino-roll' {
  import type { DestinationStream } from 'pino';
  interface PinoRollOptions {
    file: string | (() => string);
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    symlink?: boolean;
    mkdir?: boolean;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    dateFormat?: string;
    /** passed on to sonic-boom: the mode new log files are opened with */
    mode?: number;
  }
  function pinoRoll(options: PinoRollOptions): Promise<DestinationStream & { end(): void; once(event: string, fn: () => void): void }>;
  export default pinoRoll;
}
