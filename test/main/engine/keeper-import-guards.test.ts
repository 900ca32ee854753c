// The tray app's import (in-process, phones running): a refused import must leave the running
// phone exactly as it was — open, same device, its session files in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountOf } from '../../../main/engine/auth-store/import-session.js';
import { startHarness } from '../../support/keeper-harness.js';
import { pairDevice } from '../../support/wa-server/baileys-client.js';

test('an account is the jid without its device suffix or agent', () => {
  assert.equal(accountOf('15551234567:3@s.whatsapp.net'), '15551234567@s.whatsapp.net');
  assert.equal(accountOf('15551234567_1:12@s.whatsapp.net'), '15551234567@s.whatsapp.net');
  assert.equal(accountOf('15551234567@s.whatsapp.net'), '15551234567@s.whatsapp.net');
  assert.notEqual(accountOf('15551234567:3@s.whatsapp.net'), accountOf('15551234568:3@s.whatsapp.net'));
});

test('importing a running phone\'s own session folder over itself is refused and the phone stays open', async () => {
  const h = await startHarness();
  try {
    await h.keeper.start();
    const paired = await h.pair();
    const own = h.keeper.paths.session('default');
    const creds = await readFile(join(own, 'creds.json'), 'utf8');
    const connectedSince = h.keeper.status('default').connectedSince;
    assert.ok(connectedSince !== null);
    await assert.rejects(h.keeper.importSession('default', own, { replace: true }), /it is inside the data folder/);
    assert.equal(h.keeper.status('default').state, 'open');
    assert.equal(h.keeper.status('default').connectedSince, connectedSince, 'the same socket, never ended');
    assert.equal(h.keeper.status('default').me, paired.me);
    assert.equal(await readFile(join(own, 'creds.json'), 'utf8'), creds);
    await assert.rejects(stat(h.keeper.paths.quarantine), /ENOENT/, 'nothing was set aside');
  } finally {
    await h.close();
  }
});

test('importing an account already linked as another phone is refused and that phone stays open', async () => {
  const h = await startHarness({ phones: ['shop', 'home'] });
  const botDir = await mkdtemp(join(tmpdir(), 'bot-sessions-'));
  try {
    await h.keeper.start();
    const shop = await h.pair('shop');
    const bot = await pairDevice(h.server, botDir);
    assert.equal(accountOf(bot.jid), accountOf(shop.me ?? ''), 'the test server links one account');
    await assert.rejects(h.keeper.importSession('home', botDir), /is already linked here as phone "shop"/);
    assert.equal(h.keeper.status('shop').state, 'open');
    const homeCreds = await readFile(join(h.keeper.paths.session('home'), 'creds.json'), 'utf8').catch(() => '');
    assert.ok(!homeCreds.includes(bot.jid), 'the account was not imported as "home"');
    assert.notEqual(h.keeper.status('home').me, bot.jid);
  } finally {
    await h.close();
    await rm(botDir, { recursive: true, force: true });
  }
});
