// The soak's short seeded variant (the full 90 days is `npm run soak`): the real keeper and real
// Baileys against the WA test server, which runs WhatsApp's two linked-device clocks, through 34
// simulated days with faults drawn from the seed (SOAK_SEED replays a run; the seed is printed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSoakReport, runSoak } from '../../support/soak/soak.js';

const seed = process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) : 20261201;

test(`34 simulated days of drops, 515s, 5xx, silence, outages, restarts, a SIGKILL, full disks, sleeps, backup outages and a phone unused 13 then 15 days: only the unavoidable rescan, announced (seed ${seed})`, async (t) => {
  const report = await runSoak({ seed, days: 34, sigkills: 1 });
  const summary = formatSoakReport(report);
  t.diagnostic(summary);
  assert.deepEqual(report.violations, [], summary);
  const unavoidable = report.rescans.filter((r) => !r.avoidable);
  assert.equal(unavoidable.length, 1, 'the 15-day spell costs exactly one rescan');
  assert.ok((unavoidable[0]?.warnedAfterDays ?? 0) >= 12, 'warned at day 12 or later');
  assert.equal(unavoidable[0]?.notified, 'rescan');
  assert.equal(report.rescans.filter((r) => r.avoidable).length, 0);
  assert.ok(report.pulses >= 50, `about two pulses a day reached the server (${report.pulses})`);
  assert.equal(report.pulsesInSleepWindow, 0);
  assert.equal(report.backups.lost, 0);
  assert.equal(report.sessionsLost, 0);
  assert.ok(report.faults.filter((f) => !f.skipped).length >= 10, 'the faults really ran');
});
