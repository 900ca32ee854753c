// The engine's event log: JSON lines per phone on disk (size-capped, rotated, private), an
// in-memory tail for the UI, and redaction so key material can never reach either.
import { EventEmitter } from 'node:events';
import { appendFile, chmod, mkdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from './clock.js';
import type { LogEntry, LogLevel } from './types.js';

// ---------------------------------------------------------------------------------------------
// Redaction

/** Key names whose values are never logged, whatever they hold. */
const SECRET_KEY_PATTERNS: readonly RegExp[] = [
  /priv/i, // privKey, private, privateKey
  /secret/i, // advSecretKey, secret
  /noise/i, // noiseKey
  /identitykey/i, // signedIdentityKey, identityKey
  /creds/i,
  /^keys$/i, // the signal key store of an auth state
  /keypair/i, // signedPreKey.keyPair, pairingEphemeralKeyPair
  /passphrase/i,
  /passw(or)?d/i,
  /token/i,
  /pairingcode/i,
  /cookie/i,
  /authorization/i,
];

/** Buffers at most this long are shown (ids, flags); longer ones may be keys and are not. */
const MAX_SHOWN_BYTES = 16;
const MAX_DEPTH = 8;
const MAX_KEYS = 100;
const MAX_ITEMS = 100;
const MAX_STRING = 8_192;

/** A Baileys AuthenticationCreds object (initAuthCreds() output), however it got here. */
function looksLikeCreds(o: Record<string, unknown>): boolean {
  return ('noiseKey' in o && 'signedIdentityKey' in o) || ('signedPreKey' in o && 'advSecretKey' in o);
}

/** Creds serialised to a string (JSON.stringify with BufferJSON) are caught by their field names. */
const CREDS_IN_TEXT = /"(noiseKey|signedIdentityKey|advSecretKey|signedPreKey|pairingEphemeralKeyPair)"\s*:/;

function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERNS.some((re) => re.test(key));
}

function bytesText(bytes: Uint8Array): string {
  return bytes.length > MAX_SHOWN_BYTES
    ? `[redacted ${bytes.length} bytes]`
    : `[${bytes.length} bytes: ${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')}]`;
}

/** { type: 'Buffer', data } as produced by Buffer#toJSON (number[]) or Baileys' BufferJSON (base64). */
function jsonBufferLength(o: Record<string, unknown>): number | null {
  if (o.type !== 'Buffer' || Object.keys(o).length !== 2) return null;
  if (Array.isArray(o.data)) return o.data.length;
  if (typeof o.data === 'string') return Buffer.from(o.data, 'base64').length;
  return null;
}

