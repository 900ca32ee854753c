import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketReadyAt, decideSend, looksLikeRestriction, refusalsStop, windowReadyAt, type SendFacts } from '../../../../main/engine/messaging/outbound-gate.js';
import { sleepSpanAt } from '../../../../main/engine/anti-ban.js';
import { parseKeepAliveSettings, parseOutboundSettings, type OutboundSettings } from '../../../../main/engine/settings-schema.js';

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const noon = Date.UTC(2027, 2, 10, 12);

const keepAlive = (() => {
  const r = parseKeepAliveSettings({ timeZone: 'UTC' });
  if (!r.ok) throw new Error('settings');
  return r.settings;
})();

function outbound(input: Record<string, unknown> = {}): OutboundSettings {
  const r = parseOutboundSettings(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.settings;
}

const facts = (f: Partial<SendFacts> = {}): SendFacts => ({
  pairedAt: null,
  sends: [],
  newChatSends: [],
  lastToChat: null,
  knownChat: true,
  stop: null,
  textLength: 10,
  ...f,
});

test('the outbound settings are optional: nothing given yields conservative defaults', () => {
  const o = outbound();
  assert.equal(o.intervalSeconds, 4);
  assert.equal(o.perMinute, 20);
  assert.equal(o.burst, 1);
  assert.equal(o.inSleepWindow, 'hold');
  assert.ok(o.newChatsPerDay > 0 && o.newChatsPerDay <= 20);
  const bad = parseOutboundSettings({ perMinute: 0, inSleepWindow: 'later' });
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.ok ? [] : bad.problems.map((p) => p.path), ['perMinute', 'inSleepWindow']);
});

test('a message to a known chat in active hours goes out, after "typing…" that grows with the text and is capped', () => {
  const o = outbound();
  const short = decideSend({ now: noon, outbound: o, keepAlive, facts: facts({ textLength: 10 }) });
  const long = decideSend({ now: noon, outbound: o, keepAlive, facts: facts({ textLength: 100 }) });
  const huge = decideSend({ now: noon, outbound: o, keepAlive, facts: facts({ textLength: 100_000 }) });
  assert.ok(short.kind === 'send' && long.kind === 'send' && huge.kind === 'send');
  assert.ok(short.composingMs < long.composingMs, `${short.composingMs} < ${long.composingMs}`);
  assert.equal(huge.composingMs, o.composingMaxSeconds * SECOND);
  const off = decideSend({ now: noon, outbound: outbound({ composing: false }), keepAlive, facts: facts({ textLength: 100 }) });
  assert.ok(off.kind === 'send' && off.composingMs === 0);
});

test('the token bucket holds the next message until a token refills, and lets a burst through after a quiet spell', () => {
  const o = outbound();
  const d = decideSend({ now: noon + 1000, outbound: o, keepAlive, facts: facts({ sends: [noon] }) });
  assert.deepEqual(d.kind === 'hold' && [d.code, d.until], ['rate', noon + 4000]);
  assert.equal(decideSend({ now: noon + 4000, outbound: o, keepAlive, facts: facts({ sends: [noon] }) }).kind, 'send');
  // burst 3: three back to back, the fourth one interval after the first
  assert.equal(bucketReadyAt([noon, noon], noon, 4000, 3), noon);
  assert.equal(bucketReadyAt([noon, noon, noon], noon, 4000, 3), noon + 4000);
  // replayed from history: a send from "the future" (clock went back) says nothing about now
  assert.equal(bucketReadyAt([noon + HOUR], noon, 4000, 1), noon);
});

test('no more than the per-minute cap in any rolling minute', () => {
  const o = outbound({ intervalSeconds: 1, burst: 20, perMinute: 20 });
  const sends = Array.from({ length: 20 }, (_, i) => noon + i * 500);
  const d = decideSend({ now: noon + 10 * SECOND, outbound: o, keepAlive, facts: facts({ sends }) });
  assert.deepEqual(d.kind === 'hold' && [d.code, d.until], ['per-minute', noon + 60 * SECOND]);
  // a minute after the first, it has left the window: one more may go
  assert.equal(windowReadyAt(sends, noon + 60 * SECOND, 60 * SECOND, 20), noon + 60 * SECOND);
  assert.equal(windowReadyAt([...sends, noon + 60 * SECOND], noon + 60 * SECOND, 60 * SECOND, 20), noon + 60 * SECOND + 500);
});

test('a chat gets its own minimum gap; another chat is not held by it', () => {
  const o = outbound({ chatGapSeconds: 30 });
  const same = decideSend({ now: noon + 10 * SECOND, outbound: o, keepAlive, facts: facts({ sends: [noon], lastToChat: noon }) });
  assert.deepEqual(same.kind === 'hold' && [same.code, same.until], ['chat-gap', noon + 30 * SECOND]);
  assert.equal(decideSend({ now: noon + 10 * SECOND, outbound: o, keepAlive, facts: facts({ sends: [noon] }) }).kind, 'send');
});

