// A local stand-in for Supabase Storage: the routes @supabase/storage-js 2.119 calls, with the
// same URLs, headers and JSON shapes, in memory, plus fault injection (5xx, delays, resets).
// Only what the backup target needs is modelled; everything else answers 404.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';

export interface StorageServerOptions {
  /** the one key with full access (sent as `apikey` and `Authorization: Bearer`) */
  key: string;
  /** keys that authenticate but may not touch any bucket: answered with 403 */
  noAccessKeys?: string[];
  /** buckets that exist from the start (private) */
  buckets?: string[];
}

export type Fault =
  | { kind: 'status'; status: number; count?: number }
  | { kind: 'delay'; ms: number; count?: number }
  | { kind: 'reset'; count?: number };

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

// Storage's error body: statusCode is a string, error a short name, message a sentence.
function fail(res: ServerResponse, status: number, error: string, message: string): void {
  json(res, status, { statusCode: String(status), error, message });
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

export async function start(options: StorageServerOptions): Promise<StorageServer> {
  const noAccess = new Set(options.noAccessKeys ?? []);
  const known = new Set([options.key, ...noAccess]);
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

  function list(res: ServerResponse, bucket: string, body: Record<string, unknown>): void {
    const folder = String(body.prefix ?? '').replace(/\/+$/, '');
    const search = typeof body.search === 'string' ? body.search : '';
    const limit = typeof body.limit === 'number' ? body.limit : 100;
    const offset = typeof body.offset === 'number' ? body.offset : 0;
    const sortBy = (body.sortBy ?? {}) as { column?: string; order?: string };
    const base = folder === '' ? '' : `${folder}/`;
    const rows: Record<string, unknown>[] = [];
    const folders = new Set<string>();
    for (const o of objects.values()) {
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

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (!url.pathname.startsWith(PREFIX)) return fail(res, 404, 'not_found', 'Route not found');
    const path = url.pathname.slice(PREFIX.length);

    // Like the API gateway: a missing or unknown key never reaches Storage.
    const apikey = req.headers.apikey;
    const auth = bearer(req);
    if (typeof apikey !== 'string' || !known.has(apikey) || (auth !== null && !known.has(auth))) {
      return json(res, 401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
    }
    if (noAccess.has(apikey) || (auth !== null && noAccess.has(auth))) {
      return fail(res, 403, 'Unauthorized', 'new row violates row-level security policy');
    }

    const segments = path.split('/').slice(1).map(decodeURIComponent);
    const [area, second, third] = segments;

    if (area === 'bucket') {
      if (method === 'GET' && segments.length === 1) return json(res, 200, [...buckets.values()]);
      if (method === 'GET' && second) {
        const b = buckets.get(second);
        return b ? json(res, 200, b) : fail(res, 404, 'Bucket not found', 'Bucket not found');
      }
      if (method === 'POST' && segments.length === 1) {
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { id?: string; name?: string; public?: boolean };
        const id = body.id ?? body.name;
        if (!id) return fail(res, 400, 'Invalid', 'bucket name is required');
        if (buckets.has(id)) return fail(res, 409, 'Duplicate', 'The resource already exists');
        const now = new Date().toISOString();
        buckets.set(id, { id, name: body.name ?? id, public: body.public === true, created_at: now, updated_at: now });
        return json(res, 200, { name: id });
      }
      return fail(res, 404, 'not_found', `Route ${method}:${url.pathname} not found`);
    }

    if (area !== 'object') return fail(res, 404, 'not_found', `Route ${method}:${url.pathname} not found`);

    if (method === 'POST' && second === 'list' && third) {
      if (!buckets.has(third)) return fail(res, 404, 'Bucket not found', 'Bucket not found');
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<string, unknown>;
      return list(res, third, body);
    }

    if (method === 'DELETE' && second && segments.length === 2) {
      if (!buckets.has(second)) return fail(res, 404, 'Bucket not found', 'Bucket not found');
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { prefixes?: string[] };
      const removed: Record<string, unknown>[] = [];
      for (const p of body.prefixes ?? []) {
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
      if (!bucket || !buckets.has(bucket)) return fail(res, 404, 'Bucket not found', 'Bucket not found');
      const o = objects.get(`${bucket}/${parts.join('/')}`);
      if (!o) return fail(res, 404, 'not_found', 'Object not found');
      res.writeHead(200, { 'content-type': o.contentType, 'content-length': o.bytes.length });
      res.end(o.bytes);
      return;
    }

    // POST (upload, x-upsert) and PUT (update) /object/<bucket>/<path>
    if ((method === 'POST' || method === 'PUT') && second && segments.length >= 3) {
      const bucket = second;
      const objectPath = segments.slice(2).join('/');
      const bytes = await readBody(req);
      if (!buckets.has(bucket)) return fail(res, 404, 'Bucket not found', 'Bucket not found');
      const key = `${bucket}/${objectPath}`;
      const exists = objects.has(key);
      const upsert = req.headers['x-upsert'] === 'true';
      if (method === 'POST' && exists && !upsert) return fail(res, 409, 'Duplicate', 'The resource already exists');
      if (method === 'PUT' && !exists) return fail(res, 404, 'not_found', 'Object not found');
      const contentType = req.headers['content-type'] ?? 'application/octet-stream';
      objects.set(key, { bucket, path: objectPath, bytes, contentType, createdAt: new Date().toISOString() });
      return json(res, 200, { Id: randomUUID(), Key: key });
    }

    return fail(res, 404, 'not_found', `Route ${method}:${url.pathname} not found`);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    log.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headers: { apikey: req.headers.apikey as string | undefined, authorization: req.headers.authorization, 'x-upsert': req.headers['x-upsert'] as string | undefined },
    });
    const fault = nextFault();
    const run = (): void => {
      route(req, res).catch((err: unknown) => {
        if (!res.headersSent) fail(res, 500, 'internal', `test server bug: ${String(err)}`);
      });
    };
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      // Drain the body first so the client sees the status rather than a broken pipe.
      readBody(req).then(
        () => fail(res, fault.status, 'injected', `injected ${fault.status}`),
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
