// The lint rules that keep every file in its runtime, proven on probe files: the engine may not
// import Electron, the renderer may import neither Node nor the engine, the preload may import
// only Electron and the IPC contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { repoRoot } from '../support/repo-root.js';

async function lintProbe(relativeDir: string, code: string): Promise<string[]> {
  const root = repoRoot();
  const file = join(root, relativeDir, `zz-lint-probe-${process.pid}.ts`);
  await writeFile(file, code);
  try {
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintFiles([file]);
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  } finally {
    await rm(file, { force: true });
  }
}

test('the engine may not import electron', async () => {
  const messages = await lintProbe('main/engine', "import { app } from 'electron';\nexport const a = app;\n");
  assert.equal(messages.length, 1);
  assert.match(messages[0] ?? '', /Electron-free/);
});

test('the renderer may import neither Node built-ins, Electron, nor engine internals, but may import the shared contract and presenters', async () => {
  const messages = await lintProbe(
    'renderer',
    [
      "import { readFile } from 'node:fs/promises';",
      "import { ipcRenderer } from 'electron';",
      "import { createKeeper } from '../main/engine/keeper.js';",
      "import { INVOKE } from '../main/ipc/contract.js';",
      "import { stateText } from '../main/presenters/phone-health.js';",
      "import { presentPhone } from '../main/presenters/phone-presenter.js';",
      'export const all = [readFile, ipcRenderer, createKeeper, INVOKE, stateText, presentPhone];',
      '',
    ].join('\n'),
  );
  assert.equal(messages.length, 3, messages.join('\n'));
});

test('the preload may not import Node built-ins or main-process code', async () => {
  const messages = await lintProbe(
    'preload',
    [
      "import { readFileSync } from 'node:fs';",
      "import { createKeeper } from '../main/engine/keeper.js';",
      "import { INVOKE } from '../main/ipc/contract.js';",
      'export const all = [readFileSync, createKeeper, INVOKE];',
      '',
    ].join('\n'),
  );
  assert.equal(messages.length, 2, messages.join('\n'));
});