test('chats the account never talked to are capped per day; known chats are not', () => {
  const o = outbound({ newChatsPerDay: 2 });
  const started = [noon - 2 * HOUR, noon - HOUR];
  const d = decideSend({ now: noon, outbound: o, keepAlive, facts: facts({ knownChat: false, newChatSends: started }) });
  assert.ok(d.kind === 'refuse' && d.code === 'new-chat-cap', JSON.stringify(d));
  assert.match(d.kind === 'refuse' ? d.reason : '', /2 chat\(s\).*limit 2/);
  assert.equal(decideSend({ now: noon, outbound: o, keepAlive, facts: facts({ knownChat: true, newChatSends: started }) }).kind, 'send');
  const ok = decideSend({ now: noon + DAY - HOUR, outbound: o, keepAlive, facts: facts({ knownChat: false, newChatSends: started }) });
  assert.ok(ok.kind === 'send' && ok.newChat, 'a day after the first, one new chat is allowed again');
});

test('warm-up caps messages per day from the link and rises daily; it never holds a message for longer than the rate', () => {
  const o = outbound({ warmUpDays: 3, warmUpFirstDay: 5 });
  const pairedAt = noon - HOUR;
  const five = Array.from({ length: 5 }, (_, i) => noon - 40 * 60_000 + i * 5 * SECOND);
  const d0 = decideSend({ now: noon, outbound: o, keepAlive, facts: facts({ pairedAt, sends: five }) });
  assert.ok(d0.kind === 'refuse' && d0.code === 'warm-up-cap', JSON.stringify(d0));
  const four = five.slice(0, 4);
  assert.equal(decideSend({ now: noon, outbound: o, keepAlive, facts: facts({ pairedAt, sends: four }) }).kind, 'send', 'under the cap: no extra wait');
  // day 1 allows 10
  const d1 = decideSend({ now: pairedAt + DAY + HOUR, outbound: o, keepAlive, facts: facts({ pairedAt, sends: five.map((t) => t + DAY) }) });
  assert.equal(d1.kind, 'send');
  // after the warm-up days, no cap
  const many = Array.from({ length: 200 }, (_, i) => pairedAt + 3 * DAY + i * 5 * SECOND);
  const after = decideSend({ now: pairedAt + 3 * DAY + 200 * 5 * SECOND, outbound: o, keepAlive, facts: facts({ pairedAt, sends: many }) });
  assert.equal(after.kind, 'send');
  // unknown link time: no warm-up
  assert.equal(decideSend({ now: noon, outbound: o, keepAlive, facts: facts({ pairedAt: null, sends: five }) }).kind, 'send');
});

test('inside the sleep window a message is held until the window ends, or refused when so set', () => {
  const night = Date.UTC(2027, 2, 10, 2, 30);
  const held = decideSend({ now: night, outbound: outbound(), keepAlive, facts: facts() });
  assert.deepEqual(held.kind === 'hold' && [held.code, held.until], ['sleep', Date.UTC(2027, 2, 10, 6)]);
  assert.match(held.kind === 'hold' ? held.reason : '', /sleep window 01:00–06:00 \(UTC\)/);
  const refused = decideSend({ now: night, outbound: outbound({ inSleepWindow: 'refuse' }), keepAlive, facts: facts() });
  assert.ok(refused.kind === 'refuse' && refused.code === 'sleep');
});

test('a stopped phone refuses every message with the stop reason', () => {
  const d = decideSend({ now: noon, outbound: outbound(), keepAlive, facts: facts({ stop: { at: noon - HOUR, reason: 'WhatsApp refused 2 message(s)' } }) });
  assert.ok(d.kind === 'refuse' && d.code === 'stopped');
  assert.match(d.kind === 'refuse' ? d.reason : '', /WhatsApp refused 2 message\(s\).*Resume/);
});

test('restriction errors are told apart from ordinary failures, and refusals stop at the set count', () => {
  assert.equal(looksLikeRestriction(new Error('Connection Closed')), false);
  assert.equal(looksLikeRestriction(new Error('timed out')), false);
  assert.equal(looksLikeRestriction(Object.assign(new Error('x'), { output: { statusCode: 463 } })), true);
  assert.equal(looksLikeRestriction(new Error('account restricted: reach-out time-lock')), true);
  const o = outbound({ failuresBeforeStop: 2 });
  assert.equal(refusalsStop([noon], noon, o), false);
  assert.equal(refusalsStop([noon - 2 * DAY, noon], noon, o), false, 'a refusal days ago does not count');
  assert.equal(refusalsStop([noon - HOUR, noon], noon, o), true);
});

test('the sleep answer stays right minute by minute across the window edges, forwards and with the clock going back', () => {
  const berlin = parseKeepAliveSettings({
    timeZone: 'Europe/Berlin',
    sleepWindow: { start: '22:30', end: '05:15' },
    reducedWindows: [{ start: '21:00', end: '22:30' }, { start: '05:15', end: '06:00' }],
  });
  assert.ok(berlin.ok);
  const o = outbound();
  const from = Date.UTC(2027, 2, 27, 18); // includes the spring-forward night
  const minutes = Array.from({ length: 16 * 60 }, (_, i) => from + i * 60_000);
  for (const t of [...minutes, ...[...minutes].reverse()]) {
    const d = decideSend({ now: t, outbound: o, keepAlive: berlin.settings, facts: facts() });
    const span = sleepSpanAt(t, berlin.settings);
    assert.equal(d.kind === 'hold' && d.code === 'sleep', span !== null, new Date(t).toISOString());
    if (d.kind === 'hold') assert.equal(d.until, span?.end);
  }
});
