// A soak seed whose 21 h backup-target outage leaves two machine sleeps due back to back: the
// first one's recovery must be measured before the second starts, not across it (it read 470 min).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSoakReport, runSoak } from '../../support/soak/soak.js';

test('faults due back to back after a long one are each measured on their own (seed 1973888550, two sleeps in a row)', async (t) => {
  const report = await runSoak({ seed: 1973888550, days: 34, sigkills: 3 });
  const summary = formatSoakReport(report);
  t.diagnostic(summary);
  const sleeps = report.faults.filter((f) => f.kind === 'machine-sleep' && !f.skipped);
  assert.ok(sleeps.length >= 2, 'the sleeps ran');
  assert.deepEqual(report.violations, [], summary);
});
