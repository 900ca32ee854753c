// `npm run headless` builds only when dist/ is older than its sources (a full tsc build takes
// 10–30 s; `--help` must answer at once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/repo-root.js';

type Freshness = typeof import('../../scripts/build-freshness.mjs');

const root = repoRoot();
const { buildNeeded, inputTimes, BUILD_INPUTS } = (await import(pathToFileURL(join(root, 'scripts', 'build-freshness.mjs')).href)) as Freshness;

test('a build is needed when there is none yet, or when any input is newer than the stamp', () => {
  assert.equal(buildNeeded(null, [['main/index.ts', 1]]), 'no build yet');
  assert.equal(buildNeeded(1000, [['main/index.ts', 900], ['package.json', 999]]), null);
  assert.equal(buildNeeded(1000, [['main/index.ts', 900], ['renderer/app.ts', 1001]]), 'renderer/app.ts changed since the last build');
  assert.equal(buildNeeded(1000, []), null);
});

test('the inputs are every source folder and config tsc and esbuild read', () => {
  for (const input of ['main', 'preload', 'renderer', 'test', 'scripts', 'tsconfig.json', 'tsconfig.renderer.json', 'package.json']) {
    assert.ok(BUILD_INPUTS.includes(input), input);
  }
});

test('input times walk nested folders and skip inputs that do not exist', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'freshness-'));
  try {
    await mkdir(join(dir, 'main', 'engine'), { recursive: true });
    await writeFile(join(dir, 'main', 'engine', 'keeper.ts'), '');
    await writeFile(join(dir, 'package.json'), '{}');
    await utimes(join(dir, 'main', 'engine', 'keeper.ts'), 50, 50);
    const times = new Map(inputTimes(dir, ['main', 'package.json', 'bench']));
    assert.deepEqual([...times.keys()].sort(), [join('main', 'engine', 'keeper.ts'), 'package.json']);
    assert.equal(times.get(join('main', 'engine', 'keeper.ts')), 50_000);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('ensure-built runs `npm run build` the first time, skips it while nothing changed, and runs it again after an edit', async () => {
  const checkout = await mkdtemp(join(tmpdir(), 'ensure built '));
  try {
    await cp(join(root, 'scripts'), join(checkout, 'scripts'), { recursive: true });
    await mkdir(join(checkout, 'main'));
    await writeFile(join(checkout, 'main', 'index.ts'), '');
    // a stand-in build: counts its runs and writes the stamp like build-bundles.mjs does
    await writeFile(
      join(checkout, 'build.mjs'),
      "import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'; appendFileSync('builds.log', 'x'); mkdirSync('dist', { recursive: true }); writeFileSync('dist/.build-stamp', '');",
    );
    await writeFile(join(checkout, 'package.json'), JSON.stringify({ name: 'x', private: true, scripts: { build: 'node build.mjs' } }));
    const ensure = () => spawnSync(process.execPath, [join(checkout, 'scripts', 'ensure-built.mjs')], { encoding: 'utf8' });
    const builds = async () => (await readFile(join(checkout, 'builds.log'), 'utf8')).length;

    const first = ensure();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /Building first \(no build yet\)/);
    assert.equal(await builds(), 1);

    const second = ensure();
    assert.equal(second.status, 0);
    assert.equal(second.stderr, '', 'no build, no output');
    assert.equal(await builds(), 1);

    const later = new Date(Date.now() + 5_000);
    await utimes(join(checkout, 'main', 'index.ts'), later, later);
    const third = ensure();
    assert.match(third.stderr, /main[/\\]index\.ts changed since the last build/);
    assert.equal(await builds(), 2);

    await writeFile(join(checkout, 'build.mjs'), 'process.exit(3)');
    await utimes(join(checkout, 'main', 'index.ts'), new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    assert.equal(ensure().status, 3, 'a failed build stops the command with its exit code');
  } finally {
    await rm(checkout, { recursive: true, force: true });
  }
});
