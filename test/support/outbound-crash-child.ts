// Child process for the outbound crash test: runs the outbound queue over a fake port whose
// every send is appended to a "wire" file (what reached WhatsApp), so the parent can SIGKILL it
// at a chosen moment and count what went out across restarts.
//   submit <dataDir> <wire> <hangText>: queue five messages; the send of <hangText> reaches the
//     wire and then never answers (the parent kills the process there)
//   resume <dataDir> <wire>: start again, wait until nothing is queued, print the records
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../../main/engine/clock.js';
import { OutboundQueue } from '../../main/engine/messaging/outbound-queue.js';
import type { SentMessage } from '../../main/engine/messaging/types.js';
import { parseKeepAliveSettings, parseOutboundSettings } from '../../main/engine/settings-schema.js';
import { FakeMessagingPort } from './fake-messaging-port.js';

const CRASH_NUMBERS = ['491555000100', '491555000101', '491555000102', '491555000103', '491555000104'];

const [mode, dataDir = '', wire = '', hangText = ''] = process.argv.slice(2);

class WirePort extends FakeMessagingPort {
  override async sendText(phoneId: string, to: string, text: string): Promise<SentMessage> {
    const sent = await super.sendText(phoneId, to, text);
    if (text === hangText) return new Promise<SentMessage>(() => {});
    return sent;
  }
}

const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
const now = Date.now();
// a sleep window that cannot cover the few seconds this runs
const keepAlive = parseKeepAliveSettings({ timeZone: 'UTC', sleepWindow: { start: hhmm(now + 6 * 3_600_000), end: hhmm(now + 7 * 3_600_000) }, reducedWindows: [] });
const outbound = parseOutboundSettings({ intervalSeconds: 1, burst: 1, perMinute: 60, composing: false, warmUpDays: 0, newChatsPerDay: 1000, chatGapSeconds: 0 });
if (!keepAlive.ok || !outbound.ok) throw new Error('settings');

const port = new WirePort({
  phoneIds: ['p1'],
  onWhatsApp: CRASH_NUMBERS,
  onSend: (s) => appendFileSync(wire, `${JSON.stringify({ text: s.text, waId: s.waId })}\n`),
});
const queue = new OutboundQueue({
  stateDir: (id) => join(dataDir, 'state', id),
  phoneIds: ['p1'],
  port,
  outbound: outbound.settings,
  keepAlive: keepAlive.settings,
  clock: systemClock,
  pairedAt: () => null,
  log: () => {},
});
await queue.start();
const idsFile = join(dataDir, 'ids.json');

if (mode === 'submit') {
  const ids: string[] = [];
  for (const [i, to] of CRASH_NUMBERS.entries()) ids.push((await queue.submit({ phoneId: 'p1', to, text: `m${i}` })).id);
  writeFileSync(idsFile, JSON.stringify(ids));
  process.stdout.write('queued\n');
  // runs until killed
} else {
  const ids = JSON.parse(readFileSync(idsFile, 'utf8')) as string[];
  const deadline = Date.now() + 20_000;
  while (ids.some((id) => queue.get('p1', id)?.state === 'queued') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await queue.stop();
  process.stdout.write(`${JSON.stringify(ids.map((id) => queue.get('p1', id)))}\n`);
}
