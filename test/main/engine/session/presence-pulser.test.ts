// The presence pulser alone, on a real Baileys socket logged in to the WhatsApp test server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../main/engine/clock.js';
import { PresencePulser } from '../../../../main/engine/session/presence-pulser.js';
import { connectClient, pairDevice, type TestClient } from '../../../support/wa-server/baileys-client.js';
import { installTestRoot, startWaServer, uninstallTestRoot, type WaConnection, type WaServer } from '../../../support/wa-server/index.js';

async function loggedIn(): Promise<{ server: WaServer; client: TestClient; conn: WaConnection; close: () => Promise<void> }> {
  installTestRoot();
  const server = await startWaServer({});
  const dir = await mkdtemp(join(tmpdir(), 'pulser-'));
  await pairDevice(server, dir);
  const client = await connectClient(server.url, dir);
  await client.opened;
  const conn = [...server.connections].reverse().find((c) => c.state === 'logged-in');
  assert.ok(conn);
  // Baileys announces 'unavailable' on connect (markOnlineOnConnect: false): wait for it, so the
  // presences after it are the pulser's own
  await server.waitForPresence(conn, 'unavailable');
  baseline.set(conn, conn.presences.length);
  return {
    server,
    client,
    conn,
    async close() {
      await client.end();
      await server.close();
      uninstallTestRoot();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const baseline = new Map<WaConnection, number>();

/** The typed presences sent since the connection settled. */
const types = (conn: WaConnection): (string | undefined)[] =>
  conn.presences
    .slice(baseline.get(conn) ?? 0)
    .map((p) => p.type)
    .filter((t) => t !== undefined);

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (check()) resolve();
      else if (Date.now() - started > 5_000) reject(new Error('timed out'));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

test('a pulse goes online at once and offline when its hold ends, and is busy in between', async () => {
  const { client, conn, close } = await loggedIn();
  try {
    const clock = new ManualClock();
    const pulser = new PresencePulser(clock, () => {});
    const on = { sock: client.sock, pushName: 'Test Phone', current: () => true };
    assert.deepEqual(await pulser.pulse(on, 30_000), { sent: true });
    await until(() => types(conn).length === 1);
    assert.equal(pulser.inFlight(), true);
    assert.equal((await pulser.pulse(on, 30_000)).sent, false, 'a second pulse during the hold is refused');
    clock.advance(30_000);
    await pulser.settled();
    await until(() => types(conn).length === 2);
    assert.deepEqual(types(conn), ['available', 'unavailable']);
    assert.equal(pulser.inFlight(), false);
  } finally {
    await close();
  }
});

test('without a push name nothing is sent (Baileys would drop it silently), and the reason says so', async () => {
  const { conn, client, close } = await loggedIn();
  try {
    const pulser = new PresencePulser(new ManualClock(), () => {});
    const r = await pulser.pulse({ sock: client.sock, pushName: '', current: () => true }, 0);
    assert.equal(r.sent, false);
    assert.equal(r.sent === false && r.code, 'no-push-name');
    await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(types(conn), []);
  } finally {
    await close();
  }
});

test('ending early sends the offline presence at once; a retired socket gets no late offline', async () => {
  const { client, conn, close } = await loggedIn();
  try {
    const clock = new ManualClock();
    const pulser = new PresencePulser(clock, () => {});
    await pulser.pulse({ sock: client.sock, pushName: 'Test Phone', current: () => true }, 60_000);
    await pulser.endEarly(client.sock);
    await until(() => types(conn).length === 2);
    assert.equal(pulser.inFlight(), false);
    let current = true;
    await pulser.pulse({ sock: client.sock, pushName: 'Test Phone', current: () => current }, 60_000);
    current = false;
    clock.advance(60_000);
    await pulser.settled();
    await until(() => types(conn).length >= 3);
    await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(types(conn), ['available', 'unavailable', 'available']);
  } finally {
    await close();
  }
});
