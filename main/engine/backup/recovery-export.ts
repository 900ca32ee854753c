// Which recovery key to hand a person, or why none. A key is only worth writing down if it
// opens the backups that exist, so the newest generation decides: made with a passphrase →
// "your passphrase is what restores it"; made with another key → refuse rather than print a
// key that opens nothing. Never creates a key.
import { readHeader, secretOpens } from './envelope.js';
import { BackupError } from './errors.js';
import { formatRecoveryKey } from './recovery-key.js';

export interface RecoveryKeyFacts {
  /** the key file's key, or null when there is none */
  key: Buffer | null;
  /** a backup passphrase is set: new generations use it, not the key */
  passphraseSet: boolean;
  /** the newest generation across phones, or null when there is none (or no target) */
  newest: { name: string; bytes: Buffer } | null;
}

/** The recovery-key text, or BackupError('no-recovery-key' | 'key-missing') saying why not. */
export async function recoveryKeyFor(facts: RecoveryKeyFacts, keyFile: string): Promise<string> {
  const refuse = (why: string): never => {
    throw new BackupError('no-recovery-key', why);
  };
  if (facts.newest) {
    const { name, bytes } = facts.newest;
    if (readHeader(bytes).header.kdf.name === 'scrypt') {
      refuse(`the newest backup (${name}) is protected by your backup passphrase: the passphrase is what restores it, so keep that safe instead`);
    }
    if (!facts.key) {
      throw new BackupError('key-missing', `the newest backup (${name}) was made with an installation key, but ${keyFile} is missing: only the recovery key you wrote down then can open it`);
    }
    if (!(await secretOpens(bytes, { installationKey: facts.key }))) {
      refuse(`the key on this computer does not open the newest backup (${name}), which was made with another key: its recovery key is the one you wrote down then`);
    }
    return formatRecoveryKey(facts.key);
  }
  if (facts.passphraseSet) refuse('backups use your backup passphrase: the passphrase is what restores them, so there is no recovery key to write down');
  if (!facts.key) return refuse('there is no backup key yet: it is made with the first backup, export it after that');
  return formatRecoveryKey(facts.key);
}
