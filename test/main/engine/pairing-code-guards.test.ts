// A pairing code is never asked for while a restore replaces the session folder: opening the
// folder then would put a second store (and a registration socket) on files being swapped.
// Real PhoneSession, real Baileys against the WhatsApp test server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';
import { ManualClock } from '../../../main/engine/clock.js';
import { normalizePolicyConfig } from '../../../main/engine/disconnect-policy.js';
import { KeeperError } from '../../../main/engine/errors.js';
import { dataPaths } from '../../../main/engine/paths.js';
import { PhoneSession } from '../../../main/engine/phone-session.js';
import { installTestRoot, startWaServer, uninstallTestRoot } from '../../support/wa-server/index.js';
import { eventually } from '../../support/eventually.js';


test('while a restore holds the session folder, a pairing code request is refused with a clear message and opens nothing', async () => {
  installTestRoot();
  const server = await startWaServer({ phoneNumber: '15550000001' });
  const dataDir = await mkdtemp(join(tmpdir(), 'pair-guard-'));
  const paths = dataPaths(dataDir);
  const session = new PhoneSession({
    phone: { id: 'default' },
    paths,
    clock: new ManualClock(Date.UTC(2026, 11, 1, 12)),
    random: () => 0.5,
    socket: { waWebSocketUrl: server.url },
    policy: normalizePolicyConfig(),
    baileysLogger: pino({ level: 'silent' }) as unknown as ILogger,
    log: () => {},
    onStatus: () => {},
  });
  try {
    await session.start();
    await eventually(() => session.status().qr !== null, 'a QR');
    const connections = server.connections.length;
    await session.backupPort().withSessionStopped(async () => {
      await assert.rejects(
        session.requestPairingCode('+1 555 000 0001'),
        (err: unknown) => err instanceof KeeperError && err.code === 'restarting' && /being replaced \(a restore or an import\)/.test(err.message),
      );
      assert.deepEqual(await readdir(paths.session('default')).catch(() => []), [], 'the folder being replaced was not opened');
      assert.equal(server.connections.length, connections, 'no registration socket meanwhile');
    });
    // once the folder is back the same request goes through
    await eventually(() => session.status().qr !== null, 'a QR again');
    const code = await session.requestPairingCode('+1 555 000 0001');
    assert.match(code.code, /^[1-9A-HJ-NP-TV-Z]{8}$/);
  } finally {
    await session.stop();
    await server.close();
    uninstallTestRoot();
    await rm(dataDir, { recursive: true, force: true });
  }
});
