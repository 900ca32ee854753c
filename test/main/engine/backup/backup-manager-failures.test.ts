import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openBackup } from '../../../../main/engine/backup/archive.js';
import { readSessionSnapshot } from '../../../../main/engine/backup/session-snapshot.js';
import { SupabaseTarget } from '../../../../main/engine/backup/supabase-target.js';
import { start, type StorageServer } from '../../../support/supabase-server/storage-server.js';
import { HOUR, MIN, PHONE, T0, makeRig, type Rig, type RigOptions } from './backup-manager-fixture.js';
import { installInstallationKey, installationKeyPath } from '../../../../main/engine/backup/key-store.js';
import { generateInstallationKey } from '../../../../main/engine/backup/recovery-key.js';

const KEY = 'service-key';
const NO_ACCESS = 'anon-key-without-policy';
const NO_DELETE = 'anon-key-without-delete-policy';
const BUCKET = 'backups';

let server: StorageServer;
before(async () => {
  server = await start({ key: KEY, roles: { [NO_ACCESS]: {}, [NO_DELETE]: { insert: true, select: true } }, buckets: [BUCKET] });
});
after(async () => {
  await server.close();
});

let prefixCount = 0;
function supabase(key = KEY): () => SupabaseTarget {
  const prefix = `t${++prefixCount}`;
  return () => new SupabaseTarget({ url: server.url, key, bucket: BUCKET, prefix, timeoutMs: 5_000 });
}

/**
 * A rig whose installation key exists already: these tests count requests per attempt, and a
 * first backup without a key also lists the target (to be sure no backup needs an older key).
 */
async function keyedRig(t: Parameters<typeof makeRig>[0], options: RigOptions): Promise<Rig> {
  const rig = await makeRig(t, options);
  await installInstallationKey(installationKeyPath(rig.root), generateInstallationKey());
  return rig;
}

function uploads(prefix: string): number {
  return server.requests().filter((r) => r.method === 'POST' && r.path.includes(`/object/${BUCKET}/${prefix}/`)).length;
}

test('a target down for 24 hours marks backups failing, and once it is back exactly one upload holds the newest content', async (t) => {
  const prefix = `t${prefixCount + 1}`;
  const { manager, port, target, clock, secret } = await keyedRig(t, { target: supabase() });

  server.inject({ kind: 'status', status: 500 });
  manager.onKeepAlive(PHONE);
  await manager.idle();
  let status = manager.status(PHONE);
  assert.match(status.lastBackupError ?? '', /Supabase Storage is having trouble .*500/);
  assert.equal(status.backupFailingSince, T0);
  assert.equal(status.nextBackupAt, T0 + MIN);
  assert.equal(status.backupFailing, false);

  // Keep failing: each retry meets one injected 500. Creds change and keep-alives meanwhile
  // fold into the retry plan instead of adding uploads.
  let attempts = 1;
  const delays: number[] = [];
  let last = T0;
  while (clock.now() < T0 + 24 * HOUR) {
    const next = manager.status(PHONE).nextBackupAt!;
    delays.push(next - last);
    last = next;
    server.inject({ kind: 'status', status: 500 });
    clock.advance(next - clock.now());
    await manager.idle();
    attempts += 1;
    if (attempts === 10) {
      await port.changeCreds('changed during the outage');
      manager.onCredsChanged(PHONE);
      manager.onKeepAlive(PHONE);
      await manager.idle();
    }
  }
  assert.deepEqual(delays.slice(0, 8).map((d) => d / MIN), [1, 2, 4, 8, 16, 32, 60, 60]);
  assert.equal(uploads(prefix), attempts, 'one request per attempt, none from the folded triggers');
  status = manager.status(PHONE);
  assert.equal(status.backupFailing, true);
  assert.equal(status.lastBackupAt, null);
  assert.equal(port.events('backup.failing').length, 1);
  assert.ok(port.changes > 0);

  // The target is back: the next retry uploads once, and that generation holds the newest creds.
  clock.advance(manager.status(PHONE).nextBackupAt! - clock.now());
  await manager.idle();
  assert.equal(uploads(prefix), attempts + 1);
  const list = await target.list(PHONE);
  assert.equal(list.length, 1);
  const opened = await openBackup(await target.get(PHONE, list[0]!.name), await secret(), { phoneId: PHONE, createdAt: list[0]!.createdAt });
  assert.equal(opened.metadata.contentHash, (await readSessionSnapshot(port.sessionDir)).contentHash);
  status = manager.status(PHONE);
  assert.deepEqual(
    [status.backupFailing, status.backupFailingSince, status.lastBackupError, status.nextBackupAt],
    [false, null, null, null],
  );
  clock.advance(5 * HOUR);
  manager.onKeepAlive(PHONE);
  await manager.idle();
  assert.equal(uploads(prefix), attempts + 1, 'nothing more to upload');
});

