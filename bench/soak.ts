// `npm run soak`: the full 90-day soak (test/support/soak/soak.ts) with a random seed, or the one
// in SOAK_SEED to replay a run; SOAK_DAYS and SOAK_SIGKILLS change its length and kills. Prints
// the timeline summary and exits 1 when a promise of the soak did not hold.
import { cpus, loadavg } from 'node:os';
import { MIN_SOAK_DAYS } from '../test/support/soak/soak-limits.js';

const seed = process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) : Math.floor(Math.random() * 2 ** 31);
const days = process.env.SOAK_DAYS ? Number(process.env.SOAK_DAYS) : 90;
const sigkills = process.env.SOAK_SIGKILLS ? Number(process.env.SOAK_SIGKILLS) : 3;
// refused before anything runs, in one line: a stack trace after minutes of setup helps nobody
const problem =
  !Number.isInteger(seed) || seed < 0
    ? `SOAK_SEED must be a whole number ≥ 0 (got ${process.env.SOAK_SEED ?? ''})`
    : !Number.isInteger(days) || days < MIN_SOAK_DAYS
      ? `SOAK_DAYS must be a whole number ≥ ${MIN_SOAK_DAYS} (the two unused spells of 13 and 15 days need it; got ${process.env.SOAK_DAYS ?? ''})`
      : !Number.isInteger(sigkills) || sigkills < 0
        ? `SOAK_SIGKILLS must be a whole number ≥ 0 (got ${process.env.SOAK_SIGKILLS ?? ''})`
        : null;
if (problem !== null) {
  process.stderr.write(`soak: ${problem}\n`);
  process.exit(2);
}
// loaded only now: the harness's imports print their own warnings
const { formatSoakReport, runSoak } = await import('../test/support/soak/soak.js');
process.stdout.write(`soak seed ${seed} — ${days} days, ${sigkills} SIGKILLs; ${cpus().length} CPUs, load ${loadavg()[0]?.toFixed(1)}, ${new Date().toISOString()}\n`);
const trace = process.env.SOAK_TRACE
  ? (e: { at: number; level: string; event: string; message: string }) => process.stdout.write(`    ${new Date(e.at).toISOString()} ${e.level} ${e.event}: ${e.message}\n`)
  : undefined;
const report = await runSoak({ seed, days, sigkills, progress: (line) => process.stdout.write(`  ${line}\n`), ...(trace ? { trace } : {}) });
process.stdout.write(`\n${formatSoakReport(report)}\n`);
process.exitCode = report.violations.length === 0 ? 0 : 1;
