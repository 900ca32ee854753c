import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeeperError } from '../../../main/engine/errors.js';
import { decidePairingCode, dropUnfinishedCodeLink, PAIRING_CODE_GAP_MS, PAIRING_CODES_PER_HOUR, parsePairingNumber } from '../../../main/engine/pairing-code.js';
import { groupedCode } from '../../../main/presenters/pairing-code-text.js';
import { pairedId } from '../../../main/engine/auth-store/creds-check.js';

test('a number written the way people write it becomes the digits Baileys wants, country code first', () => {
  assert.equal(parsePairingNumber('+44 7700 900123'), '447700900123');
  assert.equal(parsePairingNumber(' +1 (555) 000-0001 '), '15550000001');
  assert.equal(parsePairingNumber('0049 30.1234567'), '49301234567');
});

test('a number with letters, without a country code or of impossible length is refused with a sentence saying why', () => {
  const refused = (input: string, why: RegExp) =>
    assert.throws(() => parsePairingNumber(input), (err: unknown) => err instanceof KeeperError && err.code === 'invalid-input' && why.test(err.message));
  refused('', /with its country code/);
  refused('+1 555 CALL NOW', /digits only/);
  refused('+44 7700 900123 ext 2', /digits only/);
  refused('07700 900123', /no country code/);
  // a bare number cannot be told from a local one: '7700 900123' is not read as +77
  refused('7700 900123', /no country code/);
  refused('15550000001', /no country code/);
  refused('+12345', /has 5 digits/);
  refused('+1234567890123456', /has 16 digits/);
});

test('the code is shown in two groups of four, as WhatsApp shows it', () => {
  assert.equal(groupedCode('ABCD1234'), 'ABCD-1234');
});

test('the placeholder Baileys writes when a code is asked for is not a link, and is dropped before a new registration', () => {
  const placeholder = { me: { id: '15550000001@s.whatsapp.net', name: '~' }, pairingCode: 'ABCD1234' };
  assert.equal(pairedId(placeholder), null);
  assert.equal(pairedId({ me: { id: '15550000001:4@s.whatsapp.net' } }), '15550000001:4@s.whatsapp.net');
  assert.equal(dropUnfinishedCodeLink(placeholder, false), true);
  assert.deepEqual(placeholder, {});
  const linked = { me: { id: '15550000001:4@s.whatsapp.net' } };
  assert.equal(dropUnfinishedCodeLink(linked, true), false);
  assert.equal(linked.me.id, '15550000001:4@s.whatsapp.net', 'a linked identity is never touched');
});

test('a second request for the same number while its code lives gets the same code; after it expired, a new one', () => {
  const live = { digits: '15550000001', code: { code: 'ABCDEFGH', expiresAt: 160_000 } };
  assert.deepEqual(decidePairingCode({ digits: '15550000001', now: 10_000, live, issued: [0] }), { kind: 'reuse', code: live.code });
  assert.deepEqual(decidePairingCode({ digits: '15550000001', now: 160_000, live, issued: [0] }), { kind: 'new' });
});

test('new codes are at least a minute apart, whatever the number', () => {
  const live = { digits: '15550000001', code: { code: 'ABCDEFGH', expiresAt: 160_000 } };
  const other = decidePairingCode({ digits: '15550000002', now: 30_000, live, issued: [0] });
  assert.ok(other.kind === 'wait' && other.untilMs === PAIRING_CODE_GAP_MS && /ask again in 30 s/.test(other.reason), JSON.stringify(other));
  assert.equal(decidePairingCode({ digits: '15550000002', now: PAIRING_CODE_GAP_MS - 1, live: null, issued: [0] }).kind, 'wait');
  assert.equal(decidePairingCode({ digits: '15550000002', now: PAIRING_CODE_GAP_MS, live: null, issued: [0] }).kind, 'new');
});

test('at most a few codes in any rolling hour; the oldest leaving the hour makes room again', () => {
  const minute = 60_000;
  const issued = Array.from({ length: PAIRING_CODES_PER_HOUR }, (_, i) => i * 2 * minute);
  const now = PAIRING_CODES_PER_HOUR * 2 * minute;
  const full = decidePairingCode({ digits: '15550000001', now, live: null, issued });
  assert.ok(full.kind === 'wait' && full.untilMs === 60 * minute && /pairing codes were asked for in the last hour/.test(full.reason), JSON.stringify(full));
  assert.equal(decidePairingCode({ digits: '15550000001', now: 60 * minute, live: null, issued }).kind, 'new');
});
