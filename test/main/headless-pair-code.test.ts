// --pair-code: parsing, the phone it is for, what the terminal prints, the `c` console command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHeadlessArgs, UsageError } from '../../main/headless-args.js';
import { parseConsoleLine } from '../../main/headless-console.js';
import { formatCodeCountdown, formatPairingCode } from '../../main/headless-format.js';
import { pairCodeTarget, PairCodePrinter } from '../../main/headless-pair-code.js';
import { KeeperError } from '../../main/engine/errors.js';
import { NOW } from './status-fixture.js';

test('--pair-code takes the number as people write it and keeps the digits, country code first', () => {
  assert.deepEqual(parseHeadlessArgs(['--pair-code', '+44 7700 900123']), {
    kind: 'run', dataDir: null, phones: null, verbose: false, api: null, webhooks: [], pairCode: { number: '447700900123', phone: null },
  });
  assert.deepEqual(parseHeadlessArgs(['--pair-code', '+15550000001', '--phone', 'shop']), {
    kind: 'run', dataDir: null, phones: ['shop'], verbose: false, api: null, webhooks: [], pairCode: { number: '15550000001', phone: 'shop' },
  });
});

test('--pair-code refuses a number without country code, two phones, or a command, saying why', () => {
  assert.throws(() => parseHeadlessArgs(['--pair-code', '07700 900123']), (e: unknown) => e instanceof UsageError && /--pair-code: .*no country code/.test(e.message));
  assert.throws(() => parseHeadlessArgs(['--pair-code', '+15550000001', '--phone', 'a', '--phone', 'b']), /at most one --phone/);
  assert.throws(() => parseHeadlessArgs(['backup', '--pair-code', '+15550000001']), /only goes with a run/);
});

test('--pair-code alone reads the number from SESSION_KEEPER_PAIR_NUMBER, keeping it off the command line (ps); the flag\'s own number still wins', () => {
  const env = { SESSION_KEEPER_PAIR_NUMBER: '+44 7700 900123' };
  for (const argv of [['--pair-code'], ['--pair-code', '--phone', 'shop'], ['--pair-code=']]) {
    const cmd = parseHeadlessArgs(argv, env);
    assert.ok(cmd.kind === 'run' && cmd.pairCode?.number === '447700900123', `${argv.join(' ')}: ${JSON.stringify(cmd)}`);
  }
  assert.ok(parseHeadlessArgs(['--pair-code', '--phone', 'shop'], env).kind === 'run');
  const flag = parseHeadlessArgs(['--pair-code', '+15550000001'], env);
  assert.ok(flag.kind === 'run' && flag.pairCode?.number === '15550000001');
  assert.throws(() => parseHeadlessArgs(['--pair-code'], {}), (e: unknown) => e instanceof UsageError && /SESSION_KEEPER_PAIR_NUMBER/.test(e.message));
  assert.throws(() => parseHeadlessArgs(['--pair-code'], { SESSION_KEEPER_PAIR_NUMBER: '0770' }), /--pair-code: /);
  assert.equal(parseHeadlessArgs([], env).kind, 'run', 'the variable alone links nothing: only --pair-code asks for a code');
  assert.ok(!('pairCode' in parseHeadlessArgs([], env)));
});

test('the code is for the phone named, else the only one running', () => {
  assert.equal(pairCodeTarget({ number: '1', phone: null }, ['default']), 'default');
  assert.equal(pairCodeTarget({ number: '1', phone: 'shop' }, ['shop', 'home']), 'shop');
  assert.throws(() => pairCodeTarget({ number: '1', phone: null }, ['shop', 'home']), /name it with --phone/);
  assert.throws(() => pairCodeTarget({ number: '1', phone: 'bot' }, ['shop']), /no phone "bot" runs here/);
});

test('the terminal shows the code grouped 4-4, where to type it, and the time left', () => {
  const code = { code: 'ABCD1234', expiresAt: NOW + 158_000 };
  const text = formatPairingCode('default', code, NOW);
  assert.match(text, /^\s+ABCD-1234$/m);
  assert.match(text, /Linked devices → Link a device → Link with phone number instead/);
  assert.equal(formatCodeCountdown('default', code, NOW + 30_000), '[default] Code ABCD-1234 expires in 2:08.');
});

test('c asks for a new code in a run linking by number; elsewhere, or once linked, it says why not', () => {
  const states = new Map([['default', 'logged-out']]);
  assert.deepEqual(parseConsoleLine('c', states, 'default'), { kind: 'code', phone: 'default' });
  assert.match((parseConsoleLine('code', states) as { message: string }).message, /start it with --pair-code/);
  assert.match((parseConsoleLine('c', new Map([['default', 'open']]), 'default') as { message: string }).message, /no code needed/);
});

test('--pair-code on a phone already linked says to use another --phone id or --data-dir (the runner has no logout)', async () => {
  const printed: string[] = [];
  const keeper = {
    requestPairingCode: () => Promise.reject(new KeeperError('already-linked', 'Phone shop is already linked; log out first to link another phone.')),
  };
  new PairCodePrinter(keeper, 'shop', '+447700900123', (t) => printed.push(t)).request();
  await new Promise((r) => setImmediate(r));
  const refusal = printed.at(-1) ?? '';
  assert.match(refusal, /^\[shop\] no pairing code: phone "shop" is already linked here\. .*use another --phone id or another --data-dir/);
  assert.doesNotMatch(refusal, /log out/);
});
