// The README's 20-line bot, run as written (only its API address changed): it must echo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../support/repo-root.js';
import { startApiUnderTest, TEST_TOKEN } from '../../support/api-under-test.js';

test('the README bot answers an incoming message through the API, once, and stays within 20 lines', async () => {
  const readme = await readFile(join(repoRoot(), 'README.md'), 'utf8');
  const block = /A 20-line echo bot[^\n]*\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'the README has the bot');
  assert.ok(block.trim().split('\n').length <= 20, 'about 20 lines');
  const t = await startApiUnderTest();
  const file = join(t.dir, 'bot.mjs');
  await writeFile(file, block.replace("'http://127.0.0.1:8787'", JSON.stringify(t.api.url)));
  const bot = spawn(process.execPath, [file], { env: { ...process.env, SESSION_KEEPER_API_TOKEN: TEST_TOKEN }, stdio: 'ignore' });
  try {
    // the bot is listening once its stream is open: wait for a subscriber, then write to it
    const deadline = Date.now() + 10_000;
    while (t.api.events.journal.listenerCount('event') < 2) {
      if (Date.now() > deadline) throw new Error('the bot never opened the event stream');
      await new Promise((r) => setTimeout(r, 20));
    }
    t.port.receive('default', '15551230001', 'ping');
    while (t.port.sends.length === 0) {
      if (Date.now() > deadline) throw new Error('the bot did not answer');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(t.port.sends.map((m) => [m.jid, m.text]), [['15551230001@s.whatsapp.net', 'echo: ping']]);
  } finally {
    bot.kill('SIGKILL');
    await t.close();
  }
});
