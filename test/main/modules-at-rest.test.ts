// What the product loads at rest (issue 14: RSS): a module only one feature needs is loaded by
// that feature, so a runner keeping a linked phone in its own zone carries neither luxon, nor the
// local API (hono and its OpenAPI schemas), nor the QR drawer, nor the session import, the
// recovery export, the backup target check or the uptime report. Each check runs in a fresh node
// whose module loads are traced (test/support/module-trace.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const TRACE = join(here, '..', 'support', 'module-trace.js');
const dist = join(here, '..', '..');
const url = (path: string) => pathToFileURL(join(dist, path)).href;

/** Runs node with the trace on; returns the ES modules it loaded and what it printed. */
async function traced(args: string[]): Promise<{ modules: string[]; stdout: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sk-trace-'));
  try {
    const file = join(dir, 'modules.txt');
    const run = spawnSync(process.execPath, ['--import', TRACE, ...args], { env: { ...process.env, MODULE_TRACE_FILE: file }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    const modules = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    return { modules, stdout: run.stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const holding = (modules: string[], part: string) => modules.filter((m) => m.includes(part));

test('the engine loads luxon only when a time in a zone other than UTC or its own is asked for', async () => {
  // luxon's CommonJS build is required on demand: the require cache says whether it is in
  const code = `
    import { createRequire } from 'node:module';
    const cache = createRequire(import.meta.url).cache;
    const withLuxon = () => Object.keys(cache).some((k) => k.includes('/luxon/'));
    await import(${JSON.stringify(url('main/engine/keeper.js'))});
    const zc = await import(${JSON.stringify(url('main/engine/zone-clock.js'))});
    const t = Date.UTC(2026, 2, 29, 12);
    zc.localFields(t, 'UTC');
    zc.zoneOffsets('UTC')(t);
    const known = zc.isKnownZone('Asia/Tokyo') && !zc.isKnownZone('Fantasia/Castle');
    const before = withLuxon();
    const tokyo = zc.localFields(t, 'Asia/Tokyo');
    console.log(JSON.stringify({ known, before, after: withLuxon(), tokyoHour: tokyo.hour }));`;
  const { modules, stdout } = await traced(['--input-type=module', '-e', code]);
  const seen = JSON.parse(stdout) as { known: boolean; before: boolean; after: boolean; tokyoHour: number };
  assert.equal(seen.known, true, 'zones are told apart without luxon');
  assert.equal(seen.before, false, 'no luxon for UTC, nor for telling a zone is known');
  assert.deepEqual(holding(modules, '/luxon/'), [], 'no luxon ES module in the engine graph');
  assert.equal(seen.after, true, 'the first Tokyo time loads luxon');
  assert.equal(seen.tokyoHour, 21);
});

test('a keeper with one phone loads neither the session import, the recovery export, the target check nor the uptime report until asked', async () => {
  const code = `
    const { createKeeper } = await import(${JSON.stringify(url('main/engine/keeper.js'))});
    const { mkdtemp, rm } = await import('node:fs/promises');
    const dir = await mkdtemp(${JSON.stringify(join(tmpdir(), 'sk-rest-'))});
    const keeper = createKeeper({ dataDir: dir, phones: [{ id: 'p0' }], backup: false });
    const report = await keeper.uptime('p0', { days: 1 });
    console.log(JSON.stringify({ days: report.days.length }));
    await rm(dir, { recursive: true, force: true });`;
  const { modules: all, stdout } = await traced(['--input-type=module', '-e', code]);
  assert.equal((JSON.parse(stdout) as { days: number }).days, 1, 'the uptime report still comes');
  const uptimeAt = all.findIndex((m) => m.endsWith('/main/engine/uptime/uptime.js'));
  assert.ok(uptimeAt > 0, 'the uptime report loaded its module when asked');
  assert.ok(holding(all.slice(0, uptimeAt), '/main/engine/keeper.js').length > 0, 'the engine was loaded before the report was asked for');
  for (const part of ['/auth-store/import-session.js', '/backup/recovery-export.js', '/backup/target-check.js', '/backup/supabase-errors.js']) {
    assert.deepEqual(holding(all, part), [], `${part} loaded by a keeper that was not asked for it`);
  }
});

test('the headless runner starts without the local API, its web framework or the QR drawer', async () => {
  // --help answers after every module the runner imports up front has loaded
  const { modules, stdout } = await traced([join(dist, 'main', 'headless-entry.js'), '--help']);
  assert.match(stdout, /headless/);
  assert.ok(holding(modules, '/main/engine/keeper.js').length > 0, 'the trace sees the runner load the engine');
  for (const part of ['/node_modules/hono/', '/node_modules/@hono/', '/node_modules/qrcode/', '/main/api/']) {
    assert.deepEqual(holding(modules, part), [], `${part} loaded without --api or a QR to draw`);
  }
});

test('the engine and the headless runner load no zod: settings and keep-alive checks run on valibot', async () => {
  // zod costs 3 MiB of heap and ~60 ms of import (issue 14); only the opt-in local API keeps it
  const code = `
    const { createKeeper } = await import(${JSON.stringify(url('main/engine/keeper.js'))});
    const { parseAppSettings } = await import(${JSON.stringify(url('main/settings/schema.js'))});
    const { mkdtemp, rm } = await import('node:fs/promises');
    const dir = await mkdtemp(${JSON.stringify(join(tmpdir(), 'sk-nozod-'))});
    createKeeper({ dataDir: dir, phones: [{ id: 'p0' }], backup: false });
    const bad = parseAppSettings({ keepAlive: { intervalHours: 3 } });
    console.log(JSON.stringify(bad.ok ? null : bad.problems[0]));
    await rm(dir, { recursive: true, force: true });`;
  const engine = await traced(['--input-type=module', '-e', code]);
  assert.deepEqual(JSON.parse(engine.stdout), { path: 'keepAlive.intervalHours', message: 'Keep-alive interval must be between 6 and 24 hours (got 3)' });
  assert.ok(holding(engine.modules, '/node_modules/valibot/').length > 0, 'the trace sees the validator the settings were checked with');
  assert.deepEqual(holding(engine.modules, '/node_modules/zod/'), [], 'zod loaded by the engine or the settings schema');
  const headless = await traced([join(dist, 'main', 'headless-entry.js'), '--help']);
  assert.ok(holding(headless.modules, '/main/settings/schema.js').length > 0, 'the runner loads the settings schema up front');
  assert.deepEqual(holding(headless.modules, '/node_modules/zod/'), [], 'zod loaded by the headless runner');
});

test("the tray app's local API setup loads the web framework only when the API is switched on", async () => {
  const { modules } = await traced(['--input-type=module', '-e', `await import(${JSON.stringify(url('main/setup-local-api.js'))});`]);
  assert.ok(holding(modules, '/main/setup-local-api.js').length > 0);
  for (const part of ['/node_modules/hono/', '/node_modules/@hono/', '/main/api/local-api.js']) assert.deepEqual(holding(modules, part), [], `${part} loaded before the API is on`);
});
