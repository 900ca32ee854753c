// Child for the restore crash test: restores one sealed backup into a new folder and says
// 'done' once restoreBackup resolved. The test SIGKILLs it at random moments before that.
// argv: <backup file> <installation key hex> <dest> <phoneId> <createdAt>
import { readFile } from 'node:fs/promises';
import { restoreBackup } from '../../../main/engine/backup/restore.js';

const [file, keyHex, dest, phoneId, createdAt] = process.argv.slice(2);
const bytes = await readFile(file ?? '');
process.stdout.write('ready\n');
await restoreBackup(bytes, { installationKey: Buffer.from(keyHex ?? '', 'hex') }, dest ?? '', { binding: { phoneId: phoneId ?? '', createdAt: Number(createdAt) } });
process.stdout.write('done\n');