test('a pending retry is persisted and continued by the next app start', async (t) => {
  const prefix = `t${prefixCount + 1}`;
  const rig = await keyedRig(t, { target: supabase() });
  server.inject({ kind: 'status', status: 503, count: 3 });
  rig.manager.onKeepAlive(PHONE);
  await rig.manager.idle();
  rig.clock.advance(MIN);
  await rig.manager.idle();
  assert.equal(rig.manager.status(PHONE).nextBackupAt, T0 + 3 * MIN);
  await rig.manager.stop();

  const again = await rig.restart();
  assert.equal(again.status(PHONE).nextBackupAt, T0 + 3 * MIN);
  assert.equal(again.status(PHONE).backupFailingSince, T0);
  rig.clock.advance(2 * MIN); // meets the third 503: the backoff continues where it was
  await again.idle();
  assert.equal(again.status(PHONE).nextBackupAt, T0 + 3 * MIN + 4 * MIN);
  rig.clock.advance(4 * MIN);
  await again.idle();
  assert.equal(uploads(prefix), 4);
  assert.equal((await rig.target.list(PHONE)).length, 1);
  assert.equal(again.status(PHONE).lastBackupError, null);
});

test('a Supabase key without access gives a clear error and is not retried every minute', async (t) => {
  const prefix = `t${prefixCount + 1}`;
  const { manager, port, clock } = await keyedRig(t, { target: supabase(NO_ACCESS) });
  const result = await manager.backupNow(PHONE);
  assert.equal(result.outcome, 'failed');
  const status = manager.status(PHONE);
  assert.match(status.lastBackupError ?? '', /the Supabase key has no access to bucket "backups"/);
  assert.equal(status.nextBackupAt, T0 + 12 * HOUR);
  const line = port.events('backup.failed')[0]!;
  assert.equal(line.level, 'error');
  assert.match(line.message, /fix the backup settings/);

  clock.advance(6 * HOUR);
  await manager.idle();
  assert.equal(uploads(prefix), 1, 'no hammering while a person has to act');
  // The next trigger tries again at once (the settings may have been fixed).
  manager.onKeepAlive(PHONE);
  await manager.idle();
  assert.equal(uploads(prefix), 2);
});

test('a target whose deletes are silently refused keeps backing up but warns, persistently, until a prune works', async (t) => {
  const prefix = `t${prefixCount + 1}`;
  const rig = await makeRig(t, { target: supabase(NO_DELETE), keep: 2 });
  for (let i = 0; i < 3; i++) {
    await rig.port.changeCreds(`change ${i}`);
    const r = await rig.manager.backupNow(PHONE);
    assert.equal(r.outcome, 'uploaded');
    rig.clock.advance(HOUR);
  }
  const stored = server.objects().filter((o) => o.path.startsWith(`${prefix}/${PHONE}/`));
  assert.equal(stored.length, 3, 'the server kept the generation retention "deleted"');
  let status = rig.manager.status(PHONE);
  assert.equal(status.lastBackupError, null, 'the backups themselves are fine');
  assert.match(status.backupWarning ?? '', /1 old backup was "deleted" but still exists.*add a delete policy on storage\.objects/);
  assert.equal(rig.port.events('backup.prune-failed').length, 1);

  await rig.manager.stop();
  const again = await rig.restart();
  assert.match(again.status(PHONE).backupWarning ?? '', /still exists/, 'remembered across a restart');

  server.setPolicies(NO_DELETE, { insert: true, select: true, delete: true });
  await rig.port.changeCreds('after the policy was added');
  assert.equal((await again.backupNow(PHONE)).outcome, 'uploaded');
  status = again.status(PHONE);
  assert.equal(status.backupWarning, null);
  assert.equal(server.objects().filter((o) => o.path.startsWith(`${prefix}/${PHONE}/`)).length, 2);
});
