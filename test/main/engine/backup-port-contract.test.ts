// One contract for what the backup manager is given per phone, run against the real
// PhoneSession (real Baileys against the WhatsApp test server) and against the fake port the
// backup-manager tests use, so the fake cannot drift from the real thing. The seam it guards:
// "was the phone running?" decides whether a restore connects again.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';
import { BackupManager, type BackupPhonePort } from '../../../main/engine/backup/backup-manager.js';
import { keyFileSecretProvider, installationKeyPath } from '../../../main/engine/backup/key-store.js';
import { LocalFolderTarget } from '../../../main/engine/backup/local-folder-target.js';
import { ManualClock } from '../../../main/engine/clock.js';
import { normalizePolicyConfig } from '../../../main/engine/disconnect-policy.js';
import { KeeperError } from '../../../main/engine/errors.js';
import { dataPaths } from '../../../main/engine/paths.js';
import { PhoneSession } from '../../../main/engine/phone-session.js';
import type { PhoneStatus } from '../../../main/engine/types.js';
import { installTestRoot, startWaServer, uninstallTestRoot } from '../../support/wa-server/index.js';
import { TestPort } from './backup/backup-manager-fixture.js';
import { writeBaileysSession } from './backup/session-fixture.js';
import { eventually } from '../../support/eventually.js';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

/** A phone behind a backup port, linked and connected when handed over. */
interface PortSubject {
  port: BackupPhonePort;
  dataDir: string;
  clock: ManualClock;
  /** the user stops the phone */
  stop(): Promise<void>;
  /** the user logs out and WhatsApp confirms: the device is removed */
  logout(): Promise<void>;
  /** the session files become unusable: the phone needs a new link, its backups still link */
  loseSession(): Promise<void>;
  /** resolves once the phone is connected again */
  waitConnected(): Promise<void>;
  close(): Promise<void>;
}

type Factory = () => Promise<PortSubject>;


async function realSession(): Promise<PortSubject> {
  installTestRoot();
  const server = await startWaServer({});
  const dataDir = await mkdtemp(join(tmpdir(), 'port-contract-real-'));
  const clock = new ManualClock(T0);
  let last: PhoneStatus | null = null;
  const session = new PhoneSession({
    phone: { id: 'default' },
    paths: dataPaths(dataDir),
    clock,
    random: () => 0.5,
    socket: { waWebSocketUrl: server.url },
    policy: normalizePolicyConfig(),
    baileysLogger: pino({ level: 'silent' }) as unknown as ILogger,
    log: () => {},
    onStatus: (s) => {
      last = s;
    },
  });
  const state = (): PhoneStatus | null => last;
  await session.start();
  await eventually(() => state()?.qr != null, 'a QR');
  await server.phone.scan(state()?.qr ?? '');
  await eventually(() => state()?.state === 'open', 'the first open');
  return {
    port: session.backupPort(),
    dataDir,
    clock,
    stop: () => session.stop(),
    logout: () => session.logout(),
    async loseSession() {
      await session.stop();
      await writeFile(join(dataPaths(dataDir).session('default'), 'creds.json'), '{"noiseKey":');
      await session.start();
    },
    waitConnected: () => eventually(() => session.status().state === 'open', 'open'),
    async close() {
      await session.stop();
      await server.close();
      uninstallTestRoot();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function fakePort(): Promise<PortSubject> {
  const dataDir = await mkdtemp(join(tmpdir(), 'port-contract-fake-'));
  const clock = new ManualClock(T0);
  const paths = dataPaths(dataDir);
  await writeBaileysSession(paths.session('default'), 12);
  const port = new TestPort('default', paths.session('default'), paths, clock);
  await port.openStore();
  return {
    port,
    dataDir,
    clock,
    stop: () => port.stop(),
    logout: () => port.logout(),
    loseSession: () => port.unlink(),
    waitConnected: () => eventually(() => port.status().state === 'open', 'open'),
    async close() {
      await port.store?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The manager the keeper would make, with every withSessionStopped counted. */
async function managerFor(s: PortSubject): Promise<{ manager: BackupManager; stops: () => number }> {
  let stops = 0;
  const p = s.port;
  const counted: BackupPhonePort = {
    phoneId: p.phoneId,
    sessionDir: p.sessionDir,
    status: () => p.status(),
    withWriteLock: (fn) => p.withWriteLock(fn),
    withSessionStopped: (fn) => {
      stops += 1;
      return p.withSessionStopped(fn);
    },
    adoptRestored: (info) => p.adoptRestored?.(info) ?? Promise.resolve(),
    removedDevice: (me) => p.removedDevice(me),
    log: (level, event, message, data) => p.log(level, event, message, data),
    changed: () => p.changed(),
  };
  const manager = new BackupManager({
    target: new LocalFolderTarget(s.dataDir),
    secret: keyFileSecretProvider({ keyFile: installationKeyPath(s.dataDir) }),
    paths: dataPaths(s.dataDir),
    appVersion: 'contract',
    clock: s.clock,
  });
  await manager.register(counted);
  return { manager, stops: () => stops };
}

function backupPortContract(name: string, make: Factory): void {
  describe(`the backup port contract: ${name}`, () => {
    const withSubject = (fn: (s: PortSubject) => Promise<void>) => async () => {
      const s = await make();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    };

    test('a running phone is not connected while its folder is replaced, and connects again after', withSubject(async (s) => {
      let during: string | null = null;
      const out = await s.port.withSessionStopped(async () => {
        during = s.port.status().state;
        return 'done';
      });
      assert.equal(out, 'done');
      assert.notEqual(during, 'open');
      await s.waitConnected();
    }));

    test('a phone the user stopped stays stopped after its folder is replaced', withSubject(async (s) => {
      await s.stop();
      let ran = false;
      await s.port.withSessionStopped(async () => {
        ran = true;
      });
      assert.ok(ran);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(s.port.status().state, 'stopped');
    }));

    test('when the replacement fails, the error comes back and a running phone connects again', withSubject(async (s) => {
      await assert.rejects(
        s.port.withSessionStopped(async () => {
          throw new Error('swap failed');
        }),
        /swap failed/,
      );
      await s.waitConnected();
    }));

    test('a phone that needs a new link connects again after a restore, keeping its session age', withSubject(async (s) => {
      const { manager, stops } = await managerFor(s);
      try {
        const pairedAt = s.port.status().pairedAt;
        assert.equal((await manager.backupNow(s.port.phoneId)).outcome, 'uploaded');
        await s.loseSession();
        assert.equal(s.port.status().state, 'logged-out');
        await manager.restore(s.port.phoneId);
        assert.equal(stops(), 1);
        await s.waitConnected();
        assert.equal(s.port.status().pairedAt, pairedAt);
      } finally {
        await manager.stop();
      }
    }));

    test('after a logout WhatsApp confirmed, a restore is refused before anything is stopped', withSubject(async (s) => {
      const { manager, stops } = await managerFor(s);
      try {
        assert.equal((await manager.backupNow(s.port.phoneId)).outcome, 'uploaded');
        await s.logout();
        await assert.rejects(
          manager.restore(s.port.phoneId),
          (err: unknown) => err instanceof KeeperError && err.code === 'restore-refused' && err.message.includes('when you logged out on 2026-11-27'),
        );
        assert.equal(stops(), 0);
        assert.equal(s.port.status().state, 'logged-out');
      } finally {
        await manager.stop();
      }
    }));
  });
}

backupPortContract('the real PhoneSession', realSession);
backupPortContract("the backup tests' fake port", fakePort);
