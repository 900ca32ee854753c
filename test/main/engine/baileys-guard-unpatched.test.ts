// The guard must refuse a Baileys that lacks any part of our patch (e.g. installed with
// --ignore-scripts). Each test builds a throw-away node_modules whose Baileys copy has one
// patched file put back to its published text (the patch's hunk reversed), then runs the
// compiled guard against it in a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { repoRoot } from '../../support/repo-root.js';

const run = promisify(execFile);
const root = repoRoot();
const PATCH = join(root, 'patches', '@whiskeysockets+baileys+7.0.0-rc14.patch');
const GUARD = fileURLToPath(new URL('../../../main/engine/baileys-guard.js', import.meta.url));

/** The published text of `file` (path inside the package): every hunk of its section undone. */
function unpatch(patched: string, patch: string, file: string): string {
  const section = patch.split(/^diff --git /m).find((s) => s.startsWith(`a/node_modules/@whiskeysockets/baileys/${file} `));
  assert.ok(section, `the patch touches ${file}`);
  let text = patched;
  for (const hunk of section.split(/^@@.*@@.*$/m).slice(1)) {
    const lines = hunk.replace(/\n$/, '').split('\n');
    const side = (keep: string) => lines.filter((l) => l[0] === ' ' || l[0] === keep || l === '').map((l) => l.slice(1)).join('\n');
    const after = side('+');
    assert.ok(text.includes(after), `hunk of ${file} found in the installed file`);
    text = text.replace(after, side('-'));
  }
  return text;
}

/** Runs ensureBaileysPatched against a Baileys copy with `file` unpatched; returns its error message or 'ok'. */
async function guardWithout(file: string): Promise<string> {
  const modules = realpathSync(join(root, 'node_modules'));
  const dir = await mkdtemp(join(tmpdir(), 'unpatched-'));
  try {
    const nm = join(dir, 'node_modules');
    await mkdir(join(nm, '@whiskeysockets'), { recursive: true });
    for (const name of await readdir(modules)) {
      if (name !== '@whiskeysockets') await symlink(join(modules, name), join(nm, name));
    }
    const baileys = join(nm, '@whiskeysockets', 'baileys');
    await cp(join(modules, '@whiskeysockets', 'baileys'), baileys, { recursive: true });
    const target = join(baileys, file);
    await writeFile(target, unpatch(await readFile(target, 'utf8'), await readFile(PATCH, 'utf8'), file));
    await writeFile(join(dir, 'package.json'), '{"type":"module"}');
    await cp(GUARD, join(dir, 'guard.js'));
    const script = "import('./guard.js').then((g) => g.ensureBaileysPatched()).then(() => console.log('ok'), (e) => console.log(e.message))";
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: dir });
    return stdout.trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the copied Baileys runs the guard to "ok" when only socket.js (no security check) is undone', async () => {
  // Proves the throw-away install works, so the refusals below are the guard's own.
  assert.equal(await guardWithout('lib/Socket/socket.js'), 'ok');
});

test('without the Curve.verify fix the guard refuses to start', async () => {
  assert.match(await guardWithout('lib/Utils/crypto.js'), /signature verification is not active/);
});

test('without the Noise certificate binding fix the guard refuses to start', async () => {
  assert.match(await guardWithout('lib/Utils/noise-handler.js'), /Noise certificate binding .* is not active/);
});