function scrubString(s: string): string {
  if (CREDS_IN_TEXT.test(s)) return '[redacted: text containing auth creds]';
  return s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}… [${s.length - MAX_STRING} more chars]` : s;
}

function scrub(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
      return scrubString(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (typeof value !== 'object') return undefined;
  if (value instanceof Uint8Array) return bytesText(value);
  if (ArrayBuffer.isView(value)) return bytesText(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  if (value instanceof ArrayBuffer) return bytesText(new Uint8Array(value));
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      // A long run of byte values is most likely a key copied out of a Buffer (Array.from(key)).
      if (value.length > MAX_SHOWN_BYTES && value.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
        return `[redacted ${value.length}-byte array]`;
      }
      const out = value.slice(0, MAX_ITEMS).map((v) => scrub(v, depth + 1, seen) ?? null);
      if (value.length > MAX_ITEMS) out.push(`[${value.length - MAX_ITEMS} more items]`);
      return out;
    }
    if (value instanceof Map) return scrubObject(Object.fromEntries(value), depth, seen);
    if (value instanceof Set) return scrub([...value], depth, seen);
    if (value instanceof Error) {
      // Own enumerable props carry Boom's output/data; name/message/stack are not enumerable.
      const base: Record<string, unknown> = { name: value.name, message: value.message };
      if (value.stack) base.stack = value.stack;
      return scrubObject({ ...base, ...(value as unknown as Record<string, unknown>) }, depth, seen);
    }
    return scrubObject(value as Record<string, unknown>, depth, seen);
  } finally {
    seen.delete(value);
  }
}

function scrubObject(o: Record<string, unknown>, depth: number, seen: WeakSet<object>): unknown {
  if (looksLikeCreds(o)) return '[redacted auth creds]';
  const len = jsonBufferLength(o);
  if (len !== null) return len > MAX_SHOWN_BYTES ? `[redacted ${len} bytes]` : scrub(o.data, depth + 1, seen);
  const out: Record<string, unknown> = {};
  const keys = Object.keys(o);
  for (const key of keys.slice(0, MAX_KEYS)) {
    if (isSecretKey(key)) {
      out[key] = '[redacted]';
      continue;
    }
    let v: unknown;
    try {
      v = o[key];
    } catch {
      v = '[unreadable]'; // throwing getters must not break logging
    }
    const s = scrub(v, depth + 1, seen);
    if (s !== undefined) out[key] = s;
  }
  if (keys.length > MAX_KEYS) out['…'] = `${keys.length - MAX_KEYS} more keys`;
  return out;
}

/**
 * A JSON-safe copy of `data` with secrets removed: values under secret-looking keys, whole
 * creds objects, creds serialised into strings, and byte arrays longer than 16 bytes.
 */
export function redactLogData(data: Record<string, unknown>): Record<string, unknown> {
  const out = scrub(data, 0, new WeakSet());
  return typeof out === 'object' && out !== null && !Array.isArray(out) ? (out as Record<string, unknown>) : { value: out };
}

// ---------------------------------------------------------------------------------------------
// One rotated JSONL file with a serialised append queue

class JsonlFile {
  private queue: string[] = [];
  private size: number | null = null;
  private running: Promise<void> | null = null;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly keep: number,
    private readonly ensureDir: () => Promise<void>,
    private readonly onError: (err: unknown, droppedLines: number) => void,
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

// ---------------------------------------------------------------------------------------------
// The log

export interface EventLogOptions {
  /** logs go to `${dataDir}/logs/` */
  dataDir: string;
  /** rotate a file before it would grow past this (default 1 MiB) */
  maxFileBytes?: number;
  /** rotated files kept per log: x.jsonl.1 … .N (default 3) */
  keepRotated?: number;
  /** entries kept in memory across all phones (default 1,000) */
  tailSize?: number;
  clock?: Clock;
}

export interface TailQuery {
  /** a phone id, or null for app-wide entries only; omitted = everything */
  phoneId?: string | null;
  /** minimum severity: 'warn' returns warn and error */
  level?: LogLevel;
  /** at most this many of the newest matches */
  limit?: number;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export const DEFAULT_LOG_MAX_FILE_BYTES = 1024 * 1024;
export const DEFAULT_LOG_KEEP_ROTATED = 3;
export const DEFAULT_LOG_TAIL_SIZE = 1000;

/** Phone ids are folder-safe already; anything else is made safe rather than trusted in a path. */
function fileNameFor(phoneId: string | null): string {
  return phoneId === null ? 'app.jsonl' : `${phoneId.replace(/[^A-Za-z0-9_-]/g, '_') || '_'}.jsonl`;
}

export class EventLog extends EventEmitter<{ entry: [LogEntry] }> {
  readonly dir: string;
  private readonly maxFileBytes: number;
  private readonly keepRotated: number;
  private readonly tailSize: number;
  private readonly clock: Clock;
  private readonly files = new Map<string, JsonlFile>();
  private readonly recent: LogEntry[] = [];
  private dirReady: Promise<void> | null = null;
  private closed = false;
  /** lines that could not be written (disk errors); the UI may surface it */
  droppedLines = 0;
  lastWriteError: Error | null = null;

  constructor(options: EventLogOptions) {
    super();
    this.dir = join(options.dataDir, 'logs');
    this.maxFileBytes = Math.max(256, options.maxFileBytes ?? DEFAULT_LOG_MAX_FILE_BYTES);
    this.keepRotated = Math.max(0, Math.floor(options.keepRotated ?? DEFAULT_LOG_KEEP_ROTATED));
    this.tailSize = Math.max(1, Math.floor(options.tailSize ?? DEFAULT_LOG_TAIL_SIZE));
    this.clock = options.clock ?? systemClock;
  }

  /** Path of the current JSONL file for a phone (null = app-wide). */
  pathFor(phoneId: string | null): string {
    return join(this.dir, fileNameFor(phoneId));
  }

  /**
   * Records an entry: redacted, kept in the tail, emitted as 'entry', queued for disk.
   * Never throws and never waits; returns the entry as stored.
   */
  append(entry: LogEntry): LogEntry {
    const stored: LogEntry = {
      at: entry.at,
      phoneId: entry.phoneId,
      level: entry.level,
      event: entry.event,
      message: scrubString(String(entry.message)),
    };
    if (entry.data !== undefined) stored.data = redactLogData(entry.data);
    Object.freeze(stored);

    this.recent.push(stored);
    if (this.recent.length > this.tailSize) this.recent.splice(0, this.recent.length - this.tailSize);

    if (!this.closed) this.fileFor(stored.phoneId).push(`${JSON.stringify(stored)}\n`);

    // Not emit(): one throwing listener would skip the rest and throw into the engine.
    for (const listener of this.rawListeners('entry')) {
      try {
        listener.call(this, stored);
      } catch {
        // A broken UI listener must not take the engine (or other listeners) down with it.
      }
    }
    return stored;
  }

  /** Shorthand stamping the clock's time. */
  write(phoneId: string | null, level: LogLevel, event: string, message: string, data?: Record<string, unknown>): LogEntry {
    const entry: LogEntry = { at: this.clock.now(), phoneId, level, event, message };
    if (data !== undefined) entry.data = data;
    return this.append(entry);
  }

  /** Subscribes to new entries; returns the unsubscribe function. */
  subscribe(fn: (entry: LogEntry) => void): () => void {
    this.on('entry', fn);
    return () => this.off('entry', fn);
  }

  /** The newest in-memory entries matching the query, oldest first. */
  tail(query: TailQuery = {}): LogEntry[] {
    const minRank = query.level === undefined ? 0 : LEVEL_RANK[query.level];
    const matches = this.recent.filter(
      (e) => (query.phoneId === undefined || e.phoneId === query.phoneId) && LEVEL_RANK[e.level] >= minRank,
    );
    const limit = query.limit === undefined ? matches.length : Math.max(0, Math.floor(query.limit));
    return limit === 0 ? [] : matches.slice(-limit);
  }

  /** Resolves when every entry appended so far is on disk. */
  async flush(): Promise<void> {
    // Loop: appends made while we waited (by listeners, say) are part of "so far" too.
    for (;;) {
      const busy = [...this.files.values()].filter((f) => f.busy);
      if (busy.length === 0) return;
      await Promise.all(busy.map((f) => f.idle()));
    }
  }

  /** Flushes and stops writing; later entries still reach the tail and listeners. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private fileFor(phoneId: string | null): JsonlFile {
    const path = this.pathFor(phoneId);
    let file = this.files.get(path);
    if (!file) {
      file = new JsonlFile(path, this.maxFileBytes, this.keepRotated, () => this.ensureDir(), (err, dropped) => {
        this.droppedLines += dropped;
        this.lastWriteError = err instanceof Error ? err : new Error(String(err));
      });
      this.files.set(path, file);
    }
    return file;
  }

  private ensureDir(): Promise<void> {
    this.dirReady ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      // mkdir's mode does not apply to a folder that already existed.
      if (process.platform !== 'win32') await chmod(this.dir, 0o700);
    })().catch((err: unknown) => {
      this.dirReady = null; // try again on the next write
      throw err;
    });
    return this.dirReady;
  }
}
