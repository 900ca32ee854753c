// The tray app's local API service over a real secret store and an unstarted keeper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeeper } from '../../main/engine/keeper.js';
import { SecretStore } from '../../main/settings/secret-store.js';
import { AesGcmEncryptor } from '../../main/settings/encryptor.js';
import { setupLocalApi } from '../../main/setup-local-api.js';
import { NOON_TODAY, ShiftedClock, startOutbound } from '../support/api-under-test.js';
import { FakeMessagingPort } from '../support/fake-messaging-port.js';
import { freePort } from '../support/free-port.js';

test('the tray API starts when enabled with a stored token, rotates it at once, re-signs after a new webhook secret, and stops when disabled', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tray-api-'));
  const bodies: { sig: string; body: string }[] = [];
  const hook: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push({ sig: String(req.headers['x-session-keeper-signature']), body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const secrets = new SecretStore(dir, new AesGcmEncryptor(randomBytes(32)));
  const keeper = createKeeper({ dataDir: join(dir, 'data'), phones: [{ id: 'default' }], backup: false });
  const port = new FakeMessagingPort({ phoneIds: ['default'], onWhatsApp: [] });
  const outbound = await startOutbound({ port, phoneIds: ['default'], dir: join(dir, 'outbound'), clock: new ShiftedClock(NOON_TODAY) });
  const backend = { keeper, messaging: port, outbound };
  const logs: string[] = [];
  const service = setupLocalApi({ dataDir: dir, secrets, log: (_l, m) => logs.push(m) });
  try {
    const apiPort = await freePort();
    const webhooks = [{ id: 'bot', url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/in` }];
    await service.apply({ enabled: true, port: apiPort, webhooks, inboxKeepDays: 30 }, backend);
    const state = service.state();
    assert.equal(state.url, `http://127.0.0.1:${apiPort}`);
    assert.equal(state.tokenSet, true);
    assert.equal(state.webhooks[0]?.secretSet, true);
    const first = secrets.get('apiToken')!;
    const get = (token: string) => fetch(`${state.url!}/v1/phones`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await get(first)).status, 200);

    const rotated = await service.newSecret({ kind: 'token' });
    assert.notEqual(rotated, first);
    assert.equal((await get(first)).status, 401, 'the old token stops at once');
    assert.equal((await get(rotated)).status, 200);

    const hookSecret = await service.newSecret({ kind: 'webhook', webhookId: 'bot' });
    port.receive('default', '15551230001', 'hi');
    const deadline = Date.now() + 5000;
    while (bodies.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const d = bodies[0]!;
    assert.equal(d.sig, `sha256=${createHmac('sha256', hookSecret).update(d.body).digest('hex')}`, 'signed with the new secret');
    while (service.state().webhooks[0]?.lastDelivery === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(service.state().webhooks[0]?.lastDelivery?.status, 204);
    await assert.rejects(service.newSecret({ kind: 'webhook', webhookId: 'ghost' }), /save the webhook first/);

    await service.apply({ enabled: false, port: apiPort, webhooks, inboxKeepDays: 30 }, backend);
    assert.equal(service.state().url, null);
    await assert.rejects(get(rotated), 'nothing listens once disabled');

    // a taken port is said in words, not thrown
    await service.apply({ enabled: true, port: (hook.address() as AddressInfo).port, webhooks: [], inboxKeepDays: 30 }, backend);
    assert.match(service.state().error ?? '', /Port \d+ is already in use/);
  } finally {
    await service.stop();
    await outbound.stop();
    await keeper.stop();
    hook.closeAllConnections();
    await new Promise<void>((r) => hook.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  }
});
