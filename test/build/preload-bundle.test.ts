// The sandboxed preload forwards channel names; payloads are validated in main. Bundled, it must
// therefore carry neither validation library (zod was 751 KB of a 1.0 MB preload; the settings
// and IPC schemas are valibot now) nor luxon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from '../support/repo-root.js';

test('the preload bundle holds only our own channel-forwarding code: no node_modules, a few KB', async () => {
  const root = repoRoot();
  const result = await build({
    entryPoints: [join(root, 'preload/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  for (const validator of ['/zod/', '/valibot/']) assert.deepEqual(inputs.filter((i) => i.includes(validator)), [], `${validator} was bundled into the preload`);
  assert.deepEqual(inputs.filter((i) => i.includes('node_modules')), [], 'a package was bundled into the preload');
  assert.ok(inputs.some((i) => i.endsWith('main/ipc/channels.ts')), inputs.join('\n'));
  const bytes = result.outputFiles[0]?.contents.length ?? 0;
  assert.ok(bytes < 16 * 1024, `preload bundle is ${bytes} bytes`);
});
