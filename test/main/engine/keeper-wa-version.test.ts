// WhatsApp retiring old Web versions (405), end to end: the real Baileys client against the WA
// test server, which can refuse versions older than a minimum and serves the version document
// (like web.whatsapp.com/sw.js) at the address the keeper is given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ManualClock } from '../../../main/engine/clock.js';
import { BUNDLED_WA_VERSION } from '../../../main/engine/wa-version.js';
import { startHarness, type Harness } from '../../support/keeper-harness.js';
import type { WaConnection, WaVersion } from '../../support/wa-server/index.js';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const BUNDLED = BUNDLED_WA_VERSION[2];
const NEWER = BUNDLED + 1_000;
const NEWEST = BUNDLED + 2_000;
const v = (revision: number): WaVersion => [2, 3000, revision];
const text = (revision: number) => `2.3000.${revision}`;

async function harness(server: { minVersion?: WaVersion; webRevision?: number | null }, before?: (dataDir: string) => Promise<void>): Promise<Harness> {
  const clock = new ManualClock(T0);
  const h = await startHarness({ server, keeper: { clock, random: () => 0.5 } });
  await before?.(h.dataDir);
  await h.restart({ waVersion: { url: h.server.versionUrl } });
  return h;
}

function liveLogin(h: Harness): WaConnection {
  const conn = [...h.server.connections].reverse().find((c) => c.state === 'logged-in');
  assert.ok(conn, 'a logged-in connection');
  return conn;
}

async function cached(h: Harness): Promise<{ version: WaVersion; fetchedAt: number; url: string }> {
  return JSON.parse(await readFile(join(h.dataDir, 'state', 'wa-web-version.json'), 'utf8')) as { version: WaVersion; fetchedAt: number; url: string };
}

test('at start the keeper learns the current WhatsApp Web version, caches it with its date, and links with it where the bundled one is refused', async () => {
  const h = await harness({ minVersion: v(NEWER), webRevision: NEWER });
  try {
    await h.pair();
    assert.equal(h.server.versionRequests, 1);
    assert.ok(h.server.connections.every((c) => c.appVersion === text(NEWER)), 'every connection announced the learned version');
    assert.deepEqual(await cached(h), { version: v(NEWER), fetchedAt: T0, url: h.server.versionUrl });
    assert.ok(!h.logs.some((e) => e.data?.code === 405), 'never refused');
  } finally {
    await h.close();
  }
});

test('a 405 while linked learns the newer version, reconnects with it at once, and opens again with no QR', async () => {
  const h = await harness({ webRevision: NEWER });
  try {
    await h.pair();
    const conn = liveLogin(h);
    assert.equal(conn.appVersion, text(NEWER));
    // WhatsApp retires the version in use and publishes a newer one
    h.server.requireVersion(v(NEWEST));
    h.server.serveWebRevision(NEWEST);
    h.server.injectFailure(conn, 405);
    const decision = await h.waitForLog((e) => e.event === 'disconnect.decision' && e.data?.code === 405);
    assert.equal(decision.level, 'warn');
    assert.match(decision.message, new RegExp(`reconnecting at once with the current one, ${text(NEWEST).replaceAll('.', '\\.')}`));
    const open = await h.waitForStatus('default', (s) => s.state === 'open' && liveLogin(h) !== conn);
    assert.equal(open.qr, null);
    assert.equal(liveLogin(h).appVersion, text(NEWEST));
    assert.equal(h.server.versionRequests, 2, 'asked at start and after the 405');
    assert.deepEqual((await cached(h)).version, v(NEWEST));
    const after405 = h.statuses.slice(h.statuses.findIndex((s) => s.lastDisconnect?.code === 405));
    assert.ok(after405.every((s) => s.state !== 'waiting-for-scan' && s.state !== 'outdated'));
  } finally {
    await h.close();
  }
});

test('a 405 when no newer version can be learned stops the phone loudly in outdated, session kept', async () => {
  const h = await harness({ webRevision: NEWER });
  try {
    await h.pair();
    h.server.requireVersion(v(NEWEST));
    h.server.injectFailure(liveLogin(h), 405);
    const s = await h.waitForStatus('default', (x) => x.state === 'outdated');
    assert.equal(s.lastDisconnect?.code, 405);
    assert.equal(s.reconnect.nextAt, null, 'no retry of a refused version');
    assert.equal(h.server.versionRequests, 2, 'it did ask again before giving up');
    const decision = h.logs.find((e) => e.event === 'disconnect.decision' && e.data?.code === 405);
    assert.equal(decision?.level, 'error');
    assert.match(decision?.message ?? '', /outdated and no newer one could be learned/);
    const creds = await readFile(join(h.keeper.paths.session('default'), 'creds.json'), 'utf8');
    assert.ok(creds.length > 0, 'session kept');
  } finally {
    await h.close();
  }
});

test('when the version document cannot be had, the newest known version (the cached one) is used, with a warning', async () => {
  const h = await harness({ minVersion: v(NEWER), webRevision: null }, async (dataDir) => {
    await mkdir(join(dataDir, 'state'), { recursive: true });
    const old = { version: v(NEWER), fetchedAt: T0 - 3 * 24 * 3_600_000, url: 'http://127.0.0.1:9/sw.js' };
    await writeFile(join(dataDir, 'state', 'wa-web-version.json'), JSON.stringify(old));
  });
  try {
    await h.pair();
    assert.equal(h.server.versionRequests, 1, 'a stale cache is asked again');
    assert.ok(h.logs.some((e) => e.event === 'wa-version.unavailable' && e.level === 'warn' && e.message.includes(text(NEWER))));
    assert.ok(h.server.connections.every((c) => c.appVersion === text(NEWER)));
  } finally {
    await h.close();
  }
});

test('a fresh cached version is used at start without asking again', async () => {
  const h = await harness({ webRevision: NEWEST });
  try {
    // a first run cached NEWEST; an hour ago a run had cached NEWER from the same address
    await h.keeper.stop();
    await writeFile(join(h.dataDir, 'state', 'wa-web-version.json'), JSON.stringify({ version: v(NEWER), fetchedAt: T0 - 3_600_000, url: h.server.versionUrl }));
    const requests = h.server.versionRequests;
    await h.restart({ waVersion: { url: h.server.versionUrl } });
    await h.pair();
    assert.equal(h.server.versionRequests, requests, 'not asked: the cache is an hour old');
    assert.equal(liveLogin(h).appVersion, text(NEWER));
  } finally {
    await h.close();
  }
});
