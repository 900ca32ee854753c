import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConsoleLine } from '../../main/headless-console.js';

const states = new Map([
  ['shop', 'open'],
  ['home', 'waiting-for-scan'],
  ['bot', 'logged-out'],
]);

test('r or qr asks for a new QR code for every phone that is not connected', () => {
  assert.deepEqual(parseConsoleLine('r', states), { kind: 'qr', phones: ['home', 'bot'] });
  assert.deepEqual(parseConsoleLine('  QR  ', states), { kind: 'qr', phones: ['home', 'bot'] });
});

test('qr <phone> asks for that phone only, and refuses an unknown or connected one with a reason', () => {
  assert.deepEqual(parseConsoleLine('qr bot', states), { kind: 'qr', phones: ['bot'] });
  const unknown = parseConsoleLine('qr office', states);
  assert.equal(unknown.kind, 'refused');
  assert.match(unknown.kind === 'refused' ? unknown.message : '', /No phone "office" is running here \(shop, home, bot\)/);
  const open = parseConsoleLine('qr shop', states);
  assert.match(open.kind === 'refused' ? open.message : '', /"shop" is linked and connected/);
});

test('with every phone connected, r says no QR code is needed', () => {
  const r = parseConsoleLine('r', new Map([['shop', 'open']]));
  assert.match(r.kind === 'refused' ? r.message : '', /Every phone is linked and connected/);
});

test('an empty line does nothing, h prints the help, and anything else names the commands', () => {
  assert.deepEqual(parseConsoleLine('   ', states), { kind: 'none' });
  assert.deepEqual(parseConsoleLine('h', states), { kind: 'help' });
  assert.deepEqual(parseConsoleLine('help', states), { kind: 'help' });
  const other = parseConsoleLine('quit', states);
  assert.match(other.kind === 'refused' ? other.message : '', /Unknown command "quit"\. Type r and Enter for a new QR code/);
  assert.equal(parseConsoleLine('qr a b', states).kind, 'refused');
});

test('resume <phone> lifts a sending stop on that one phone; without a phone, or an unknown one, it is refused', () => {
  assert.deepEqual(parseConsoleLine('resume shop', states), { kind: 'resume-sending', phone: 'shop' });
  assert.match((parseConsoleLine('resume', states) as { message?: string }).message ?? '', /exactly one phone/);
  assert.match((parseConsoleLine('resume office', states) as { message?: string }).message ?? '', /No phone "office"/);
});

test('in a --pair-code run, r and qr <phone> leave the code phone alone (a QR request would cancel its live code) and say to type c', () => {
  const codeRun = new Map([['shop', 'waiting-for-scan']]);
  const r = parseConsoleLine('r', codeRun, 'shop');
  assert.equal(r.kind, 'refused');
  assert.match(r.kind === 'refused' ? r.message : '', /"shop" links by pairing code in this run.*type c for a new code/);
  const qr = parseConsoleLine('qr shop', codeRun, 'shop');
  assert.match(qr.kind === 'refused' ? qr.message : '', /type c for a new code/);
  // other phones in the run still get their QR codes
  assert.deepEqual(parseConsoleLine('r', states, 'home'), { kind: 'qr', phones: ['bot'] });
});
