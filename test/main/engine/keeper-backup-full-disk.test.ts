// A local backup the disk refuses: the backups folder lives on a small tmpfs that the test fills
// (the session folder stays on a roomy disk, so the only refused write is the backup's), with the
// real Baileys client linked through the WA test server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { presentPhone } from '../../../main/presenters/phone-presenter.js';
import { startHarness } from '../../support/keeper-harness.js';
import { mountSmallFilesystem } from '../../support/small-filesystem.js';

test('a local backup that fails on a full disk shows as the phone storage error (path and OS reason) and clears once a backup lands again', async (t) => {
  const fs = await mountSmallFilesystem(8);
  if ('cannot' in fs) {
    t.skip(fs.cannot);
    return;
  }
  t.after(() => fs.dispose());
  const h = await startHarness();
  t.after(() => h.close());
  await mkdir(h.dataDir, { recursive: true });
  await symlink(fs.dir, join(h.dataDir, 'backups'));
  await h.keeper.start();
  await h.pair();
  await h.waitForStatus('default', (s) => s.lastBackupAt !== null);
  assert.equal(h.keeper.status('default').storageError, null);

  await fs.fill();
  const failed = await h.keeper.backupNow('default', { force: true });
  assert.equal(failed.outcome, 'failed');
  const shown = await h.waitForStatus('default', (s) => s.storageError !== null);
  assert.equal(shown.storageError?.path, join(h.dataDir, 'backups', 'default'));
  assert.equal(shown.storageError?.code, 'ENOSPC');
  assert.equal(shown.storageError?.reason, 'no space left on device');
  assert.equal(shown.state, 'open', 'the connection is not what failed');
  assert.ok(presentPhone(shown, Date.now()).warnings.some((w) => w.kind === 'storage-error'), 'the card and tray show it');

  await fs.free();
  const landed = await h.keeper.backupNow('default', { force: true });
  assert.equal(landed.outcome, 'uploaded');
  const cleared = await h.waitForStatus('default', (s) => s.storageError === null);
  assert.equal(cleared.lastBackupError, null);
});
