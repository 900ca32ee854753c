// Child process for the crash test: writes tagged key batches and creds in a tight loop until
// the parent SIGKILLs it. Every batch n sets SLOTS keys of several types, all tagged n, and
// either deletes or sets the sender-key-memory slots (by parity), so after any kill the parent
// can tell whether a batch landed whole. Creds carry the same n in two fields.
// argv: <session dir> <quarantine dir> <first batch number>
import { pathToFileURL } from 'node:url';
import type { SignalDataSet } from '@whiskeysockets/baileys';
import { openAuthStore } from '../../../main/engine/auth-store.js';

export const SLOTS = 6;

export function crashBatch(n: number): SignalDataSet {
  const data: Required<Pick<SignalDataSet, 'session' | 'device-list' | 'sender-key-memory' | 'app-state-sync-version'>> = {
    session: {},
    'device-list': {},
    'sender-key-memory': {},
    'app-state-sync-version': {},
  };
  for (let i = 0; i < SLOTS; i++) {
    data.session[`slot:${i}`] = Buffer.from(`batch ${n} slot ${i}`);
    data['device-list'][`slot${i}`] = [`${n}`, `${i}`];
    data['sender-key-memory'][`slot${i}`] = n % 2 === 0 ? { [`${n}@s.whatsapp.net`]: true } : null;
  }
  data['app-state-sync-version']['critical_block'] = { version: n, hash: Buffer.alloc(128, n % 256), indexValueMap: {} };
  return data;
}

async function main(): Promise<void> {
  const [dir, quarantineDir, first] = process.argv.slice(2);
  if (!dir || !quarantineDir || !first) throw new Error('usage: crash-writer <dir> <quarantineDir> <first batch>');
  const { store, quarantined } = await openAuthStore({ dir, quarantineDir });
  if (quarantined) {
    process.stdout.write(`quarantined ${quarantined.reason}\n`);
    process.exit(2);
  }
  process.stdout.write('ready\n');
  for (let n = Number(first); ; n++) {
    // Set both creds fields together (as Baileys' creds.update does) and save concurrently with
    // the batch, so the queue has to order them.
    store.state.creds.accountSyncCounter = n;
    store.state.creds.lastPropHash = `prop-${n}`;
    await Promise.all([store.state.keys.set(crashBatch(n)), store.saveCreds()]);
    process.stdout.write(`ack ${n}\n`);
  }
}

// Only run when spawned as a script; the test imports crashBatch from this file too.
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
