// `npm run headless -- uptime` as a user runs it (a child process) over a simulated month: the
// strip, the percentages and the days to look at are the same figures the window shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { historyDir, historyFile } from '../../main/engine/uptime/history-store.js';
import { historyLine } from '../../main/engine/uptime/history-record.js';
import { computeUptime } from '../../main/engine/uptime/uptime.js';
import { presentUptime, uptimeStrip, STRIP_LEGEND } from '../../main/presenters/uptime-presenter.js';
import { parseHeadlessArgs, UsageError } from '../../main/headless-args.js';
import { runHeadless } from '../support/headless-run.js';
import { simulatedMonth } from '../support/uptime-history.js';

const ZONE = 'Europe/London';

test('uptime takes --phone and no arguments', () => {
  assert.deepEqual(parseHeadlessArgs(['uptime', '--phone', 'work']), { kind: 'uptime', dataDir: null, phones: ['work'] });
  assert.deepEqual(parseHeadlessArgs(['uptime']), { kind: 'uptime', dataDir: null, phones: null });
  assert.throws(() => parseHeadlessArgs(['uptime', '30']), UsageError);
});

test('headless uptime prints one character per day, the legend, the three percentages and the 6 h outage and 401 retries, as the window\'s presenter words them', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-uptime-'));
  try {
    const m = simulatedMonth(ZONE, DateTime.fromMillis(Date.now(), { zone: ZONE }));
    const logs = join(dataDir, 'logs');
    await mkdir(historyDir(logs), { recursive: true });
    await writeFile(historyFile(logs, 'work'), m.records.map(historyLine).join(''));
    const before = await readdir(logs, { recursive: true });

    // the keep-alive time zone defaults to the system's: the child's is London
    const run = runHeadless(['uptime', '--data-dir', dataDir, '--phone', 'work'], { TZ: ZONE });
    assert.equal(await run.exit, 0, run.err());
    const out = run.out();

    const view = presentUptime(computeUptime('work', m.records, { now: Date.now(), timeZone: ZONE }));
    const strip = uptimeStrip(view);
    assert.equal(strip.length, 30);
    assert.ok(out.split('\n').includes(strip), `the strip ${strip} is printed:\n${out}`);
    assert.match(strip, /^#+x#+$/, 'one outage day, every other day open');
    assert.ok(out.includes(`Legend: ${STRIP_LEGEND}`));
    assert.ok(out.includes('Uptime 24 h: 100 % · 7 d: 99.9 % · 30 d: 99.1 %'), out);
    const outage = view.days.find((d) => d.date === m.outageDate);
    const retry = view.days.find((d) => d.date === m.retryDate);
    assert.ok(outage && retry);
    assert.match(outage.label, /: open 18 h, reconnecting 6 h, reconnected once \(408\)/);
    assert.match(retry.label, /: open 23 h 58 min, reconnecting 2 min, reconnected twice \(401\)/);
    assert.ok(out.includes(`  ${outage.label}`), 'the outage day is listed');
    assert.ok(out.includes(`  ${retry.label}`), 'the 401 day is listed');
    assert.deepEqual(await readdir(logs, { recursive: true }), before, 'it only reads: no log, no history line written');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('uptime only reads: a data folder that does not exist is an error (exit 2) and is not created', async () => {
  const parent = await mkdtemp(join(tmpdir(), 'headless-uptime-new-'));
  try {
    const dataDir = join(parent, 'nothing-here');
    const run = runHeadless(['uptime', '--data-dir', dataDir]);
    assert.equal(await run.exit, 2, run.err());
    assert.match(run.err(), /no data folder at .*nothing-here/);
    assert.deepEqual(await readdir(parent), [], 'no folder made');
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test('uptime leaves a settings file without "version" as it is, and names an unknown phone (exit 2)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-uptime-ro-'));
  try {
    const text = JSON.stringify({ phones: [{ id: 'home' }], updateUrl: 'https://example.com/u' });
    await writeFile(join(dataDir, 'settings.json'), text);
    const run = runHeadless(['uptime', '--data-dir', dataDir, '--phone', 'shop']);
    assert.equal(await run.exit, 2, run.err());
    assert.match(run.err(), /no phone "shop" here/);
    const ok = runHeadless(['uptime', '--data-dir', dataDir]);
    assert.equal(await ok.exit, 0, ok.err());
    assert.match(ok.out(), /home/);
    assert.equal(await readFile(join(dataDir, 'settings.json'), 'utf8'), text, 'the file is not rewritten');
    assert.deepEqual((await readdir(dataDir)).sort(), ['settings.json']);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
