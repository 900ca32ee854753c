import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openAuthStore } from '../../../main/engine/auth-store.js';
import { crashBatch, SLOTS } from '../../support/auth-store/crash-writer.js';
import { tempDir } from '../../support/auth-store/fixtures.js';

// Works from dist/ and from .build/<name>/: the child is compiled next to this file's tree.
const CHILD = fileURLToPath(new URL('../../support/auth-store/crash-writer.js', import.meta.url));
const LANES = 2; // two sessions killed in parallel to fit 60 kills in the time budget
const ROUNDS_PER_LANE = 30;
const KILL_WINDOW_MS = 60;

interface LaneState {
  dir: string;
  quarantineDir: string;
  identity: string;
  lastCounter: number;
  lastBatch: number;
}

/** Spawns the writer, lets it run for a random moment, SIGKILLs it; returns the last batch it acknowledged. */
async function killAtRandom(lane: LaneState, firstBatch: number): Promise<number> {
  const child = spawn(process.execPath, [CHILD, lane.dir, lane.quarantineDir, String(firstBatch)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let lastAck = -1;
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const m of out.matchAll(/ack (\d+)\n/g)) lastAck = Math.max(lastAck, Number(m[1]));
      if (out.includes('ready\n')) resolve();
    });
    void exited.then((how) => reject(new Error(`writer exited (${String(how)}) before it was ready: ${out} ${err}`)));
  });
  // Kill relative to the writer's own progress, not the wall clock alone: on a loaded machine a
  // fixed window can end before the first write starts, and then the kill proves nothing.
  const acksBeforeKill = Math.floor(Math.random() * 3);
  const acks = () => [...out.matchAll(/ack (\d+)\n/g)].length;
  const deadline = Date.now() + 10_000;
  while (acks() < acksBeforeKill && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
  assert.ok(acks() >= acksBeforeKill, `writer acknowledged ${acks()} of ${acksBeforeKill} batches in 10 s: ${err}`);
  await new Promise((r) => setTimeout(r, Math.random() * KILL_WINDOW_MS));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', `writer must die by SIGKILL, not by itself: ${err}`);
  for (const m of out.matchAll(/ack (\d+)\n/g)) lastAck = Math.max(lastAck, Number(m[1]));
  return lastAck;
}

/** Reopens the folder and checks creds and batches; returns what open had to recover. */
async function verify(lane: LaneState, lastAck: number): Promise<{ journal: string; temps: number }> {
  const { store, quarantined, recovered } = await openAuthStore({ dir: lane.dir, quarantineDir: lane.quarantineDir });
  assert.equal(quarantined, null, 'a crash must never make the session unreadable');

  const creds = store.state.creds;
  assert.equal(JSON.stringify([creds.noiseKey, creds.signedIdentityKey, creds.registrationId, creds.me]), lane.identity, 'same identity');
  const counter = creds.accountSyncCounter;
  assert.equal(creds.lastPropHash, counter === 0 ? undefined : `prop-${counter}`, 'creds are one state the child saved, not a mix');
  assert.ok(counter >= lane.lastCounter, `creds never go back (${counter} < ${lane.lastCounter})`);
  assert.ok(counter >= lastAck, `acknowledged creds are durable (${counter} < ${lastAck})`);

  const ids = Array.from({ length: SLOTS }, (_, i) => i);
  const sessions = await store.state.keys.get('session', ids.map((i) => `slot:${i}`));
  const lists = await store.state.keys.get('device-list', ids.map((i) => `slot${i}`));
  const memory = await store.state.keys.get('sender-key-memory', ids.map((i) => `slot${i}`));
  const version = (await store.state.keys.get('app-state-sync-version', ['critical_block']))['critical_block'];
  const tag = version ? version.version : 0;
  if (tag === 0) {
    assert.ok(Object.values(sessions).every((v) => v === null), 'no batch yet means no slot written');
  } else {
    const expected = crashBatch(tag);
    for (const i of ids) {
      assert.deepEqual(sessions[`slot:${i}`], expected.session?.[`slot:${i}`], `session slot ${i} belongs to batch ${tag}`);
      assert.deepEqual(lists[`slot${i}`], expected['device-list']?.[`slot${i}`], `device-list slot ${i} belongs to batch ${tag}`);
      assert.deepEqual(memory[`slot${i}`], expected['sender-key-memory']?.[`slot${i}`] ?? null, `sender-key-memory slot ${i} set/deleted as in batch ${tag}`);
    }
  }
  assert.ok(tag >= lane.lastBatch, `batches never go back (${tag} < ${lane.lastBatch})`);
  assert.ok(tag >= lastAck, `acknowledged batches are durable (${tag} < ${lastAck})`);
  assert.deepEqual((await readdir(lane.dir)).filter((n) => n.startsWith('.')), [], 'open leaves no journal or temp file');
  lane.lastCounter = counter;
  lane.lastBatch = tag;
  await store.close();
  return { journal: recovered.journal, temps: recovered.tempFilesRemoved };
}

test('SIGKILL at random moments never loses creds nor splits a key batch (60 kills)', { timeout: 60_000 }, async (t) => {
  const root = await tempDir(t, 'authstore-crash-');
  const lanes: LaneState[] = [];
  for (let l = 0; l < LANES; l++) {
    const dir = join(root, `phone${l}`);
    const quarantineDir = join(root, 'quarantine');
    const { store } = await openAuthStore({ dir, quarantineDir });
    store.state.creds.me = { id: `1555000000${l}:1@s.whatsapp.net` };
    await store.saveCreds();
    await store.close();
    const c = store.state.creds;
    lanes.push({ dir, quarantineDir, identity: JSON.stringify([c.noiseKey, c.signedIdentityKey, c.registrationId, c.me]), lastCounter: 0, lastBatch: 0 });
  }

  const tally = { kills: 0, replayed: 0, discarded: 0, temps: 0, acked: 0 };
  await Promise.all(
    lanes.map(async (lane) => {
      for (let round = 1; round <= ROUNDS_PER_LANE; round++) {
        const lastAck = await killAtRandom(lane, round * 1_000_000);
        tally.kills += 1;
        if (lastAck > 0) tally.acked += 1;
        const r = await verify(lane, lastAck);
        if (r.journal === 'replayed') tally.replayed += 1;
        if (r.journal === 'discarded') tally.discarded += 1;
        tally.temps += r.temps;
      }
    }),
  );
  t.diagnostic(`kills=${tally.kills} rounds-with-acks=${tally.acked} journals-replayed=${tally.replayed} journals-discarded=${tally.discarded} temp-files-removed=${tally.temps}`);
  assert.equal(tally.kills, LANES * ROUNDS_PER_LANE);
  // The kills must actually land mid-write, or this test proves nothing.
  assert.ok(tally.acked >= 10, `too few rounds wrote anything (${tally.acked})`);
  assert.ok(tally.replayed + tally.temps > 0, 'no kill landed inside a write');
});
