// Child process for the "stopping never hangs" test: pairs a phone against a server that
// reports no pre-keys (so Baileys uploads them, arming its 30 s upload timer) and then goes
// silent (so queries stay in flight), stops everything, and prints what still keeps the event
// loop alive. The parent asserts that no timer is left.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeeper } from '../../main/engine/keeper.js';
import { installTestRoot, startWaServer, uninstallTestRoot } from './wa-server/index.js';

installTestRoot();
const server = await startWaServer({ preKeysOnServer: 0 });
const dataDir = await mkdtemp(join(tmpdir(), 'no-hang-'));
const keeper = createKeeper({ dataDir, phones: [{ id: 'default' }], socket: { waWebSocketUrl: server.url } });
let silenced = false;
const opened = new Promise<void>((resolve) => {
  keeper.on('status', (s) => {
    if (s.state === 'waiting-for-scan' && s.qr) void server.phone.scan(s.qr);
    if (s.state === 'open') resolve();
  });
});
await keeper.start();
await opened;
const conn = server.connections.find((c) => c.state === 'logged-in' && c.closedAt === undefined);
if (conn) {
  server.setSilent(conn);
  silenced = true;
}
// let Baileys send a few queries into the silence
await new Promise((r) => setTimeout(r, 300));
await keeper.stop();
await server.close();
uninstallTestRoot();
await rm(dataDir, { recursive: true, force: true });
await new Promise((r) => setImmediate(r));
process.stdout.write(`${JSON.stringify({ silenced, resources: process.getActiveResourcesInfo() })}\n`);
