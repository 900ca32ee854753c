// The `ws` package ships no types here (no @types/ws, and package.json is off limits), so we
// load it through createRequire and describe only the small surface the test server uses.
import { createRequire } from 'node:module';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export interface WsSocket {
  readonly readyState: number;
  send(data: Uint8Array, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', fn: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): this;
  on(event: 'close', fn: (code: number, reason: Buffer) => void): this;
  on(event: 'error', fn: (err: Error) => void): this;
}

export interface WsServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, cb: (ws: WsSocket) => void): void;
  close(cb?: (err?: Error) => void): void;
}

interface WsModule {
  WebSocketServer: new (opts: { noServer: true; maxPayload?: number }) => WsServer;
  OPEN: number;
}

const require = createRequire(import.meta.url);
const ws = require('ws') as WsModule;

export const WebSocketServer = ws.WebSocketServer;
export const WS_OPEN = ws.OPEN;
