// `npm run headless` builds only when dist/ is older than its sources (a full tsc build takes
// 10–30 s; `--help` must answer at once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
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

test('npm run headless needs nothing while a full build or its own transpile is newer than what it reads', async () => {
  const { headlessBuildNeeded } = (await import(pathToFileURL(join(root, 'scripts', 'build-freshness.mjs')).href)) as Freshness;
  const all: [string, number][] = [['main/index.ts', 900], ['test/x.test.ts', 1500]];
  const mainOnly: [string, number][] = [['main/index.ts', 900]];
  assert.equal(headlessBuildNeeded(2000, null, all, mainOnly), null, 'a current full build');
  assert.equal(headlessBuildNeeded(1000, 950, all, mainOnly), null, 'a test edited since the full build, main/ transpiled since');
  assert.equal(headlessBuildNeeded(null, null, all, mainOnly), 'no build yet', 'a fresh clone');
  assert.equal(headlessBuildNeeded(null, 800, all, mainOnly), 'main/index.ts changed since the last build');
});

test('ensure-built --headless transpiles main/ (no tsc) the first time, runs nothing while current, and again after an edit; the output runs', async () => {
  const checkout = await mkdtemp(join(tmpdir(), 'ensure headless '));
  try {
    await cp(join(root, 'scripts'), join(checkout, 'scripts'), { recursive: true });
    await cp(join(root, 'tsconfig.json'), join(checkout, 'tsconfig.json'));
    await writeFile(join(checkout, 'package.json'), JSON.stringify({ name: 'x', private: true, type: 'module', scripts: { build: 'exit 9' } }));
    await symlink(join(root, 'node_modules'), join(checkout, 'node_modules'), 'dir');
    await mkdir(join(checkout, 'main', 'engine'), { recursive: true });
    await writeFile(join(checkout, 'main', 'engine', 'words.ts'), 'export type Word = string;\nexport enum Tone { Calm = "calm" }\nexport const hello = (w: Word): string => `hello ${w} (${Tone.Calm})`;\n');
    await writeFile(join(checkout, 'main', 'entry.ts'), "import { hello, type Word } from './engine/words.js';\nconst w: Word = 'there';\nprocess.stdout.write(hello(w));\n");
    const ensure = () => spawnSync(process.execPath, [join(checkout, 'scripts', 'ensure-built.mjs'), '--headless'], { encoding: 'utf8' });

    const first = ensure();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /Preparing the headless runner \(no build yet\)/);
    const run = spawnSync(process.execPath, [join(checkout, 'dist', 'main', 'entry.js')], { encoding: 'utf8' });
    assert.equal(run.stdout, 'hello there (calm)', run.stderr);

    assert.equal(ensure().stderr, '', 'current: nothing to do, nothing said');
    const later = new Date(Date.now() + 5_000);
    await utimes(join(checkout, 'main', 'engine', 'words.ts'), later, later);
    assert.match(ensure().stderr, /main[/\\]engine[/\\]words\.ts changed since the last build/);
  } finally {
    await rm(checkout, { recursive: true, force: true });
  }
});
