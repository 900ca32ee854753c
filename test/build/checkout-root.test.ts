// The build scripts find the checkout from their own file URL. On Windows that URL is
// file:///C:/…, and any folder may contain a space (%20 in the URL): both must come out as the
// real path, or `npm run build` writes nowhere and no Windows installer can be built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/repo-root.js';

type CheckoutRoot = typeof import('../../scripts/checkout-root.mjs');

const root = repoRoot();
// scripts/ is not compiled into dist/: load it from the checkout
const { checkoutRoot } = (await import(pathToFileURL(join(root, 'scripts', 'checkout-root.mjs')).href)) as CheckoutRoot;

test('a Windows script URL with a drive letter and spaces gives C:\\… with real spaces', () => {
  const url = 'file:///C:/Users/Jane%20Doe/My%20Projects/session-keeper/scripts/build-bundles.mjs';
  assert.equal(checkoutRoot(url, 'win32'), 'C:\\Users\\Jane Doe\\My Projects\\session-keeper');
  // what the old `new URL('..', url).pathname` produced: a path no Windows API can open
  assert.equal(new URL('..', url).pathname, '/C:/Users/Jane%20Doe/My%20Projects/session-keeper/');
});

test('a POSIX script URL with spaces and non-ASCII letters gives the decoded path', () => {
  assert.equal(checkoutRoot('file:///home/jane/My%20Projects/s%C3%A9ance/scripts/x.mjs', 'linux'), '/home/jane/My Projects/séance');
  assert.equal(checkoutRoot('file:///Users/jane/Code%20Stuff/keeper/scripts/x.mjs', 'darwin'), '/Users/jane/Code Stuff/keeper');
});

test('a UNC share on Windows keeps its server name', () => {
  assert.equal(checkoutRoot('file://build-server/share%20one/keeper/scripts/x.mjs', 'win32'), '\\\\build-server\\share one\\keeper');
});

test('the bundle build writes the preload and the page inside a checkout whose path has a space', async () => {
  const base = await mkdtemp(join(tmpdir(), 'keeper build '));
  const checkout = join(base, 'my checkout');
  try {
    for (const dir of ['scripts', 'preload', 'renderer', 'main']) await cp(join(root, dir), join(checkout, dir), { recursive: true });
    await symlink(join(root, 'node_modules'), join(checkout, 'node_modules'), 'dir');
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [join(checkout, 'scripts', 'build-bundles.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    assert.equal(code, 0);
    for (const file of ['preload/index.cjs', 'renderer/app.js', 'renderer/index.html']) {
      assert.ok((await stat(join(checkout, 'dist', file))).size > 0, `dist/${file} inside "${checkout}"`);
    }
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
