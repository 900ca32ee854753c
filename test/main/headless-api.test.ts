// `--api` on the real headless runner: the token printed once and kept 0600 beside the settings,
// the environment's token when given, webhook secrets printed once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installTestRoot, startWaServer, testRootPublicKey, uninstallTestRoot } from '../support/wa-server/index.js';
import { runHeadless, type Run } from '../support/headless-run.js';
import { API_TOKEN_FILE, headlessApiPlan } from '../../main/headless-api.js';
import { SETTINGS_FILE_NAME } from '../../main/settings/settings-store.js';
import { freePort } from '../support/free-port.js';

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

test('the settings file\'s api section (the tray app\'s) starts the API without flags, with its port and webhooks; --api overrides the address', async () => {
  installTestRoot();
  const server = await startWaServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-api-settings-'));
  const bodies: { signature: string; body: string }[] = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push({ signature: String(req.headers['x-session-keeper-signature']), body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/in`;
  const port = await freePort();
  const writeSettings = (api: object) => writeFile(join(dataDir, `${SETTINGS_FILE_NAME}.json`), JSON.stringify({ version: 1, api }));
  const env = { SESSION_KEEPER_WA_URL: server.url, WA_TEST_ROOT: testRootPublicKey().toString('hex'), SESSION_KEEPER_API_TOKEN: 'settings-file-token-0123' };
  const auth = { authorization: 'Bearer settings-file-token-0123' };
  type Hooks = { webhooks: { id: string; url: string }[] };
  let run: Run | null = null;
  try {
    await writeSettings({ enabled: true, port, webhooks: [{ id: 'bot', url: hookUrl }], inboxKeepDays: 7 });
    run = runHeadless(['--data-dir', dataDir], env);
    await run.waitForOutput(new RegExp(`Local API on http://127\\.0\\.0\\.1:${port} `));
    const secret = (await run.waitForOutput(/signing secret \(shown once\): \S+\n/)).split(': ').pop()!.trim();
    const url = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${url}/v1/phones`, { headers: auth })).status, 200);
    assert.deepEqual(((await (await fetch(`${url}/v1/webhooks`, { headers: auth })).json()) as Hooks).webhooks.map((w) => [w.id, w.url]), [['bot', hookUrl]], 'the file\'s webhook, by its own id');
    // linking the phone (its QR read through the API) makes phone.status events after the API is
    // up: the file's webhook gets them, signed
    let qr = '';
    for (const until = Date.now() + 15_000; !qr && Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
      const res = await fetch(`${url}/v1/phones/default/qr?format=raw`, { headers: auth });
      if (res.ok) qr = await res.text();
    }
    assert.ok(qr, 'the API shows the QR');
    await server.phone.scan(qr);
    const deadline = Date.now() + 15_000;
    while (bodies.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const first = bodies[0];
    assert.ok(first, 'the webhook from the settings file was called');
    assert.equal(first.signature, `sha256=${createHmac('sha256', secret).update(first.body).digest('hex')}`);
    // the link is complete (its creds are on disk) before this run stops: the next runs log in with it
    await run.waitForOutput(/Linked as .*session age starts now/);
    await stopped(run);

    run = runHeadless(['--data-dir', dataDir, '--api', '127.0.0.1:0'], env);
    const flagged = (await run.waitForOutput(/Local API on http:\/\/127\.0\.0\.1:\d+ /)).replace('Local API on ', '').trim();
    assert.notEqual(flagged, url, '--api wins over the file\'s port');
    assert.deepEqual(((await (await fetch(`${flagged}/v1/webhooks`, { headers: auth })).json()) as Hooks).webhooks.map((w) => w.id), ['bot'], 'the file\'s webhooks still apply');
    await stopped(run);

    await writeSettings({ enabled: false, port, webhooks: [] });
    run = runHeadless(['--data-dir', dataDir], env);
    await run.waitForOutput(/Connected with the saved session/);
    assert.doesNotMatch(run.out(), /Local API on/, 'turned off in the file: no API');
    await assert.rejects(fetch(`${url}/v1/phones`, { headers: auth }), 'nothing listens on the file\'s port');
    await stopped(run);
  } finally {
    if (run && run.child.exitCode === null) run.child.kill('SIGKILL');
    hook.closeAllConnections();
    await new Promise<void>((r) => hook.close(() => r()));
    await server.close();
    uninstallTestRoot();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('the headless API plan: the file\'s section when on, each flag overriding its part', () => {
  const file = { enabled: true, port: 9100, webhooks: [{ id: 'bot', url: 'https://bot.example/in' }], inboxKeepDays: 7 };
  assert.equal(headlessApiPlan({ api: null, webhooks: [] }, undefined), null, 'no file section, no flag: off');
  assert.equal(headlessApiPlan({ api: null, webhooks: [] }, { ...file, enabled: false }), null);
  assert.deepEqual(headlessApiPlan({ api: null, webhooks: [] }, file), { address: { host: '127.0.0.1', port: 9100 }, webhooks: [{ id: 'bot', url: 'https://bot.example/in' }], inboxKeepDays: 7, fromFile: true });
  assert.deepEqual(headlessApiPlan({ api: { host: '::1', port: 0 }, webhooks: ['https://other.example/x'] }, { ...file, enabled: false }), {
    address: { host: '::1', port: 0 },
    webhooks: [{ url: 'https://other.example/x' }],
    inboxKeepDays: 7,
    fromFile: false,
  });
  assert.deepEqual(headlessApiPlan({ api: { host: '127.0.0.1', port: 0 }, webhooks: [] }, undefined)?.inboxKeepDays, 30);
});

test('--api alone does not send events to the webhooks of a settings-file API that is turned off', () => {
  // the tray app sends nothing to these while its API is off; a run with --api only asked for the API
  const off = { enabled: false, port: 9100, webhooks: [{ id: 'bot', url: 'https://bot.example/in' }], inboxKeepDays: 30 };
  assert.deepEqual(headlessApiPlan({ api: { host: '127.0.0.1', port: 0 }, webhooks: [] }, off)?.webhooks, []);
});

test('a settings-file API whose port is taken is reported plainly and does not stop the keeper it never asked to stop', async () => {
  installTestRoot();
  const server = await startWaServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'headless-api-busy-'));
  const squatter = createServer();
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
  const port = (squatter.address() as AddressInfo).port;
  await writeFile(join(dataDir, `${SETTINGS_FILE_NAME}.json`), JSON.stringify({ version: 1, api: { enabled: true, port, webhooks: [] } }));
  const env = { SESSION_KEEPER_WA_URL: server.url, WA_TEST_ROOT: testRootPublicKey().toString('hex'), SESSION_KEEPER_API_TOKEN: 'settings-file-token-0123' };
  const run = runHeadless(['--data-dir', dataDir], env);
  try {
    const code = await Promise.race([run.exit, new Promise<'running'>((r) => setTimeout(() => r('running'), 8000))]);
    assert.equal(code, 'running', `the keeper keeps running like the tray app does (exit ${String(code)}):\n${run.err()}`);
    assert.match(run.out() + run.err(), new RegExp(`port ${port}.*(in use|settings)`, 'i'), 'the message names the port and where it came from');
  } finally {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await new Promise<void>((r) => squatter.close(() => r()));
    await server.close();
    uninstallTestRoot();
    await rm(dataDir, { recursive: true, force: true });
  }
});
