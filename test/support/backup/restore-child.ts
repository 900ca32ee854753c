// Child for the restore crash test: restores the newest backup of one phone over its live session
// the way the backup manager does (restoreFirstUsable: a new synced, verified folder, then the
// swap that quarantines the old one) and says 'done' once that resolved. The test SIGKILLs it at
// random moments before that. argv: <data folder> <installation key hex> <phoneId>
import { join } from 'node:path';
import { LocalFolderTarget } from '../../../main/engine/backup/local-folder-target.js';
import { restoreFirstUsable } from '../../../main/engine/backup/restore-run.js';

const [dataDir = '', keyHex = '', phoneId = ''] = process.argv.slice(2);
const target = new LocalFolderTarget(dataDir);
const names = (await target.list(phoneId)).map((e) => e.name);
process.stdout.write('ready\n');
await restoreFirstUsable({
  target,
  port: {
    phoneId,
    sessionDir: join(dataDir, 'sessions', phoneId),
    status: () => ({ state: 'stopped', pairedAt: null, quarantinedTo: null }),
    withWriteLock: (fn) => fn(),
    withSessionStopped: (fn) => fn(),
    removedDevice: () => null,
    log: () => {},
    changed: () => {},
  },
  secret: { installationKey: Buffer.from(keyHex, 'hex') },
  names,
  chosen: false,
  quarantineRoot: join(dataDir, 'quarantine'),
  now: Date.now,
});
process.stdout.write('done\n');
