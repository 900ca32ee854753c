// The installer config as electron-builder itself reads it: the same YAML parser (js-yaml), the
// same schema and validator (app-builder-lib's ajv over scheme.json) and the same `extends`
// merge, so a config that passes here is one `npm run dist` accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../support/repo-root.js';

type Config = Record<string, unknown>;

const require = createRequire(import.meta.url);
// js-yaml and app-builder-lib ship no types for these entry points: declare the bits we call.
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateSchema } = require('app-builder-lib/out/util/config/schemaValidator.js') as {
  validateSchema(schema: unknown, data: unknown, opts?: { name?: string }): void;
};
// electron-builder's own file matcher: the same patterns, the same minimatch options and order.
const { getFileMatchers } = require('app-builder-lib/out/fileMatcher.js') as {
  getFileMatchers(
    config: Config,
    name: 'files' | 'asarUnpack',
    destination: string,
    options: { macroExpander: (s: string) => string; customBuildOptions: Config; globalOutDir: string; defaultSrc: string },
  ): { createFilter(): (file: string, stat: { isDirectory(): boolean }) => boolean }[] | null;
};
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string): Promise<Config>;
  validateConfiguration(config: Config, debugLogger: { isEnabled: boolean }): Promise<void>;
};

// electron-builder logs ("• loaded configuration …") straight to stdout, which in a `node --test`
// child is the runner's serialized report channel: the multi-byte bullet corrupts it at random
// ("Unable to deserialize cloned data"). Its lines are collected here instead of printed.
const builderLog: string[] = [];
(require('builder-util/out/log.js') as { log: { stream: { write(s: string): void } } }).log.stream = { write: (s) => builderLog.push(s) };

const root = repoRoot();
const MAIN = 'electron-builder.yml';
const E2E = 'electron-builder.e2e.yml';
const SHIPPED_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};

async function parse(file: string): Promise<Config> {
  const data = yaml.load(await readFile(join(root, file), 'utf8'));
  assert.ok(data !== null && typeof data === 'object' && !Array.isArray(data), `${file} is a YAML mapping`);
  return data as Config;
}

