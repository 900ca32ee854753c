// Serves the built renderer (dist/renderer) over local HTTP for Chromium, with a test-only copy
// of index.html that loads /test-bridge.js first, and a WebSocket at /bridge that answers its
// calls with main's own preload, router and handlers over a real keeper (main-ipc.ts), and pushes
// status, log and settings events back with their send time.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { AppSettings } from '../../../main/settings/schema.js';
import { INVOKE_CHANNEL } from '../../../main/ipc/channels.js';
import type { Harness } from '../keeper-harness.js';
import { WebSocketServer, type WsSocket } from '../wa-server/ws-module.js';
import { BROWSER_BRIDGE_JS } from './browser-bridge.js';
import { startMainIpc, type BridgeOptions, type BridgeState } from './main-ipc.js';

export interface RendererServer {
  url: string;
  state: BridgeState;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** The real page plus the bridge script, and `connect-src 'self'` for the bridge's WebSocket only. */
export function testIndexHtml(html: string): string {
  const withCsp = html.replace("connect-src 'none'", "connect-src 'self'");
  if (withCsp === html) throw new Error('index.html no longer carries the expected CSP meta');
  return withCsp.replace('<script type="module" src="app.js"></script>', '<script src="test-bridge.js"></script>\n  <script type="module" src="app.js"></script>');
}

export async function startRendererServer(h: Harness, root: string, opts: BridgeOptions = {}): Promise<RendererServer> {
  const sockets = new Set<WsSocket>();
  const send = (ws: WsSocket, msg: unknown) => (ws as unknown as { send(data: string): void }).send(JSON.stringify(msg));
  const broadcast = (push: string, payload: unknown) => {
    const sentAt = Date.now();
    for (const ws of sockets) send(ws, { push, payload, sentAt });
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      try {
        if (path === '/test-bridge.js') {
          res.writeHead(200, { 'content-type': 'text/javascript' }).end(BROWSER_BRIDGE_JS);
          return;
        }
        const name = path === '/' ? 'index.html' : normalize(path).replace(/^[/\\]+/, '');
        if (name.includes('..')) throw new Error('outside root');
        let body: string | Buffer = await readFile(join(root, name));
        if (name === 'index.html') body = testIndexHtml(body.toString('utf8'));
        res.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (req.url !== '/bridge') return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      // the page's origin stands for Electron's senderFrame: main's router checks it
      const api = main.apiFor(req.headers.origin ?? '');
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
      ws.on('message', (data) => {
        void (async () => {
          const msg = JSON.parse(String(data)) as { id: number; method: string; args: unknown[] };
          const args = msg.args.map((a) => (a !== null && typeof a === 'object' && '$undefined' in a ? undefined : a));
          main.state.calls.push(msg.method);
          if (!Object.hasOwn(INVOKE_CHANNEL, msg.method)) {
            send(ws, { id: msg.id, ok: false, error: { code: 'forbidden', message: `No such method: ${msg.method}` } });
            return;
          }
          try {
            const value = await (api[msg.method as keyof typeof INVOKE_CHANNEL] as (...a: unknown[]) => Promise<unknown>)(...args);
            send(ws, { id: msg.id, ok: true, value: value === undefined ? { $undefined: true } : value });
          } catch (err) {
            // the preload rejects with main's IpcFailure ({ code, message, problems? }), as plain data
            send(ws, { id: msg.id, ok: false, error: err });
          }
        })();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const main = await startMainIpc(h, `http://127.0.0.1:${port}`, opts, (s: AppSettings) => broadcast('settings', s)).catch(async (err: unknown) => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  });
  const onStatus = (s: unknown) => broadcast('status', s);
  const onLog = (e: unknown) => broadcast('log', e);
  h.keeper.on('status', onStatus);
  h.keeper.on('log', onLog);
  return {
    url: `http://127.0.0.1:${port}/`,
    state: main.state,
    async close() {
      await main.close();
      h.keeper.off('status', onStatus);
      h.keeper.off('log', onLog);
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
