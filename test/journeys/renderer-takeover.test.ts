// Journey: code running in the page tries to take the account (issue 11): it sets its own backup
// passphrase, points Supabase backups at its server, then asks for a backup. Main asks the person
// in its own dialog each time; answering Cancel leaves settings and secrets as they were and
// nothing reaches the other server. Answering Continue applies the changes, as the person chose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright';
import { journeySkip, linkByScanningTheScreen, standIn, startJourney } from '../support/journey.js';
import { start as startStorage } from '../support/supabase-server/storage-server.js';

const skip = journeySkip('renderer takeover');

interface Takeover {
  passphrase: string | null;
  settings: string | null;
  key: string | null;
  backup: unknown;
}

/** The three calls an attacker's script would make, run in the page; each error is kept. */
function takeOver(page: Page, url: string): Promise<Takeover> {
  return page.evaluate(async (url) => {
    const k = (globalThis as unknown as { keeper: Record<string, (...a: unknown[]) => Promise<unknown>> }).keeper;
    const attempt = async (f: () => Promise<unknown>) => {
      try {
        await f();
        return null;
      } catch (err) {
        return (err as Error).message;
      }
    };
    const passphrase = await attempt(() => k.setSecret!('backupPassphrase', 'attacker knows this one'));
    const s = (await k.getSettings!()) as { backup: Record<string, unknown> };
    const settings = await attempt(() => k.setSettings!({ ...s, backup: { ...s.backup, target: 'supabase', supabase: { url, bucket: 'loot', prefix: 'taken' } } }));
    const key = await attempt(() => k.setSecret!('supabaseKey', 'attacker-key'));
    let backup: unknown = null;
    // after a confirmed change the sessions restart: ask until the keeper answers
    for (let i = 0; i < 40; i++) {
      try {
        backup = await k.backupNow!('default');
        if ((backup as { outcome: string }).outcome === 'uploaded') break;
      } catch (err) {
        backup = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    return { passphrase, settings, key, backup };
  }, url);
}

test('a script in the page that sets a passphrase, points backups at its server and backs up gets nothing when the person cancels main\'s dialogs', { skip, timeout: 90_000 }, async () => {
  const attacker = await startStorage({ key: 'attacker-key', buckets: ['loot'] });
  const j = await startJourney();
  try {
    await linkByScanningTheScreen(j);
    const page = await j.page();
    const env = () => page.evaluate(() => (globalThis as unknown as { keeper: { getEnvironment(): Promise<{ secrets: { set: Record<string, boolean> } }> } }).keeper.getEnvironment());
    const settingsBefore = await page.evaluate(() => (globalThis as unknown as { keeper: { getSettings(): Promise<unknown> } }).keeper.getSettings());

    // Cancel (unscripted dialogs answer 0, the Cancel button)
    const asked = standIn.dialogCalls.length;
    const cancelled = await takeOver(page, attacker.url);
    assert.match(cancelled.passphrase ?? '', /Cancelled/);
    assert.match(cancelled.settings ?? '', /Cancelled/);
    assert.match(cancelled.key ?? '', /Cancelled/);
    const dialogs = standIn.dialogCalls.slice(asked).filter((d) => d.kind === 'message');
    assert.equal(dialogs.length, 3, 'main asked once per sensitive call');
    assert.ok(dialogs.every((d) => d.parent === j.window()), 'each dialog is main\'s, parented to the window');
    assert.match(JSON.stringify(dialogs[1]?.options), new RegExp(attacker.url.replace(/[.:/]/g, '\\$&')), 'the dialog names where backups would go');
    assert.deepEqual(attacker.requests(), [], 'nothing reached the other server');
    assert.deepEqual(await page.evaluate(() => (globalThis as unknown as { keeper: { getSettings(): Promise<unknown> } }).keeper.getSettings()), settingsBefore);
    assert.deepEqual((await env()).secrets.set, { supabaseKey: false, backupPassphrase: false });

    // Continue: the person chose it, so it applies
    standIn.dialogAnswers.message.push(1, 1, 1);
    const continued = await takeOver(page, attacker.url);
    assert.deepEqual([continued.passphrase, continued.settings, continued.key], [null, null, null]);
    assert.equal((continued.backup as { outcome?: string }).outcome, 'uploaded', JSON.stringify(continued.backup));
    assert.ok(attacker.objects().some((o) => o.bucket === 'loot' && o.path.startsWith('taken/')), 'the backup went where the person agreed');
    assert.deepEqual((await env()).secrets.set, { supabaseKey: true, backupPassphrase: true });
    assert.deepEqual(j.pageProblems, []);
  } finally {
    await j.close();
    await attacker.close();
  }
});

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
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const j = await startJourney();
  try {
    await linkByScanningTheScreen(j);
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
    const off = await apiState();
    assert.equal(off.url, null);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/v1/phones`), 'nothing listens');
    assert.deepEqual(received, [], 'no event reached the script\'s webhook');

    standIn.dialogAnswers.message.push(1, 1);
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
    await j.close();
    hook.closeAllConnections();
    await new Promise<void>((r) => hook.close(() => r()));
  }
});
