// Settings → Local API in the real window (Chromium) over main's own local API service and a
// real keeper: turn it on, get a token once, add a webhook and see its last delivery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openWindow, pageProblems } from './window-page.js';
import { startHarness } from '../support/keeper-harness.js';
import { startRendererServer } from '../support/renderer-bridge/bridge-server.js';
import { chromiumPerFile, RENDERER_ROOT } from '../support/renderer-bridge/chromium.js';
import { freePort } from '../support/free-port.js';

const ROOT = RENDERER_ROOT;
const chromium = chromiumPerFile('the Chromium local API test');
const skip = chromium.skip;

test('the window turns the API on, shows a new token once that then works, and shows a webhook\'s last delivery', { skip }, async () => {
  const received: string[] = [];
  const hook: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(String(req.headers['x-session-keeper-event']));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const h = await startHarness();
  const server = await startRendererServer(h, ROOT);
  try {
    const page = await openWindow(chromium.browser(), server);
    await page.locator('nav').getByRole('button', { name: 'Settings' }).click();
    const status = page.locator('#api-status');
    await status.filter({ hasText: 'Off: no program can use this session.' }).waitFor();

    const port = await freePort();
    await page.getByLabel('Turn on the local API').check();
    await page.locator('#api-port').fill(String(port));
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByLabel('Webhook 1', { exact: true }).fill(`http://127.0.0.1:${(hook.address() as AddressInfo).port}/in`);
    await page.getByRole('button', { name: 'Save Local API' }).click();
    await status.filter({ hasText: `Listening on http://127.0.0.1:${port} (this computer only).` }).waitFor();
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/in`;
    assert.deepEqual(server.state.saved.at(-1)?.api?.webhooks.map((w) => w.url), [hookUrl]);
    // main's dialog named where every event will go before it saved
    assert.deepEqual(server.state.confirmations, [{ message: `Send every event, incoming messages included, to ${new URL(hookUrl).host}?`, detail: `Webhook: ${hookUrl}` }]);

    // turning it on made a token nobody has seen: the button offers to rotate it
    await page.getByRole('button', { name: 'Rotate token…' }).click();
    const token = page.locator('#api-token');
    await token.filter({ hasText: /\S{20,}/ }).waitFor();
    const shown = (await token.textContent()) ?? '';
    assert.match(server.state.confirmations.at(-1)?.message ?? '', /^Make a new local API token\?/, 'main confirmed before making it');
    const res = await fetch(`http://127.0.0.1:${port}/v1/phones`, { headers: { authorization: `Bearer ${shown}` } });
    assert.equal(res.status, 200, 'the token shown is the one the API wants');
    await page.getByRole('button', { name: 'Hide' }).first().click();
    assert.equal(await token.textContent(), '');
    await page.locator('#api-token-state').filter({ hasText: 'Set (never shown again)' }).waitFor();

    // the keeper starts: its status changes are events, and the webhook gets them
    await h.keeper.start();
    await h.waitForStatus('default', (s) => s.state === 'waiting-for-scan');
    await page.locator('.webhook-delivery', { hasText: /Delivered just now \(HTTP 204\)/ }).waitFor({ timeout: 15_000 });
    assert.ok(received.includes('phone.status'));
    assert.deepEqual(pageProblems(page), []);
    await page.close();
  } finally {
    await server.close();
    await h.close();
    hook.closeAllConnections();
    await new Promise<void>((r) => hook.close(() => r()));
  }
});

test('the Settings form saved while the Local API was saved during its edit keeps the API on (each form saves only its own section)', { skip }, async () => {
  const h = await startHarness();
  const server = await startRendererServer(h, ROOT);
  try {
    const page = await openWindow(chromium.browser(), server);
    await page.locator('nav').getByRole('button', { name: 'Settings' }).click();
    // an edit in the Settings form, not saved yet
    await page.locator('#field-intervalHours').fill('8');
    // meanwhile the Local API is turned on and saved
    const port = await freePort();
    await page.getByLabel('Turn on the local API').check();
    await page.locator('#api-port').fill(String(port));
    await page.getByRole('button', { name: 'Save Local API' }).click();
    const status = page.locator('#api-status');
    await status.filter({ hasText: `Listening on http://127.0.0.1:${port}` }).waitFor();
    // now the Settings form saves its edit
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('#settings-status').filter({ hasText: /^Saved\.$/ }).waitFor();
    assert.equal(server.state.settings.keepAlive.intervalHours, 8);
    assert.equal(server.state.settings.api?.enabled, true, 'the Settings form did not write back its older api section');
    assert.equal(server.state.settings.api?.port, port);
    assert.equal((await fetch(`http://127.0.0.1:${port}/v1/phones`)).status, 401, 'the API still listens');
    assert.deepEqual(pageProblems(page), []);
    await page.close();
  } finally {
    await server.close();
    await h.close();
  }
});
