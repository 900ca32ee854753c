// Child process for the webhook crash test: the local API over the fake messaging port and the real gate,
// with one webhook. Each stdin line `receive <text>` is an incoming message; once its event is
// in the outbox the child prints `queued <event id>`. The parent SIGKILLs it whenever it likes.
// argv: <api dir> <webhook url> <webhook secret>
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { createKeeper } from '../../main/engine/keeper.js';
import { startLocalApi } from '../../main/api/local-api.js';
import { NOON_TODAY, ShiftedClock, startOutbound } from './api-under-test.js';
import { FakeMessagingPort } from './fake-messaging-port.js';

const [dir, url, secret] = process.argv.slice(2);
if (!dir || !url || !secret) throw new Error('usage: api-webhook-child <dir> <webhook url> <secret>');
const keeper = createKeeper({ dataDir: join(dir, 'data'), phones: [{ id: 'default' }], backup: false });
const port = new FakeMessagingPort({ phoneIds: ['default'], onWhatsApp: [] });
const api = await startLocalApi({
  port: 0,
  token: () => 'child-token-0123456789',
  dir: join(dir, 'api'),
  keeper,
  messaging: port,
  outbound: await startOutbound({ port, phoneIds: ['default'], dir: join(dir, 'outbound'), clock: new ShiftedClock(NOON_TODAY) }),
  webhooks: [{ id: 'bot', url, secret }],
  webhookOptions: { retryBaseMs: 50, retryMaxMs: 200 },
});
api.events.journal.on('event', (e) => process.stdout.write(`queued ${e.id}\n`));
createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, ...text] = line.split(' ');
  if (cmd === 'receive') port.receive('default', '15551230001', text.join(' '));
});
process.stdout.write('ready\n');
