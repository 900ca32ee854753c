// The status model alone: the one place a PhoneStatus snapshot is built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../../main/engine/clock.js';
import { EMPTY_META, type PhoneMeta } from '../../../../main/engine/phone-meta.js';
import { StatusModel } from '../../../../main/engine/session/status-model.js';
import type { PhoneStatus } from '../../../../main/engine/types.js';

const T0 = Date.UTC(2026, 10, 1);

function model(meta: Partial<PhoneMeta> = {}) {
  const clock = new ManualClock(T0);
  const heard: PhoneStatus[] = [];
  let current: PhoneMeta = { ...EMPTY_META, ...meta };
  const m = new StatusModel(
    {
      phone: { id: 'shop', label: 'Shop' },
      clock,
      meta: () => current,
      reconnect: () => ({ attempt: 0, nextAt: null }),
      storageError: () => null,
      keepAlive: () => ({ nextKeepAliveAt: T0 + 1000, lastKeepAliveAt: null, mode: 'active', keepAlivePaused: false }),
    },
    (s) => heard.push(s),
  );
  return { m, clock, heard, setMeta: (p: Partial<PhoneMeta>) => (current = { ...current, ...p }) };
}

test('every snapshot is stamped when built and reads pairing from the meta, so none is aged twice', () => {
  const { m, clock } = model({ pairedAt: T0 - 5 * 3_600_000, me: '1555:3@s.whatsapp.net' });
  const a = m.snapshot();
  clock.advance(3_600_000);
  const b = m.snapshot();
  assert.equal(a.updatedAt, T0);
  assert.equal(b.updatedAt, T0 + 3_600_000);
  assert.equal(b.pairedAt, T0 - 5 * 3_600_000);
  assert.equal(b.me, '1555:3@s.whatsapp.net');
  assert.equal(b.label, 'Shop');
});

test('set() tells listeners at once; patch() waits for the next set or notify', () => {
  const { m, heard } = model();
  m.patch({ qr: 'qr-1' });
  assert.equal(heard.length, 0);
  m.set('waiting-for-scan', 'Scan it.');
  assert.equal(heard.length, 1);
  assert.equal(heard[0]?.qr, 'qr-1');
  assert.equal(heard[0]?.detail, 'Scan it.');
});

test('an unlinked phone shows no planned keep-alive, and its reason only while it needs a new link', () => {
  const unlinked = { cause: 'server-logout' as const, at: T0, device: '1555:3@s.whatsapp.net' };
  const { m, setMeta } = model({ unlinked });
  m.set('logged-out', 'WhatsApp logged this device out.');
  const out = m.snapshot();
  assert.equal(out.nextKeepAliveAt, null);
  assert.deepEqual(out.unlinked, unlinked);
  m.set('waiting-for-scan', 'Scan it.');
  assert.equal(m.snapshot().unlinked, null);
  setMeta({ pairedAt: T0, unlinked: null });
  m.set('open', 'Connected.');
  assert.equal(m.snapshot().nextKeepAliveAt, T0 + 1000);
});

test('everLinked reads any trace of a link in the meta, so a logout that forgets the pairing still counts', () => {
  const device = '1555:3@s.whatsapp.net';
  const cases: Array<[string, Partial<PhoneMeta>, boolean]> = [
    ['a fresh phone', {}, false],
    ['a first QR that expired unscanned', { unlinked: { cause: 'pairing-expired', at: T0, device: null } }, false],
    ['a paired phone', { pairedAt: T0, me: device }, true],
    ['a logged-out phone whose pairing was forgotten', { lastOpenAt: T0, unlinked: { cause: 'user-logout', at: T0, device } }, true],
    ['a phone WhatsApp removed, its QR expired since', { removedDevices: [{ device, at: T0, cause: 'server-logout' }], unlinked: { cause: 'server-logout', at: T0, device } }, true],
  ];
  for (const [name, meta, expected] of cases) {
    const { m } = model(meta);
    m.set('waiting-for-scan', 'Scan it.');
    assert.equal(m.snapshot().everLinked, expected, name);
  }
});