async function schema(): Promise<unknown> {
  return JSON.parse(await readFile(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as unknown;
}

function section(config: Config, key: string): Config {
  const value = config[key];
  assert.ok(value !== null && typeof value === 'object', `${key} is a section`);
  return value as Config;
}

test('both installer configs match electron-builder’s schema, and the validator refuses a misspelt option', async () => {
  const scheme = await schema();
  for (const file of [MAIN, E2E]) validateSchema(scheme, await parse(file), { name: file });
  const bad = { ...(await parse(MAIN)), nsis: { oneClik: false } };
  assert.throws(() => validateSchema(scheme, bad), /configuration\.nsis/);
});

test('the shipped app has every hardening fuse set, and the e2e build differs only by allowing the inspector Playwright uses', async () => {
  const shipped = await getConfig(root, MAIN);
  const e2e = await getConfig(root, E2E);
  await validateConfiguration(shipped, { isEnabled: false });
  await validateConfiguration(e2e, { isEnabled: false });
  assert.deepEqual(shipped.electronFuses, SHIPPED_FUSES);
  assert.deepEqual(e2e.electronFuses, { ...SHIPPED_FUSES, enableNodeCliInspectArguments: true });
  assert.equal(section(e2e, 'directories').output, 'out/e2e', 'e2e builds never overwrite the real installers');
  const { electronFuses: _a, directories: _b, extends: _c, ...restShipped } = shipped;
  const { electronFuses: _d, directories: _e, extends: _f, ...restE2e } = e2e;
  assert.deepEqual(restE2e, restShipped, 'everything else is inherited unchanged');
});

/** Which of `files` (paths relative to the checkout) electron-builder's matcher for `name` takes. */
function matched(config: Config, name: 'files' | 'asarUnpack', files: string[]): string[] {
  const matchers = getFileMatchers(config, name, '/dest', { macroExpander: (s) => s, customBuildOptions: {}, globalOutDir: join(root, 'out'), defaultSrc: root });
  assert.ok(matchers?.[0], `${name} has patterns`);
  const filter = matchers[0].createFilter();
  return files.filter((f) => filter(join(root, f), { isDirectory: () => false }));
}

test('the app ships compiled main, preload and page but never tests, benchmarks or source maps', async () => {
  const config = await parse(MAIN);
  assert.equal(config.asar, true);
  assert.deepEqual(section(config, 'directories'), { buildResources: 'build', output: 'out' });
  const shipped = ['dist/main/index.js', 'dist/main/engine/keeper.js', 'dist/preload/index.cjs', 'dist/renderer/app.js', 'dist/renderer/index.html', 'package.json'];
  const kept = ['dist/main/index.js.map', 'dist/preload/index.cjs.map', 'dist/renderer/app.js.map', 'dist/test/main/headless.test.js', 'dist/bench/run-all.js', 'main/index.ts'];
  assert.deepEqual(matched(config, 'files', [...shipped, ...kept]), shipped);
});

test('sharp and its @img natives are unpacked from the asar, and nothing else is', async () => {
  const config = await parse(MAIN);
  const natives = [
    'node_modules/sharp/lib/sharp.js',
    'node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node',
    'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.17.3',
    'node_modules/@img/sharp-win32-x64/lib/libvips-42.dll',
  ];
  const packed = ['dist/main/index.js', 'node_modules/@whiskeysockets/baileys/lib/index.js', 'node_modules/zod/index.js', 'node_modules/valibot/dist/index.mjs', 'node_modules/sharpie/index.js'];
  assert.deepEqual(matched(config, 'asarUnpack', [...natives, ...packed]), natives);
});

test('installers: AppImage and deb, a per-user NSIS wizard, and a dmg (plus the zip macOS updates install from) in Utilities', async () => {
  const config = await parse(MAIN);
  assert.equal(config.productName, 'Session Keeper');
  assert.deepEqual(section(config, 'linux').target, ['AppImage', 'deb']);
  assert.match(String(section(config, 'linux').maintainer), /<[^@>\s]+@[^>\s]+>/, 'deb needs a maintainer e-mail');
  assert.ok(section(config, 'extraMetadata').homepage, 'deb needs a homepage');
  assert.deepEqual(section(config, 'win').target, ['nsis']);
  assert.equal(section(config, 'nsis').oneClick, false);
  assert.equal(section(config, 'nsis').perMachine, false);
  assert.deepEqual(section(config, 'mac').target, ['dmg', 'zip']);
  assert.equal(section(config, 'mac').category, 'public.app-category.utilities');
  assert.equal(section(config, 'mac').extendInfo, undefined, 'no LSUIElement: the window must stay reachable');
});

test('every icon the config names exists, and the tray icons ship as the extra resource "tray"', async () => {
  const config = await parse(MAIN);
  const linuxIcons = String(section(config, 'linux').icon);
  for (const size of [16, 32, 48, 64, 128, 256, 512]) {
    assert.ok(existsSync(join(root, linuxIcons, `${size}x${size}.png`)), `${linuxIcons}/${size}x${size}.png`);
  }
  for (const icon of [section(config, 'win').icon, section(config, 'nsis').installerIcon, section(config, 'nsis').uninstallerIcon, section(config, 'mac').icon]) {
    assert.ok(existsSync(join(root, String(icon))), String(icon));
  }
  assert.deepEqual(config.extraResources, [{ from: 'build/tray', to: 'tray', filter: ['**/*.png'] }]);
  for (const health of ['ok', 'attention', 'broken', 'paused']) {
    for (const name of [`${health}.png`, `${health}@2x.png`, `${health}Template.png`, `${health}Template@2x.png`]) {
      assert.ok(existsSync(join(root, 'build', 'tray', name)), `build/tray/${name}`);
    }
  }
});

test('releases carry what electron-updater needs: a generic feed (latest*.yml with sha512s, app-update.yml in the resources) whose address the app never asks', async () => {
  const publish = (await parse(MAIN)).publish as Config;
  assert.equal(publish.provider, 'generic');
  // the real address is the "Update URL" setting; this one only makes electron-builder write the files
  assert.match(String(publish.url), /^https:\/\/[^/]+\.invalid\//);
});
