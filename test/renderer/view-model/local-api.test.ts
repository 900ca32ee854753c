import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFormFromSettings, apiStatusText, deliveryText, newWebhookId, validateApiForm } from '../../../renderer/view-model/local-api.js';
import { defaultAppSettings } from '../../../main/settings/schema.js';

const base = defaultAppSettings();

test('the Local API form starts off on port 8787 and saves into the settings\' api section, checked by the schema', () => {
  assert.deepEqual(apiFormFromSettings(base), { enabled: false, port: '8787', webhooks: [] });
  const ok = validateApiForm({ enabled: true, port: ' 9000 ', webhooks: [{ id: 'hook-1', url: ' https://bot.example/in ' }] }, base);
  assert.ok(ok.ok);
  assert.deepEqual(ok.settings.api, { enabled: true, port: 9000, webhooks: [{ id: 'hook-1', url: 'https://bot.example/in' }], inboxKeepDays: 30 });
  const kept = validateApiForm({ enabled: false, port: '9000', webhooks: [] }, { ...base, api: { enabled: true, port: 9000, webhooks: [], inboxKeepDays: 7 } });
  assert.ok(kept.ok && kept.settings.api?.inboxKeepDays === 7, 'the inbox keep period, not on the form, is kept');
  assert.deepEqual(ok.settings.keepAlive, base.keepAlive, 'the rest of the settings is kept');
  const bad = validateApiForm({ enabled: true, port: 'abc', webhooks: [{ id: 'hook-1', url: 'http://bot.example/in' }] }, base);
  assert.ok(!bad.ok);
  assert.ok(bad.problems.includes('API port must be a whole number between 1024 and 65535'));
  assert.ok(bad.problems.some((p) => /plain http only for 127\.0\.0\.1/.test(p)));
  const low = validateApiForm({ enabled: true, port: '80', webhooks: [] }, base);
  assert.ok(!low.ok && low.problems.some((p) => /between 1024 and 65535 \(got 80\)/.test(p)));
});

test('a new webhook id never repeats one in the list', () => {
  const taken = newWebhookId([], () => 0.5);
  const draws = [0.5, 0.25];
  const id = newWebhookId([{ id: taken }], () => draws.shift()!);
  assert.equal(id, newWebhookId([], () => 0.25), 'the taken id is drawn again and skipped');
  assert.match(id, /^hook-[0-9a-z]{6}$/);
});

test('the API state and each webhook\'s last delivery read as sentences', () => {
  const now = 10_000_000;
  assert.equal(apiStatusText({ enabled: false, url: null, error: null, tokenSet: false, webhooks: [] }), 'Off: no program can use this session.');
  assert.equal(apiStatusText({ enabled: true, url: 'http://127.0.0.1:8787', error: null, tokenSet: true, webhooks: [] }), 'Listening on http://127.0.0.1:8787 (this computer only).');
  assert.equal(apiStatusText({ enabled: true, url: null, error: 'Port 8787 is already in use: choose another port.', tokenSet: true, webhooks: [] }), 'Not running: Port 8787 is already in use: choose another port.');
  const hook = { id: 'h', url: 'https://x', secretSet: true, pending: 0, deadLetters: 0, lastDelivery: null };
  assert.equal(deliveryText(hook, now), 'No delivery yet');
  assert.equal(deliveryText({ ...hook, lastDelivery: { at: now - 120_000, eventId: '7', ok: true, status: 204, error: null, attempt: 1 } }, now), 'Delivered 2 min ago (HTTP 204)');
  assert.equal(
    deliveryText({ ...hook, pending: 3, deadLetters: 1, lastDelivery: { at: now - 5_000, eventId: '8', ok: false, status: 500, error: 'HTTP 500', attempt: 4 } }, now),
    'Failed just now: HTTP 500 (attempt 4) · 3 waiting · 1 given up',
  );
});
