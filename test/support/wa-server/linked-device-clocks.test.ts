// WhatsApp's two linked-device clocks in the test server, against the real Baileys client, on an
// injected clock: an idle companion is logged out at its next login, and a phone that stays
// offline gets every companion removed.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../main/engine/clock.js';
import { installTestRoot, startWaServer, uninstallTestRoot, type WaServer } from './index.js';
import { connectClient, pairDevice } from './baileys-client.js';

const DAY = 24 * 60 * 60 * 1000;
const MINUTE = 60_000;

describe('linked-device clocks', () => {
  let server: WaServer;
  let clock: ManualClock;
  let dir: string;
  let jid: string;

  beforeEach(async () => {
    installTestRoot();
    clock = new ManualClock(Date.UTC(2027, 0, 4, 12, 0));
    server = await startWaServer({ clock, linkedDeviceClocks: {} });
    dir = await mkdtemp(join(tmpdir(), 'wa-clocks-'));
    ({ jid } = await pairDevice(server, dir));
  });

  /** Advances with the phone in use every few days, so only the companion's clock runs out. */
  function advanceWithPhoneInUse(ms: number): void {
    for (let left = ms; left > 0; left -= 5 * DAY) {
      clock.advance(Math.min(left, 5 * DAY));
      server.phoneOnline();
    }
  }

  afterEach(async () => {
    await server.close();
    uninstallTestRoot();
    await rm(dir, { recursive: true, force: true });
  });

  /** Logs in with the stored session; resolves with how the login ended (undefined: it opened). */
  async function login(): Promise<number | undefined> {
    const client = await connectClient(server.url, dir);
    const result = await client.opened.then(
      () => undefined,
      async () => (await client.closed).statusCode,
    );
    await client.end();
    return result;
  }

  test('a companion idle for 30 days is logged out with 401 at its next login, one idle for 29 days is not', async () => {
    advanceWithPhoneInUse(29 * DAY);
    assert.equal(await login(), undefined, 'a login after 29 idle days opens');
    advanceWithPhoneInUse(30 * DAY - MINUTE);
    assert.equal(await login(), undefined, 'the login itself was activity: 30 days less a minute later it opens again');
    advanceWithPhoneInUse(30 * DAY);
    assert.equal(await login(), 401);
    assert.equal(server.devices.has(jid), false, 'the device is gone');
    assert.deepEqual(server.deviceClocks?.removals.map((r) => [r.jid, r.cause]), [[jid, 'companion-inactive']]);
    assert.equal(await login(), 401, 'and stays gone');
  });

  test("a presence 'available' counts as companion activity, 'unavailable' alone does not", async () => {
    const client = await connectClient(server.url, dir);
    await client.opened;
    const conn = server.connections.at(-1);
    assert.ok(conn);
    await server.waitForQuiet(conn);
    advanceWithPhoneInUse(20 * DAY);
    await client.sock.sendPresenceUpdate('unavailable');
    await server.waitFor(() => conn.presences.some((p) => p.type === 'unavailable' && p.at === clock.now()) || undefined);
    assert.equal(server.deviceClocks?.companionLastActiveAt(jid), clock.now() - 20 * DAY, "'unavailable' did not count");
    await client.sock.sendPresenceUpdate('available');
    await server.waitForPresence(conn, 'available');
    assert.equal(server.deviceClocks?.companionLastActiveAt(jid), clock.now(), "'available' counted");
    await client.end();
    advanceWithPhoneInUse(29 * DAY);
    assert.equal(await login(), undefined, '49 days after pairing, 29 after the presence: still linked');
  });

  test('a phone offline for 14 days gets its companion removed with device_removed (401) while connected, and later logins refused', async () => {
    const client = await connectClient(server.url, dir);
    await client.opened;
    const conn = server.connections.at(-1);
    assert.ok(conn);
    await server.waitForQuiet(conn);
    clock.advance(14 * DAY - MINUTE);
    assert.equal(conn.state, 'logged-in', 'not before 14 days');
    clock.advance(MINUTE);
    const closed = await client.closed;
    assert.equal(closed.statusCode, 401);
    assert.match(JSON.stringify(closed.data), /device_removed/);
    assert.equal(server.devices.size, 0);
    assert.deepEqual(server.deviceClocks?.removals.map((r) => [r.jid, r.cause, r.at]), [[jid, 'primary-offline', clock.now()]]);
    assert.equal(await login(), 401);
  });

  test('a phone used on day 10 moves its deadline to day 24, and the companion cannot reset that clock', async () => {
    clock.advance(10 * DAY);
    server.phoneOnline();
    clock.advance(3 * DAY);
    assert.equal(await login(), undefined, 'logins are companion activity only');
    clock.advance(11 * DAY - MINUTE);
    assert.equal(server.devices.has(jid), true, 'still linked a minute before day 24');
    clock.advance(MINUTE);
    assert.equal(server.devices.has(jid), false, 'removed on day 24: 14 days after the phone was last online');
    assert.equal(server.deviceClocks?.removals[0]?.cause, 'primary-offline');
  });
});
