// Linking must never show the account online (issue 11): the push name Baileys announces when it
// first arrives goes out as unavailable. Real keeper, real Baileys, presences captured at the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../main/engine/clock.js';
import { startHarness } from '../../support/keeper-harness.js';

test('pairing through the keeper sends the push name with type unavailable and nothing that reads as available', async () => {
  const h = await startHarness({ keeper: { clock: new ManualClock(Date.UTC(2026, 10, 27, 12)), random: () => 0.5 } });
  try {
    await h.keeper.start();
    await h.pair();
    const pairing = h.server.connections.find((c) => c.kind === 'registration' && c.jid !== undefined);
    assert.ok(pairing, 'the connection the phone scanned');
    const announced = pairing.received.filter((n) => n.tag === 'presence').map((n) => n.attrs);
    assert.deepEqual(announced, [{ name: 'Test Phone', type: 'unavailable' }]);
    const login = h.server.connections.find((c) => c.state === 'logged-in');
    assert.ok(login);
    await h.server.waitForQuiet(login);
    const all = h.server.connections.flatMap((c) => c.presences);
    assert.deepEqual(all.filter((p) => p.type !== 'unavailable'), [], 'no available and no type-less presence while linking');
  } finally {
    await h.close();
  }
});
