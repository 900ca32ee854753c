// What a backup passphrase must be. Anyone holding a backup file can guess offline, so length
// is what counts: 12 characters (a few unrelated words) with scrypt 2^17 puts guessing out of
// reach, while "password1" falls in minutes. One sentence per problem, shown where it is typed
// (the window's Secrets field) and where it is read (SESSION_KEEPER_BACKUP_PASSPHRASE).
export const MIN_PASSPHRASE_CHARS = 12;
const MIN_DISTINCT_CHARS = 5;

/** Why this passphrase is refused, or null when it is acceptable. */
export function passphraseProblem(passphrase: string): string | null {
  const chars = [...passphrase.normalize('NFC')];
  if (chars.length < MIN_PASSPHRASE_CHARS) {
    return `The backup passphrase needs at least ${MIN_PASSPHRASE_CHARS} characters (this one has ${chars.length}); a few unrelated words work well.`;
  }
  if (new Set(chars.map((c) => c.toLowerCase())).size < MIN_DISTINCT_CHARS) {
    return `The backup passphrase repeats too few different characters (at least ${MIN_DISTINCT_CHARS} are needed); a few unrelated words work well.`;
  }
  return null;
}
