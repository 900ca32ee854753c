// Session files on disk, end to end: corrupt creds, imported Baileys folders, several phones,
// and a server that goes silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness } from '../../support/keeper-harness.js';
import { pairDevice } from '../../support/wa-server/baileys-client.js';

test('without a backup, a corrupt creds.json is quarantined and reported, and no new identity is written in its place', async () => {
  const h = await startHarness({ keeper: { backup: false } });
  try {
    await h.keeper.start();
    await h.pair();
    await h.keeper.stop();
    const sessionDir = h.keeper.paths.session('default');
    const good = await readFile(join(sessionDir, 'creds.json'));
    const torn = good.subarray(0, Math.floor(good.length / 2));
    await writeFile(join(sessionDir, 'creds.json'), torn);
    const connections = h.server.connections.length;
    await h.restart();
    const s = h.keeper.status('default');
    assert.equal(s.state, 'logged-out');
    assert.ok(s.quarantinedTo, 'the status says where the files went');
    assert.match(s.detail, /could not be read/);
    const kept = await readFile(join(s.quarantinedTo ?? '', 'creds.json'));
    assert.deepEqual(kept, torn, 'the damaged bytes are kept for inspection');
    await assert.rejects(stat(join(sessionDir, 'creds.json')), /ENOENT/, 'no fresh identity was saved');
    assert.equal(h.server.connections.length, connections, 'nothing connected with a made-up identity');
    assert.ok(h.logs.some((e) => e.event === 'session.quarantined' && e.level === 'error'));
  } finally {
    await h.close();
  }
});

test('two phones run side by side, each with its own folder, socket and state', async () => {
  const h = await startHarness({ phones: ['shop', 'home'] });
  try {
    await h.keeper.start();
    const shop = await h.pair('shop');
    const home = await h.pair('home');
    assert.notEqual(shop.me, home.me, 'two linked devices');
    assert.notEqual(h.keeper.paths.session('shop'), h.keeper.paths.session('home'));
    // a fault on one phone's connection leaves the other open
    const shopConn = h.server.connections.find((c) => c.state === 'logged-in' && c.jid === shop.me);
    assert.ok(shopConn);
    h.server.injectFailure(shopConn, 403);
    await h.waitForStatus('shop', (s) => s.state === 'banned');
    assert.equal(h.keeper.status('home').state, 'open');
    const shopLogs = (await readFile(join(h.dataDir, 'logs', 'shop.jsonl'), 'utf8')).trim().split('\n');
    assert.ok(shopLogs.map((l) => JSON.parse(l) as { event: string }).some((e) => e.event === 'disconnect.decision'));
    const homeLogs = await readFile(join(h.dataDir, 'logs', 'home.jsonl'), 'utf8');
    // word-bounded: a millisecond timestamp like …754403 is not a close code
    assert.doesNotMatch(homeLogs, /\b403\b/);
  } finally {
    await h.close();
  }
});

test('a folder written by Baileys\' own useMultiFileAuthState imports and opens without a QR', async () => {
  const h = await startHarness();
  const botDir = await mkdtemp(join(tmpdir(), 'bot-sessions-'));
  try {
    const paired = await pairDevice(h.server, botDir);
    const before = await readdir(botDir);
    const result = await h.keeper.importSession('default', botDir);
    assert.equal(result.me, paired.jid);
    assert.deepEqual(await readdir(botDir), before, 'the source folder is left as it was');
    await h.keeper.start();
    const open = await h.waitForStatus('default', (s) => s.state === 'open');
    assert.equal(open.me, paired.jid);
    assert.ok(h.statuses.every((s) => s.qr === null), 'never asked for a QR');
    const mode = (await stat(h.keeper.paths.session('default'))).mode & 0o777;
    assert.equal(mode, 0o700);
  } finally {
    await h.close();
    await rm(botDir, { recursive: true, force: true });
  }
});

test('importing over a linked session is refused unless asked to replace it, and then the old one is quarantined', async () => {
  const h = await startHarness();
  const botDir = await mkdtemp(join(tmpdir(), 'bot-sessions-'));
  try {
    await h.keeper.start();
    const first = await h.pair();
    await pairDevice(h.server, botDir);
    await assert.rejects(h.keeper.importSession('default', botDir), /exists|already/i);
    assert.equal(h.keeper.status('default').me, first.me, 'nothing changed');
    const result = await h.keeper.importSession('default', botDir, { replace: true });
    assert.ok(result.quarantinedTo);
    const old = await readFile(join(result.quarantinedTo ?? '', 'creds.json'), 'utf8');
    assert.match(old, new RegExp((first.me ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await h.waitForStatus('default', (s) => s.state === 'open' && s.me === result.me);
  } finally {
    await h.close();
    await rm(botDir, { recursive: true, force: true });
  }
});

test('a server that stops answering pings is detected and the phone reconnects', async () => {
  const h = await startHarness({ keeper: { socket: {} } });
  try {
    await h.restart({ socket: { waWebSocketUrl: h.server.url, keepAliveIntervalMs: 300, defaultQueryTimeoutMs: 2_000 } });
    await h.pair();
    const conn = h.server.connections.find((c) => c.state === 'logged-in');
    assert.ok(conn);
    h.server.setSilent(conn);
    const lost = await h.waitForStatus('default', (s) => s.state === 'reconnecting', 15_000);
    assert.equal(lost.lastDisconnect?.code, 408, 'Baileys reports a missed ping as 408 connection lost');
    await h.waitForStatus('default', (s) => s.state === 'open', 15_000);
  } finally {
    await h.close();
  }
});
