// Plain Chromium cannot load a custom scheme (no registerSchemesAsPrivileged outside Electron),
// so the stand-in serves `app://session-keeper/…` from a loopback HTTP origin: every request is
// handed, as `app://session-keeper/<path>`, to the handler main registered with
// protocol.handle(), and its Response (status, headers — the CSP among them — and body) is what
// the page gets, byte for byte. Frame URLs are mapped back (toAppUrl) so the IPC router sees the
// origin Electron would report.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type ProtocolHandler = (request: Request) => Response | Promise<Response>;

export interface AppOriginProxy {
  /** `app://host/path` → `http://127.0.0.1:<port>/path` */
  toLoopbackUrl(appUrl: string): string;
  /** the inverse, for URLs the page reports; other URLs are returned unchanged */
  toAppUrl(url: string): string;
  close(): Promise<void>;
}

export async function startAppOriginProxy(appOrigin: string, handlerFor: (scheme: string) => ProtocolHandler | undefined): Promise<AppOriginProxy> {
  const scheme = new URL(appOrigin).protocol.replace(/:$/, '');
  const server: Server = createServer((req, res) => {
    void (async () => {
      const handler = handlerFor(scheme);
      if (!handler) {
        // Electron fails the load when no handler is registered for the scheme
        res.writeHead(502).end(`no protocol handler for ${scheme}:`);
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const response = await handler(new Request(`${appOrigin}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers }));
      const out: Record<string, string> = {};
      response.headers.forEach((v, k) => (out[k] = v));
      res.writeHead(response.status, out).end(Buffer.from(await response.arrayBuffer()));
    })().catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const loopback = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    toLoopbackUrl(appUrl) {
      if (!appUrl.startsWith(`${appOrigin}/`) && appUrl !== appOrigin) throw new Error(`the stand-in only loads ${appOrigin} URLs, not ${appUrl}`);
      return loopback + appUrl.slice(appOrigin.length);
    },
    toAppUrl(url) {
      return url === loopback || url.startsWith(`${loopback}/`) ? appOrigin + url.slice(loopback.length) : url;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
