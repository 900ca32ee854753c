// What a person is asked before seeing the backup recovery key, and the printable sheet it is
// saved as. The sheet says what the key opens, who must not see it, and how to use it.
import { isoText } from './durations.js';

export const RECOVERY_KEY_SHOW_CONFIRM =
  'Show the backup recovery key? Anyone who has it and a backup file can take over your WhatsApp session. Make sure nobody is watching your screen.';

export const RECOVERY_KEY_SAVE_CONFIRM =
  'Save the backup recovery key to a text file? Print it or copy it somewhere offline, then delete the file: anyone who has it and a backup file can take over your WhatsApp session.';

export function recoveryKeySheet(key: string, now: number): string {
  return [
    'Session Keeper: backup recovery key',
    '',
    `    ${key}`,
    '',
    `Exported ${isoText(now)}.`,
    'This key opens the encrypted backups of the WhatsApp sessions this computer backs up with its',
    'installation key (not backups protected by a passphrase: the passphrase opens those).',
    '',
    'Anyone with this key and a backup file can take over the session. Keep this sheet offline',
    '(printed, or in a password manager) and delete the file once it is safe.',
    '',
    'To restore on another computer:',
    '  npm run headless -- restore --recovery-key <key>   (add --phone <id> for another phone)',
    '',
  ].join('\n');
}
