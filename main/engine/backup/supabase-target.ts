// Backups in a Supabase Storage bucket at `<prefix>/<phoneId>/<generation>`. The bytes are
// already encrypted; the bucket should still be private.
import { createClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import { BackupTargetError } from './errors.js';
import { classifyStorageError, supabaseKeyKind, type StorageOp } from './supabase-errors.js';
import { checkNames, newestFirst, parseGenerationName, type BackupEntry, type BackupTarget } from './targets.js';

export interface SupabaseTargetOptions {
  /** project URL, e.g. https://abcd.supabase.co */
  url: string;
  key: string;
  bucket: string;
  /** folder inside the bucket, e.g. `session-keeper`; '' for the bucket root */
  prefix?: string;
  /** per request, including the body transfer */
  timeoutMs?: number;
  /** largest response body accepted (a download or a list page); default 128 MiB */
  maxResponseBytes?: number;
  /** most objects a phone's folder may list before the listing is refused; default 10,000 */
  maxListed?: number;
}

const PAGE = 1000;
const MiB = 1024 * 1024;
export const DEFAULT_MAX_RESPONSE_BYTES = 128 * MiB;
export const DEFAULT_MAX_LISTED = 10_000;

function sizeText(n: number): string {
  return n >= MiB ? `${Math.round(n / MiB)} MiB` : `${n} bytes`;
}

// supabase-js builds a realtime client eagerly, and on Node 20 (no global WebSocket) that
// throws. We never use realtime, so hand it a transport that only fails if ever used.
type Transport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>;
const NoRealtime = class {
  constructor() {
    throw new Error('realtime is not used by the backup target');
  }
} as unknown as Transport;

type StorageBucket = ReturnType<ReturnType<typeof createClient>['storage']['from']>;

function tooLarge(maxBytes: number): BackupTargetError {
  return new BackupTargetError('failed', `Supabase Storage sent more than ${sizeText(maxBytes)} in one answer; refused (no backup or listing is that large, so the server or the URL is wrong)`);
}

/**
 * fetch with a deadline and a size cap: a body announced or streamed past `maxBytes` is cut off
 * before it is buffered, so a hostile or broken server cannot fill memory.
 */
function boundedFetch(timeoutMs: number, maxBytes: number): typeof fetch {
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const res = await fetch(input, { ...init, signal });
    const announced = Number(res.headers.get('content-length') ?? NaN);
    if (announced > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    if (res.body === null) return res;
    let seen = 0;
    const counted = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > maxBytes) controller.error(tooLarge(maxBytes));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

export class SupabaseTarget implements BackupTarget {
  readonly kind = 'supabase' as const;
  private readonly storage: StorageBucket;
  readonly bucket: string;
  readonly adminKey: boolean;
  readonly prefix: string;
  private readonly maxListed: number;

  constructor(options: SupabaseTargetOptions) {
    this.bucket = options.bucket;
    this.adminKey = supabaseKeyKind(options.key) === 'service-role';
    this.maxListed = options.maxListed ?? DEFAULT_MAX_LISTED;
    this.prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    const client = createClient(options.url, options.key, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: NoRealtime },
      global: { fetch: boundedFetch(options.timeoutMs ?? 30_000, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES) },
    });
    this.storage = client.storage.from(options.bucket);
  }

  private folder(phoneId: string): string {
    return this.prefix ? `${this.prefix}/${phoneId}` : phoneId;
  }

  private async call<T>(op: StorageOp, run: () => Promise<{ data: T | null; error: unknown }>): Promise<T> {
    let result: { data: T | null; error: unknown };
    try {
      result = await run();
    } catch (err) {
      throw classifyStorageError(err, this.bucket, op);
    }
    if (result.error) throw classifyStorageError(result.error, this.bucket, op);
    if (result.data === null) throw new BackupTargetError('failed', `Supabase Storage ${op} returned nothing`);
    return result.data;
  }

  async put(phoneId: string, generationName: string, bytes: Uint8Array): Promise<void> {
    checkNames(phoneId, generationName);
    await this.call('upload', () =>
      this.storage.upload(`${this.folder(phoneId)}/${generationName}`, Buffer.from(bytes), {
        upsert: false,
        contentType: 'application/octet-stream',
        cacheControl: '0',
      }),
    );
  }

  async get(phoneId: string, name: string): Promise<Buffer> {
    checkNames(phoneId, name);
    // The body is read inside download(), so a reset mid-transfer lands in call()'s catch.
    const blob = await this.call('download', async () => {
      const r = await this.storage.download(`${this.folder(phoneId)}/${name}`);
      return r.error ? { data: null, error: r.error } : { data: r.data, error: null };
    });
    return Buffer.from(await blob.arrayBuffer());
  }

  async list(phoneId: string): Promise<BackupEntry[]> {
    checkNames(phoneId);
    const entries: BackupEntry[] = [];
    for (let offset = 0; ; offset += PAGE) {
      if (offset >= this.maxListed) {
        throw new BackupTargetError('failed', `the folder of phone ${phoneId} in bucket "${this.bucket}" lists more than ${this.maxListed} objects; refused (a phone keeps a few generations, so something else is writing there)`);
      }
      const page = await this.call('list', () =>
        this.storage.list(this.folder(phoneId), { limit: PAGE, offset, sortBy: { column: 'name', order: 'desc' } }),
      );
      for (const o of page) {
        const createdAt = parseGenerationName(o.name);
        // Folder placeholders have a null id; foreign files are not ours to list or prune.
        if (createdAt === null || o.id === null) continue;
        const size = Number((o.metadata as Record<string, unknown> | null)?.size ?? 0);
        entries.push({ name: o.name, size, createdAt });
      }
      if (page.length < PAGE) break;
    }
    return entries.sort(newestFirst);
  }

  async remove(phoneId: string, name: string): Promise<void> {
    checkNames(phoneId, name);
    await this.call('remove', () => this.storage.remove([`${this.folder(phoneId)}/${name}`]));
  }
}
