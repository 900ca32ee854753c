// A local stand-in for Supabase Storage: the routes @supabase/storage-js 2.119 calls, with the
// same URLs, headers and JSON shapes, in memory, plus fault injection (5xx, delays, resets,
// endless listings, oversized bodies). It answers like the open-source Storage server
// (supabase/storage v1.70.6, see /work/shared facts): errors are HTTP 400 with the real code as a
// string in the body, a missing bucket lists as 200 [], and row-level security hides instead of
// refusing (no select policy: empty lists and "Object not found"; no delete policy: remove
// answers 200 [] and deletes nothing). Only what the backup target needs is modelled.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';

/** Which storage.objects policies exist for a role (absent: no policy, so RLS hides or refuses). */
export interface Policies {
  select?: boolean;
  insert?: boolean;
  delete?: boolean;
}

export interface StorageServerOptions {
  /** the service-role key: bypasses row-level security (sent as `apikey` and `Authorization: Bearer`) */
  key: string;
  /** other keys of the project (e.g. the anon key) and the object policies their role has */
  roles?: Record<string, Policies>;
  /** buckets that exist from the start (private) */
  buckets?: string[];
  /**
   * Who answers an unknown key: 'storage' (default) is the Storage server itself, as self-hosted
   * (HTTP 400, statusCode "403"); 'hosted' is Supabase's API gateway (HTTP 401 "Invalid API key").
   */
  gateway?: 'storage' | 'hosted';
}

export type Fault =
  | { kind: 'status'; status: number; count?: number }
  | { kind: 'delay'; ms: number; count?: number }
  | { kind: 'reset'; count?: number }
  /** a list answers a full page of invented generations whatever the offset: a listing that never ends */
  | { kind: 'endless-list'; count?: number }
  /** a download answers this many bytes, streamed without a content-length */
  | { kind: 'oversized'; bytes: number; count?: number };

export interface StoredObject {
  bucket: string;
  path: string;
  bytes: Buffer;
  contentType: string;
  createdAt: string;
}

export interface RequestRecord {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
}

export interface StorageServer {
  /** project URL to hand to createClient (the client appends /storage/v1) */
  url: string;
  close(): Promise<void>;
  /** the next `count` (default 1) requests get this fault, in the order injected */
  inject(fault: Fault): void;
  /** drops every fault still queued (an outage injected with a large count is over) */
  clearFaults(): void;
  /** changes a role's policies (CREATE / DROP POLICY) */
  setPolicies(key: string, policies: Policies): void;
  objects(): StoredObject[];
  requests(): RequestRecord[];
}

interface Bucket {
  id: string;
  name: string;
  public: boolean;
  created_at: string;
  updated_at: string;
}

const PREFIX = '/storage/v1';

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Storage's own errors: [code, statusCode, error, message] as StorageBackendError renders them. */
const ERRORS = {
  noSuchBucket: ['NoSuchBucket', '404', 'Bucket not found', 'Bucket not found'],
  noSuchKey: ['NoSuchKey', '404', 'not_found', 'Object not found'],
  keyExists: ['KeyAlreadyExists', '409', 'Duplicate', 'The resource already exists'],
  bucketExists: ['BucketAlreadyExists', '409', 'Duplicate', 'The resource already exists'],
  rls: ['AccessDenied', '403', 'Unauthorized', 'new row violates row-level security policy'],
  badJwt: ['InvalidJWT', '403', 'Unauthorized', 'invalid signature'],
  invalid: ['InvalidRequest', '400', 'Invalid Input', 'bucket name is required'],
  noRoute: ['InvalidRequest', '404', 'Not Found', 'Route not found'],
} as const satisfies Record<string, readonly [string, string, string, string]>;

// The body carries the real status as a string; the HTTP status is 400 for every refusal.
function fail(res: ServerResponse, [code, statusCode, error, message]: readonly [string, string, string, string]): void {
  json(res, 400, { statusCode, code, error, message });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (h === undefined) return null;
  const m = /^Bearer (.+)$/.exec(h);
  return m?.[1] ?? '';
}

const ALL: Required<Policies> = { select: true, insert: true, delete: true };

