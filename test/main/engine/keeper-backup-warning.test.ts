// A Supabase bucket whose deletes are silently refused, end to end: real Baileys pairs with the
// WhatsApp test server, backups go to the Storage stand-in under a role with no delete policy,
// and the phone's status — and what the card and tray show — carries the warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SupabaseTarget } from '../../../main/engine/backup/supabase-target.js';
import { presentPhone } from '../../../main/presenters/phone-presenter.js';
import { startHarness } from '../../support/keeper-harness.js';
import { start as startStorage } from '../../support/supabase-server/storage-server.js';

test('when retention deletes are silently refused, the phone status warns that old backups pile up', async () => {
  const storage = await startStorage({ key: 'service', roles: { anon: { insert: true, select: true } }, buckets: ['backups'] });
  const target = new SupabaseTarget({ url: storage.url, key: 'anon', bucket: 'backups', prefix: 'sk', timeoutMs: 5_000 });
  const h = await startHarness({ keeper: { backup: { target, keep: 1 } } });
  try {
    await h.keeper.start();
    await h.pair();
    await h.waitForStatus('default', (s) => s.lastBackupAt !== null);
    assert.equal(h.keeper.status('default').backupWarning ?? null, null, 'one generation: nothing to prune yet');

    const r = await h.keeper.backupNow('default', { force: true });
    assert.equal(r.outcome, 'uploaded');
    const s = await h.waitForStatus('default', (x) => (x.backupWarning ?? null) !== null);
    assert.match(s.backupWarning ?? '', /1 old backup was "deleted" but still exists: old backups are piling up.*add a delete policy/);
    assert.equal(s.lastBackupError, null);
    assert.equal(storage.objects().filter((o) => o.path.startsWith('sk/default/')).length, 2);
    const shown = presentPhone(s, Date.now()).warnings;
    assert.deepEqual(shown.map((w) => w.kind), ['backup-warning']);
    assert.match(shown[0]?.text ?? '', /^Backups are stored, but: /);
  } finally {
    await h.close();
    await storage.close();
  }
});
