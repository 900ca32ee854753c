// Backups in a Supabase Storage bucket at `<prefix>/<phoneId>/<generation>`. The bytes are
// already encrypted; the bucket should still be private.
import { createClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import { BackupTargetError } from './errors.js';
import { classifyStorageError, type StorageOp } from './supabase-errors.js';
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
}

const PAGE = 1000;

// supabase-js builds a realtime client eagerly, and on Node 20 (no global WebSocket) that
// throws. We never use realtime, so hand it a transport that only fails if ever used.
type Transport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>;
const NoRealtime = class {
  constructor() {
    throw new Error('realtime is not used by the backup target');
  }
} as unknown as Transport;

type StorageBucket = ReturnType<ReturnType<typeof createClient>['storage']['from']>;

function timeoutFetch(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetch(input, { ...init, signal });
  };
}

export class SupabaseTarget implements BackupTarget {
  readonly kind = 'supabase' as const;
  private readonly storage: StorageBucket;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: SupabaseTargetOptions) {
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    const client = createClient(options.url, options.key, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: NoRealtime },
      global: { fetch: timeoutFetch(options.timeoutMs ?? 30_000) },
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
