// Reading the WhatsApp Web version document, comparing versions, and where the address comes from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { socketOverridesFromEnv, waVersionUrlFromEnv } from '../../../main/engine/env-overrides.js';
import { BUNDLED_WA_VERSION, compareVersions, versionFromDocument, WA_VERSION_URL } from '../../../main/engine/wa-version.js';

test('the client revision is read from the service worker the way Baileys reads it, escaped or not', () => {
  const escaped = 'self.__swData=JSON.parse(/*BTDS*/"{\\"dynamic_data\\":{\\"SiteData\\":{\\"client_revision\\":1051234567}}}");';
  assert.deepEqual(versionFromDocument(escaped), [2, 3000, 1051234567]);
  assert.deepEqual(versionFromDocument('{"client_revision": 1040000000}'), [2, 3000, 1040000000]);
  assert.equal(versionFromDocument('<html>captcha</html>'), null);
});

test('versions compare part by part, and the bundled one is Baileys rc14\'s', () => {
  assert.ok(compareVersions([2, 3000, 2], [2, 3000, 10]) < 0);
  assert.ok(compareVersions([2, 3001, 0], [2, 3000, 10]) > 0);
  assert.equal(compareVersions([2, 3000, 5], [2, 3000, 5]), 0);
  assert.deepEqual(BUNDLED_WA_VERSION, [2, 3000, 1043857760]);
});

test('the version document address: WhatsApp\'s by default, the one given, none for another endpoint without one, none when set empty', () => {
  assert.equal(WA_VERSION_URL, 'https://web.whatsapp.com/sw.js');
  assert.equal(waVersionUrlFromEnv({}), WA_VERSION_URL);
  assert.equal(waVersionUrlFromEnv({ SESSION_KEEPER_WA_VERSION_URL: 'http://127.0.0.1:9/sw.js' }), 'http://127.0.0.1:9/sw.js');
  assert.equal(waVersionUrlFromEnv({ SESSION_KEEPER_WA_URL: 'ws://127.0.0.1:9/ws/chat' }), null);
  assert.equal(waVersionUrlFromEnv({ SESSION_KEEPER_WA_URL: 'ws://x', SESSION_KEEPER_WA_VERSION_URL: 'http://x/sw.js' }), 'http://x/sw.js');
  assert.equal(waVersionUrlFromEnv({ SESSION_KEEPER_WA_VERSION_URL: '' }), null);
  assert.deepEqual(socketOverridesFromEnv({ SESSION_KEEPER_WA_URL: 'ws://x' }), { waWebSocketUrl: 'ws://x' });
});
