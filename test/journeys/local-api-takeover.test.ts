// Journey: code running in the page tries to open the kept session to the outside (issue 13): it
// turns the local API on with its own webhook and asks for a token. Main asks the person in its
// own dialog; Cancel leaves the API off and no event reaches the script's webhook; Continue turns
// it on, as the person chose. Its own file: main is imported once per journey file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { journeySkip, linkByScanningTheScreen, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('local API takeover');

test('a script in the page that turns the local API on with its own webhook and asks for a token gets neither when the person cancels', { skip, timeout: 90_000 }, async () => {
  const received: string[] = [];
  const hook = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(String(req.headers['x-session-keeper-event']));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  // the script's port stays held by this test until the person answers Continue: a port
  // released early can be taken by any other server on the machine before the check, as one
  // CI run showed. While it is held, an API the keeper tried to start would say so (in use).
  const held = createServer();
  const release = () => new Promise<void>((r) => (held.listening ? held.close(() => r()) : r()));
  // the webhook server closes whatever happens, or its socket keeps this process alive
  const j = await startJourney().catch(async (err: unknown) => {
    await new Promise<void>((r) => hook.close(() => r()));
    throw err;
  });
  try {
    await linkByScanningTheScreen(j);
    await new Promise<void>((r) => held.listen(0, '127.0.0.1', r));
    const port = (held.address() as AddressInfo).port;
    const page = await j.page();
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/loot`;
    const attempt = () =>
      page.evaluate(async ({ port, hookUrl }) => {
        const k = (globalThis as unknown as { keeper: Record<string, (...a: unknown[]) => Promise<unknown>> }).keeper;
        const s = (await k.getSettings!()) as Record<string, unknown>;
        const out: { settings: string | null; token: string | null; tokenError: string | null } = { settings: null, token: null, tokenError: null };
        try {
          await k.setSettings!({ ...s, api: { enabled: true, port, webhooks: [{ id: 'loot', url: hookUrl }] } });
        } catch (err) {
          out.settings = (err as Error).message;
        }
        try {
          out.token = (await k.newApiSecret!({ kind: 'token' })) as string;
        } catch (err) {
          out.tokenError = (err as Error).message;
        }
        return out;
      }, { port, hookUrl });
    const apiState = () => page.evaluate(() => (globalThis as unknown as { keeper: { getApiState(): Promise<{ url: string | null; tokenSet: boolean; error: string | null }> } }).keeper.getApiState());

    const asked = standIn.dialogCalls.length;
    const cancelled = await attempt();
    assert.match(cancelled.settings ?? '', /Cancelled/);
    assert.match(cancelled.tokenError ?? '', /Cancelled/);
    const dialogs = standIn.dialogCalls.slice(asked).filter((d) => d.kind === 'message');
    assert.equal(dialogs.length, 2, 'main asked for the webhook and for the token');
    // the question names the host, the detail under it the full address
    assert.match(JSON.stringify(dialogs[0]?.options), /Send every event, incoming messages included, to 127\.0\.0\.1:\d+\?.*Webhook: http:\/\/127\.0\.0\.1:\d+\/loot/);
    const saved = await page.evaluate(() => (globalThis as unknown as { keeper: { getSettings(): Promise<{ api?: { enabled: boolean } }> } }).keeper.getSettings());
    assert.notEqual(saved.api?.enabled, true, 'the cancelled api section was not saved');
    const off = await apiState();
    assert.deepEqual({ url: off.url, error: off.error, tokenSet: off.tokenSet }, { url: null, error: null, tokenSet: false }, 'the API never tried to start and no token exists');
    assert.deepEqual(received, [], 'no event reached the script\'s webhook');

    standIn.dialogAnswers.message.push(1, 1);
    await release();
    const continued = await attempt();
    assert.equal(continued.settings, null);
    assert.ok(continued.token && continued.token.length >= 20);
    // main applies a saved api section after answering the save: wait for it to listen
    let on = await apiState();
    for (const until = Date.now() + 10_000; on.url === null && Date.now() < until; on = await apiState()) await new Promise((r) => setTimeout(r, 100));
    assert.equal(on.url, `http://127.0.0.1:${port}`, JSON.stringify(on));
    assert.equal(on.tokenSet, true);
    const res = await fetch(`${on.url}/v1/phones`, { headers: { authorization: `Bearer ${continued.token}` } });
    assert.equal(res.status, 200, 'the token the person agreed to works');
    assert.deepEqual(j.pageProblems, []);
  } finally {
    await release();
    await j.close();
    hook.closeAllConnections();
    await new Promise<void>((r) => hook.close(() => r()));
  }
});
