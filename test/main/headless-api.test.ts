// `--api` on the real headless runner: the token printed once and kept 0600 beside the settings,
// the environment's token when given, webhook secrets printed once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installTestRoot, startWaServer, testRootPublicKey, uninstallTestRoot } from '../support/wa-server/index.js';
import { runHeadless, type Run } from '../support/headless-run.js';
import { API_TOKEN_FILE } from '../../main/headless-api.js';

async function stopped(run: Run): Promise<void> {
  run.child.kill('SIGTERM');
  assert.equal(await run.exit, 0);
}

test('--api serves the phones on loopback with a token printed once and stored 0600; the next run reuses it silently', async () => {
  installTestRoot();
  const server = await startWaServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-api-'));
  const env = { SESSION_KEEPER_WA_URL: server.url, WA_TEST_ROOT: testRootPublicKey().toString('hex'), SESSION_KEEPER_API_TOKEN: '' };
  const args = ['--data-dir', dataDir, '--api', '127.0.0.1:0', '--webhook', 'http://127.0.0.1:9/hook'];
  let run = runHeadless(args, env);
  try {
    const url = (await run.waitForOutput(/Local API on http:\/\/127\.0\.0\.1:\d+ /)).replace('Local API on ', '').trim();
    // up to the newline: a chunk may end mid-token
    const token = (await run.waitForOutput(/API token \(shown once[^)]*\): \S+\n/)).split(': ').pop()!.trim();
    await run.waitForOutput(/Webhook http:\/\/127\.0\.0\.1:9\/hook: signing secret \(shown once\): \S{20,}/);
    const file = join(dataDir, API_TOKEN_FILE);
    assert.equal((await readFile(file, 'utf8')).trim(), token);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const phones = await fetch(`${url}/v1/phones`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(phones.status, 200);
    assert.deepEqual(((await phones.json()) as { phones: { phoneId: string }[] }).phones.map((p) => p.phoneId), ['default']);
    assert.equal((await fetch(`${url}/v1/phones`)).status, 401);
    await stopped(run);

    run = runHeadless(args, env);
    const again = (await run.waitForOutput(/Local API on http:\/\/127\.0\.0\.1:\d+ /)).replace('Local API on ', '').trim();
    assert.equal((await fetch(`${again}/v1/phones`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    assert.doesNotMatch(run.out(), /shown once/, 'neither the token nor the webhook secret is printed twice');
    await stopped(run);

    run = runHeadless(args, { ...env, SESSION_KEEPER_API_TOKEN: 'from-the-environment-123' });
    const third = (await run.waitForOutput(/Local API on http:\/\/127\.0\.0\.1:\d+ /)).replace('Local API on ', '').trim();
    assert.equal((await fetch(`${third}/v1/phones`, { headers: { authorization: 'Bearer from-the-environment-123' } })).status, 200);
    assert.equal((await fetch(`${third}/v1/phones`, { headers: { authorization: `Bearer ${token}` } })).status, 401, 'the environment wins over the file');
    await stopped(run);
  } finally {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await server.close();
    uninstallTestRoot();
    await rm(dataDir, { recursive: true, force: true });
  }
});
