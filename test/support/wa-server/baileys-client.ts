// Test-side helper: one real Baileys socket pointed at the wa-server, with its auth state in a
// folder (useMultiFileAuthState) and its connection updates turned into awaitable facts.
import type { WaServer } from './server.js';
import makeWASocket, { useMultiFileAuthState, type SocketConfig, type WASocket } from '@whiskeysockets/baileys';
import pino from 'pino';

export interface ClientClose {
  statusCode: number | undefined;
  message: string;
  /** Boom data: e.g. the <failure> attrs, or the <stream:error> reason node. */
  data: unknown;
}

export interface TestClient {
  sock: WASocket;
  qrs: string[];
  /** Resolves with the next QR not yet returned by a previous call. */
  nextQr(timeoutMs?: number): Promise<string>;
  opened: Promise<void>;
  closed: Promise<ClientClose>;
  /** Waits for pending creds and key writes, so a later client reading the folder sees them. */
  flushCreds(): Promise<void>;
  end(): Promise<void>;
}

function statusOf(err: unknown): number | undefined {
  const output = (err as { output?: { statusCode?: unknown } } | undefined)?.output;
  return typeof output?.statusCode === 'number' ? output.statusCode : undefined;
}

export async function connectClient(url: string, authDir: string, extra: Partial<SocketConfig> = {}): Promise<TestClient> {
  const { state, saveCreds } = await useMultiFileAuthState(authDir);
  let writes: Promise<void> = Promise.resolve();
  // Key writes are tracked too: after a login Baileys stores up to 812 new pre-keys, one file
  // each, and a test that removes the folder while they land fails with ENOTEMPTY.
  const keyWrites = new Set<Promise<void>>();
  const keys: typeof state.keys = {
    get: (type, ids) => state.keys.get(type, ids),
    set: data => {
      const done = Promise.resolve(state.keys.set(data));
      const tracked = done.then(
        () => undefined,
        () => undefined,
      );
      keyWrites.add(tracked);
      void tracked.then(() => keyWrites.delete(tracked));
      return done;
    },
  };
  const settled = async (): Promise<void> => {
    await writes;
    // a write may start while another finishes: wait until a turn finds none pending
    while (keyWrites.size > 0) {
      await Promise.all([...keyWrites]);
      await new Promise(resolve => setImmediate(resolve));
    }
    await writes;
  };
  const sock = makeWASocket({
    auth: { creds: state.creds, keys },
    waWebSocketUrl: url,
    printQRInTerminal: false,
    logger: pino({ level: 'silent' }),
    markOnlineOnConnect: false,
    ...extra,
  });
  sock.ev.on('creds.update', () => {
    writes = writes.then(saveCreds, saveCreds);
  });
  const qrs: string[] = [];
  let qrRead = 0;
  const qrListeners = new Set<() => void>();
  let closedFlag = false;
  let onOpen!: () => void;
  let onOpenFail!: (err: Error) => void;
  const opened = new Promise<void>((resolve, reject) => {
    onOpen = resolve;
    onOpenFail = reject;
  });
  opened.catch(() => undefined); // not every test awaits it
  let onClosed!: (c: ClientClose) => void;
  const closed = new Promise<ClientClose>(resolve => {
    onClosed = resolve;
  });
  sock.ev.on('connection.update', update => {
    if (update.qr) {
      qrs.push(update.qr);
      for (const l of [...qrListeners]) l();
    }
    if (update.connection === 'open') onOpen();
    if (update.connection === 'close') {
      closedFlag = true;
      const err = update.lastDisconnect?.error;
      const data = (err as { data?: unknown } | undefined)?.data;
      const result = { statusCode: statusOf(err), message: err?.message ?? '', data };
      onOpenFail(new Error(`closed before open: ${result.statusCode} ${result.message}`));
      onClosed(result);
      for (const l of [...qrListeners]) l();
    }
  });
  return {
    sock,
    qrs,
    opened,
    closed,
    nextQr(timeoutMs = 5000) {
      return new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const qr = qrs[qrRead];
          if (qr !== undefined) {
            qrRead++;
            finish();
            resolve(qr);
          } else if (closedFlag) {
            finish();
            reject(new Error('client closed before showing a QR'));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error('no QR within timeout'));
        }, timeoutMs);
        const finish = (): void => {
          clearTimeout(timer);
          qrListeners.delete(check);
        };
        qrListeners.add(check);
        check();
      });
    },
    flushCreds: settled,
    async end() {
      if (!closedFlag) void sock.end(undefined);
      await closed;
      await settled();
    },
  };
}

/**
 * Pairs a new companion whose auth state lives in authDir: QR, phone scan, 515. Returns once
 * the creds are on disk, so connectClient(url, authDir) then logs in with them.
 */
export async function pairDevice(server: WaServer, authDir: string, extra: Partial<SocketConfig> = {}): Promise<{ jid: string; lid: string }> {
  const client = await connectClient(server.url, authDir, extra);
  try {
    const qr = await client.nextQr();
    const { jid, lid } = await server.phone.scan(qr);
    const closed = await client.closed;
    if (closed.statusCode !== 515) throw new Error(`pairing ended with ${closed.statusCode}, not 515`);
    return { jid, lid };
  } finally {
    await client.end();
  }
}
