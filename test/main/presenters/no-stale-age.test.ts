// No status shown anywhere is built from a stale snapshot: a real keeper (real Baileys against the
// WA test server, on an injected clock) runs for simulated days with keep-alives and backups, and
// at random moments the card model, the tray model and the headless line all show
// age = now − pairedAt (± 1 s), whether the status was pulled just now (window opened or
// reloaded) or is the last one pushed, possibly hours ago (a card ticking between events).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../main/engine/clock.js';
import type { PhoneStatus } from '../../../main/engine/types.js';
import { formatStatusLine } from '../../../main/headless-format.js';
import { ageText } from '../../../main/presenters/durations.js';
import { presentPhone } from '../../../main/presenters/phone-presenter.js';
import { presentTray } from '../../../main/tray/tray-presenter.js';
import { phoneCardModel } from '../../../renderer/view-model/phone-card.js';
import { driveMinutes, pairedKeeper, seededRandom } from '../../support/keepalive-driver.js';

const SECOND = 1000;
const SEED = 20261201;

/** The age texts a correct view may show at `now`: the true age ± 1 s straddles an hour boundary at most. */
function allowed(pairedAt: number, now: number): Set<string> {
  return new Set([-SECOND, 0, SECOND].map((d) => ageText(now - pairedAt + d)));
}

function checkEverywhere(s: PhoneStatus, source: string, pairedAt: number, now: number): void {
  const at = `${source} status (updatedAt ${(now - s.updatedAt) / 60_000} min before now)`;
  assert.equal(s.pairedAt, pairedAt, `${at}: pairedAt is the pairing moment`);
  const ok = allowed(pairedAt, now);
  const ageMs = presentPhone(s, now).sessionAgeMs;
  assert.ok(ageMs !== null && Math.abs(ageMs - (now - pairedAt)) <= SECOND, `${at}: presenter age ${ageMs} vs ${now - pairedAt}`);

  const card = phoneCardModel(s, now).facts.find((f) => f.key === 'session-age')?.value ?? '';
  assert.ok(ok.has(card), `${at}: card shows ${card}, expected one of ${[...ok].join(', ')}`);

  const tray = presentTray([s], { now, startAtLogin: false });
  const tooltipAge = /session (\d+d \d+h)$/.exec(tray.tooltip)?.[1] ?? '';
  assert.ok(ok.has(tooltipAge), `${at}: tray tooltip "${tray.tooltip}"`);
  const line = tray.menu.find((i) => i.type === 'label' && i.label.startsWith(`${s.label}: `));
  const lineAge = line && line.type === 'label' ? (/ · session (\d+d \d+h) · /.exec(line.label)?.[1] ?? '') : '';
  assert.ok(ok.has(lineAge), `${at}: tray phone line "${line && line.type === 'label' ? line.label : ''}"`);

  const headless = formatStatusLine(s, now);
  const headlessAge = /· session age (\d+d \d+h) ·/.exec(headless)?.[1] ?? '';
  assert.ok(ok.has(headlessAge), `${at}: headless line "${headless}"`);
}

test('at random moments over simulated days, card, tray and headless show age = now − pairedAt for pulled and pushed statuses', async () => {
  const random = seededRandom(SEED);
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 9, 0));
  const h = await pairedKeeper(clock, { keeper: { keepAlive: { timeZone: 'UTC' } } });
  try {
    const pairedAt = h.keeper.status('default').pairedAt;
    assert.ok(pairedAt !== null && Math.abs(pairedAt - clock.now()) < 60_000, 'paired on the injected clock');
    let stalePushes = 0;
    for (let round = 0; round < 16; round++) {
      await driveMinutes(h, clock, 1 + Math.floor(random() * 8 * 60));
      clock.advance(Math.floor(random() * 59 * SECOND));
      if (round === 8) {
        // a restart (the app relaunched) reloads pairedAt from disk: the age carries on unchanged
        await h.keeper.stop();
        await h.restart();
        await h.waitForStatus('default', (s) => s.state === 'open');
      }
      const now = clock.now();
      const [pulled] = h.keeper.statuses();
      assert.ok(pulled, 'one phone');
      assert.equal(pulled.state, 'open', `round ${round}: still connected`);
      checkEverywhere(pulled, `round ${round}: pulled`, pairedAt, now);
      const pushed = h.statuses.filter((s) => s.phoneId === 'default').at(-1);
      assert.ok(pushed);
      checkEverywhere(pushed, `round ${round}: last pushed`, pairedAt, now);
      if (now - pushed.updatedAt >= 60 * 60 * SECOND) stalePushes += 1;
    }

    assert.ok(stalePushes >= 3, `some checks used a push hours old (${stalePushes}), the case that used to double the age`);
    assert.ok(h.logs.some((e) => e.event === 'keepalive.sent'), 'keep-alives (and the backups after them) pushed statuses meanwhile');
  } finally {
    await h.close();
  }
});
