// The connection controller alone: real Baileys against the WhatsApp test server, a real auth
// store, and a small host that records what the controller asks of the session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';
import { openAuthStore, type AuthStore } from '../../../../main/engine/auth-store/index.js';
import { ManualClock } from '../../../../main/engine/clock.js';
import { normalizePolicyConfig } from '../../../../main/engine/disconnect-policy.js';
import { EMPTY_META } from '../../../../main/engine/phone-meta.js';
import { ConnectionController, TRANSPORT_WAIT_CAP_MS } from '../../../../main/engine/session/connection-controller.js';
import { StatusModel } from '../../../../main/engine/session/status-model.js';
import { installTestRoot, startWaServer, uninstallTestRoot, type WaServer } from '../../../support/wa-server/index.js';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

interface Rig {
  server: WaServer;
  /** holds every store flush until the returned function is called */
  holdFlushes(): () => void;
  /** one entry per flush asked of the store */
  flushes: string[];
  /** what the host's untilLoaded answers (null: loaded) */
  loading: Promise<void> | null;
  clock: ManualClock;
  model: StatusModel;
  conn: ConnectionController;
  calls: string[];
  until(check: () => boolean, what: string): Promise<void>;
  close(): Promise<void>;
}

/** `url`: where the socket connects instead of the WhatsApp test server (which still runs) */
async function rig(url?: string): Promise<Rig> {
  installTestRoot();
  const server = await startWaServer({});
  const dir = await mkdtemp(join(tmpdir(), 'controller-'));
  const clock = new ManualClock(T0);
  const real = (await openAuthStore({ dir: join(dir, 'session'), quarantineDir: join(dir, 'quarantine'), clock })).store;
  // the real store, whose flush a test can hold back (to see what 'open' waits for)
  let flushGate: Promise<void> = Promise.resolve();
  const flushes: string[] = [];
  let releaseHeld: () => void = () => {};
  let store: AuthStore | null = {
    dir: real.dir,
    state: real.state,
    saveCreds: () => real.saveCreds(),
    isRegistered: () => real.isRegistered(),
    withWriteLock: (fn) => real.withWriteLock(fn),
    quarantine: (reason) => real.quarantine(reason),
    flush: async () => {
      flushes.push('asked');
      await flushGate;
      await real.flush();
    },
    keysSettled: () => real.keysSettled(),
    close: () => real.close(),
  };
  let pairedAt: number | null = null;
  const calls: string[] = [];
  const model = new StatusModel(
    { phone: { id: 'default' }, clock, meta: () => ({ ...EMPTY_META, pairedAt }), reconnect: () => conn.reconnectInfo(), storageError: () => null },
    () => {},
  );
  const conn: ConnectionController = new ConnectionController({
    phoneId: 'default',
    clock,
    random: () => 0.5,
    socket: { waWebSocketUrl: url ?? server.url },
    policy: normalizePolicyConfig(),
    baileysLogger: pino({ level: 'silent' }) as unknown as ILogger,
    log: () => {},
    status: model,
    onSocketGone: () => {},
    host: {
      store: () => store,
      opened: (_me, now) => {
        const first = pairedAt === null;
        pairedAt ??= now;
        calls.push(first ? 'opened:first' : 'opened');
        return first;
      },
      linkedBefore: () => pairedAt !== null,
      untilLoaded: () => rigged.loading,
      closed: () => {},
      phoneSeen: () => {},
      credsSaved: () => {},
      paired: () => calls.push('paired'),
      serverLoggedOut: async (quarantine) => {
        calls.push(`server-logout:${quarantine}`);
        conn.intent = 'unlinked';
      },
      pairingExpired: async () => {
        calls.push('pairing-expired');
      },
      quarantine: async (reason) => {
        calls.push(`quarantine:${reason}`);
      },
      offerPairing: async () => {
        calls.push('offer-pairing');
      },
    },
  });
  const until = (check: () => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const tick = (): void => {
        if (check()) resolve();
        else if (Date.now() - started > 10_000) reject(new Error(`timed out waiting for ${what}; state ${model.state}, calls ${calls.join(',')}`));
        else setTimeout(tick, 20);
      };
      tick();
    });
  const rigged: Rig = {
    server,
    loading: null,
    holdFlushes() {
      let release!: () => void;
      flushGate = new Promise<void>((r) => (release = r));
      releaseHeld = release;
      return release;
    },
    flushes,
    clock,
    model,
    conn,
    calls,
    until,
    async close() {
      releaseHeld(); // a test that failed while holding flushes must not hang here
      conn.intent = 'user-stopped';
      conn.quiet();
      await conn.retire();
      await store?.close();
      store = null;
      await server.close();
      uninstallTestRoot();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return rigged;
}

async function paired(r: Rig): Promise<void> {
  r.conn.intent = 'run';
  await r.conn.connect('connecting');
  await r.until(() => r.model.field('qr') !== null, 'a QR');
  await r.server.phone.scan(r.model.field('qr') ?? '');
  await r.until(() => r.model.state === 'open', 'open');
}

test('running, it shows a QR, and after the scan tells its host about the first open once it is on screen', async () => {
  const r = await rig();
  try {
    await paired(r);
    assert.deepEqual(r.calls, ['opened:first', 'paired']);
    assert.equal(r.model.field('qr'), null);
    assert.equal(r.conn.isOpen(), true);
  } finally {
    await r.close();
  }
});

test('the open that ends a pairing waits until the link is on disk; a re-open is announced without waiting for its login\'s creds save', async () => {
  const r = await rig();
  try {
    r.conn.intent = 'run';
    await r.conn.connect('connecting');
    await r.until(() => r.model.field('qr') !== null, 'a QR');
    const release = r.holdFlushes();
    await r.server.phone.scan(r.model.field('qr') ?? '');
    await r.until(() => r.flushes.length > 0, 'the first open asking for a flush');
    await new Promise((res) => setTimeout(res, 300));
    assert.notEqual(r.model.state, 'open', 'the link is not announced before its writes settle');
    release();
    await r.until(() => r.model.state === 'open', 'open after the flush');
    assert.deepEqual(r.calls, ['opened:first', 'paired']);

    // a re-open with every flush held: still announced
    await r.conn.retire();
    const asked = r.flushes.length;
    r.holdFlushes();
    await r.conn.connect('reconnecting');
    await r.until(() => r.model.state === 'open', 'the re-open');
    assert.deepEqual(r.calls, ['opened:first', 'paired', 'opened']);
    assert.equal(r.flushes.length, asked, 'the re-open did not wait for a flush');
  } finally {
    await r.close();
  }
});

test('an open waits while its host still loads (the rhythm and history beside the first connection), then is announced', async () => {
  const r = await rig();
  try {
    await paired(r);
    await r.conn.retire();
    let loaded!: () => void;
    r.loading = new Promise<void>((res) => (loaded = res));
    const before = r.server.connections.length;
    await r.conn.connect('reconnecting');
    await r.until(() => r.server.connections.slice(before).some((c) => c.state === 'logged-in'), 'the login');
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(r.model.state, 'reconnecting', 'not announced while the host loads');
    assert.deepEqual(r.calls, ['opened:first', 'paired']);
    r.loading = null;
    loaded();
    await r.until(() => r.model.state === 'open', 'open once loaded');
    assert.deepEqual(r.calls, ['opened:first', 'paired', 'opened']);
  } finally {
    await r.close();
  }
});

test('a 411 at login is carried out as a server logout, with a new pairing offered', async () => {
  const r = await rig();
  try {
    await paired(r);
    r.server.injectFailure('next-login', 411);
    const live = r.server.connections.find((c) => c.state === 'logged-in');
    assert.ok(live);
    r.server.destroy(live);
    await r.until(() => r.model.state === 'reconnecting' && r.conn.reconnectInfo().nextAt !== null, 'a planned reconnect');
    r.clock.advance((r.conn.reconnectInfo().nextAt ?? 0) - r.clock.now());
    await r.until(() => r.calls.includes('offer-pairing'), 'the pairing offer');
    assert.deepEqual(r.calls.slice(2), ['server-logout:true', 'offer-pairing']);
  } finally {
    await r.close();
  }
});

test('nothing connects unless the intent is run, nor while the session folder is held', async () => {
  const r = await rig();
  try {
    const before = r.server.connections.length;
    r.conn.intent = 'user-stopped';
    await r.conn.connect('connecting');
    r.conn.intent = 'unlinked';
    await r.conn.connect('connecting');
    r.conn.intent = 'run';
    r.conn.hold(true);
    await r.conn.connect('connecting');
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(r.server.connections.length, before);
    assert.equal(r.model.state, 'stopped');
    r.conn.hold(false);
    await r.conn.connect('connecting');
    await r.until(() => r.server.connections.length > before, 'a connection');
  } finally {
    await r.close();
  }
});

test('the transport wait settles at once without a socket, and only once the new socket\'s WebSocket has opened', async () => {
  const r = await rig();
  try {
    let settled = false;
    await r.conn.transportSettled();
    r.conn.intent = 'run';
    const before = r.server.connections.length;
    await r.conn.connect('connecting');
    void r.conn.transportSettled().then(() => (settled = true));
    await r.conn.transportSettled();
    assert.equal(settled, true);
    assert.ok(r.server.connections.length > before, 'the server holds the connection by then');
  } finally {
    await r.close();
  }
});

test('a connect nobody answers holds the transport wait only until its cap, and a retire ends it at once', async () => {
  // a TCP server that accepts and never speaks: the TLS handshake hangs, as behind a dropping firewall
  const sockets: Socket[] = [];
  const silent = createServer((s) => sockets.push(s));
  await new Promise<void>((res) => silent.listen(0, '127.0.0.1', res));
  const { port } = silent.address() as { port: number };
  const r = await rig(`wss://127.0.0.1:${port}/ws/chat`);
  try {
    r.conn.intent = 'run';
    let settled = false;
    await r.conn.connect('connecting');
    void r.conn.transportSettled().then(() => (settled = true));
    await r.until(() => sockets.length > 0, 'the TCP connection');
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(settled, false, 'still waiting for the TLS handshake');
    r.clock.advance(TRANSPORT_WAIT_CAP_MS);
    await r.until(() => settled, 'the capped wait');

    settled = false;
    await r.conn.retire();
    await r.conn.connect('connecting');
    void r.conn.transportSettled().then(() => (settled = true));
    await r.until(() => sockets.length > 1, 'the second TCP connection');
    await r.conn.retire();
    await r.until(() => settled, 'the wait ended by the retire');
  } finally {
    await r.close();
    for (const s of sockets) s.destroy();
    await new Promise((res) => silent.close(res));
  }
});