export async function start(options: StorageServerOptions): Promise<StorageServer> {
  const roles = new Map<string, Policies>(Object.entries(options.roles ?? {}));
  roles.set(options.key, ALL);
  const gateway = options.gateway ?? 'storage';
  const buckets = new Map<string, Bucket>();
  const objects = new Map<string, StoredObject>(); // `${bucket}/${path}`
  const faults: Fault[] = [];
  const log: RequestRecord[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const stamp = new Date().toISOString();
  for (const id of options.buckets ?? []) buckets.set(id, { id, name: id, public: false, created_at: stamp, updated_at: stamp });

  function nextFault(): Fault | null {
    const f = faults[0];
    if (!f) return null;
    const left = (f.count ?? 1) - 1;
    if (left <= 0) faults.shift();
    else faults[0] = { ...f, count: left };
    return f;
  }

  function objectJson(o: StoredObject, name: string): Record<string, unknown> {
    return {
      name,
      id: createHash('sha1').update(`${o.bucket}/${o.path}`).digest('hex'),
      updated_at: o.createdAt,
      created_at: o.createdAt,
      last_accessed_at: o.createdAt,
      metadata: {
        eTag: `"${createHash('md5').update(o.bytes).digest('hex')}"`,
        size: o.bytes.length,
        mimetype: o.contentType,
        cacheControl: 'max-age=3600',
        lastModified: o.createdAt,
        contentLength: o.bytes.length,
        httpStatusCode: 200,
      },
    };
  }

  function list(res: ServerResponse, bucket: string, body: Record<string, unknown>, canSee: boolean, endless: boolean): void {
    const folder = String(body.prefix ?? '').replace(/\/+$/, '');
    const search = typeof body.search === 'string' ? body.search : '';
    const limit = typeof body.limit === 'number' ? body.limit : 100;
    const offset = typeof body.offset === 'number' ? body.offset : 0;
    const sortBy = (body.sortBy ?? {}) as { column?: string; order?: string };
    if (endless) {
      const now = Date.now();
      const rows = Array.from({ length: limit }, (_, i) => {
        const name = `${new Date(now - (offset + i) * 1000).toISOString().replace(/[-:.]/g, '')}-${String(i % 1e6).padStart(6, '0')}.skb`;
        return objectJson({ bucket, path: `${folder}/${name}`, bytes: Buffer.alloc(1), contentType: 'application/octet-stream', createdAt: stamp }, name);
      });
      return json(res, 200, rows);
    }
    const base = folder === '' ? '' : `${folder}/`;
    const rows: Record<string, unknown>[] = [];
    const folders = new Set<string>();
    // A missing bucket, or rows hidden by row-level security, simply list as nothing.
    for (const o of canSee ? objects.values() : []) {
      if (o.bucket !== bucket || !o.path.startsWith(base)) continue;
      const rest = o.path.slice(base.length);
      const slash = rest.indexOf('/');
      if (slash >= 0) {
        const name = rest.slice(0, slash);
        if (!folders.has(name) && name.startsWith(search)) {
          folders.add(name);
          rows.push({ name, id: null, updated_at: null, created_at: null, last_accessed_at: null, metadata: null });
        }
      } else if (rest.startsWith(search)) {
        rows.push(objectJson(o, rest));
      }
    }
    const column = sortBy.column ?? 'name';
    const dir = sortBy.order === 'desc' ? -1 : 1;
    rows.sort((a, b) => {
      const x = String(a[column] ?? '');
      const y = String(b[column] ?? '');
      return x < y ? -dir : x > y ? dir : 0;
    });
    json(res, 200, rows.slice(offset, offset + limit));
  }

  async function route(req: IncomingMessage, res: ServerResponse, fault: Fault | null): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (!url.pathname.startsWith(PREFIX)) return fail(res, ERRORS.noRoute);
    const path = url.pathname.slice(PREFIX.length);

    const apikey = typeof req.headers.apikey === 'string' ? req.headers.apikey : null;
    const jwt = bearer(req) ?? apikey;
    // The hosted gateway checks the apikey header before Storage sees the request.
    if (gateway === 'hosted' && (apikey === null || !roles.has(apikey))) {
      return json(res, 401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
    }
    // Storage itself verifies the JWT: a bad one is a 400 whose body says 403.
    const policies = jwt === null ? undefined : roles.get(jwt);
    if (policies === undefined) return fail(res, ERRORS.badJwt);
    const may = (p: keyof Policies): boolean => policies[p] === true;

    const segments = path.split('/').slice(1).map(decodeURIComponent);
    const [area, second, third] = segments;

    if (area === 'bucket') {
      if (method === 'GET' && segments.length === 1) return json(res, 200, [...buckets.values()]);
      if (method === 'GET' && second) {
        const b = buckets.get(second);
        return b ? json(res, 200, b) : fail(res, ERRORS.noSuchBucket);
      }
      if (method === 'POST' && segments.length === 1) {
        if (policies !== ALL) return fail(res, ERRORS.rls);
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { id?: string; name?: string; public?: boolean };
        const id = body.id ?? body.name;
        if (!id) return fail(res, ERRORS.invalid);
        if (buckets.has(id)) return fail(res, ERRORS.bucketExists);
        const now = new Date().toISOString();
        buckets.set(id, { id, name: body.name ?? id, public: body.public === true, created_at: now, updated_at: now });
        return json(res, 200, { name: id });
      }
      return fail(res, ERRORS.noRoute);
    }

    if (area !== 'object') return fail(res, ERRORS.noRoute);

    if (method === 'POST' && second === 'list' && third) {
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<string, unknown>;
      return list(res, third, body, may('select'), fault?.kind === 'endless-list');
    }

    if (method === 'DELETE' && second && segments.length === 2) {
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { prefixes?: string[] };
      const removed: Record<string, unknown>[] = [];
      // DELETE … RETURNING under RLS: rows the role may not delete (or see) are skipped silently.
      for (const p of may('delete') && may('select') ? (body.prefixes ?? []) : []) {
        const o = objects.get(`${second}/${p}`);
        if (!o) continue;
        objects.delete(`${second}/${p}`);
        removed.push({ bucket_id: second, ...objectJson(o, p) });
      }
      return json(res, 200, removed);
    }

    // GET /object/<bucket>/<path> and /object/authenticated/<bucket>/<path>
    if (method === 'GET') {
      const rest = second === 'authenticated' ? segments.slice(2) : segments.slice(1);
      const [bucket, ...parts] = rest;
      if (fault?.kind === 'oversized') return streamZeros(res, fault.bytes);
      const o = bucket === undefined || !may('select') ? undefined : objects.get(`${bucket}/${parts.join('/')}`);
      if (!o) return fail(res, ERRORS.noSuchKey);
      res.writeHead(200, { 'content-type': o.contentType, 'content-length': o.bytes.length });
      res.end(o.bytes);
      return;
    }

    // POST (upload, x-upsert) and PUT (update) /object/<bucket>/<path>
    if ((method === 'POST' || method === 'PUT') && second && segments.length >= 3) {
      const bucket = second;
      const objectPath = segments.slice(2).join('/');
      const bytes = await readBody(req);
      if (!buckets.has(bucket)) return fail(res, ERRORS.noSuchBucket);
      if (!may('insert')) return fail(res, ERRORS.rls);
      const key = `${bucket}/${objectPath}`;
      const exists = objects.has(key);
      const upsert = req.headers['x-upsert'] === 'true';
      if (method === 'POST' && exists && !upsert) return fail(res, ERRORS.keyExists);
      if (method === 'PUT' && !exists) return fail(res, ERRORS.noSuchKey);
      const contentType = req.headers['content-type'] ?? 'application/octet-stream';
      objects.set(key, { bucket, path: objectPath, bytes, contentType, createdAt: new Date().toISOString() });
      return json(res, 200, { Id: randomUUID(), Key: key });
    }

    return fail(res, ERRORS.noRoute);
  }

  function streamZeros(res: ServerResponse, bytes: number): void {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(64 * 1024);
    let left = bytes;
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!res.write(chunk.subarray(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    pump();
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    log.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headers: { apikey: req.headers.apikey as string | undefined, authorization: req.headers.authorization, 'x-upsert': req.headers['x-upsert'] as string | undefined },
    });
    const fault = nextFault();
    const run = (): void => {
      route(req, res, fault).catch((err: unknown) => {
        if (!res.headersSent) json(res, 500, { statusCode: '500', code: 'InternalError', error: 'internal', message: `test server bug: ${String(err)}` });
      });
    };
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      // Drain the body first so the client sees the status rather than a broken pipe.
      readBody(req).then(
        () => json(res, fault.status, { statusCode: String(fault.status), code: 'InternalError', error: 'injected', message: `injected ${fault.status}` }),
        () => undefined,
      );
      return;
    }
    if (fault?.kind === 'delay') {
      const t = setTimeout(() => {
        timers.delete(t);
        if (!res.destroyed) run();
      }, fault.ms);
      timers.add(t);
      return;
    }
    run();
  }

  const server = createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    inject(fault) {
      faults.push(fault);
    },
    clearFaults() {
      faults.length = 0;
    },
    setPolicies(key, policies) {
      if (key === options.key) throw new Error('the service-role key bypasses row-level security');
      roles.set(key, { ...policies });
    },
    objects: () => [...objects.values()].map((o) => ({ ...o, bytes: Buffer.from(o.bytes) })),
    requests: () => [...log],
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
