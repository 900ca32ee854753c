// The one rule for phone ids. An id names the phone's session folder, its log file and its
// backup object keys, so only characters safe in all of them. Runtime-neutral: the settings
// schema, the IPC contract and the renderer use it too.
import { KeeperError } from './errors.js';

export const PHONE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isPhoneId(id: unknown): id is string {
  return typeof id === 'string' && PHONE_ID_PATTERN.test(id);
}

/** The sentence every place shows for a bad id. */
export function phoneIdProblem(id: unknown): string {
  return `Phone id ${JSON.stringify(id)} is not valid: use 1–64 letters, digits, "-" or "_".`;
}

export class InvalidPhoneIdError extends KeeperError {
  constructor(id: string) {
    super('invalid-input', phoneIdProblem(id));
    this.name = 'InvalidPhoneIdError';
  }
}

export function assertPhoneId(id: string): void {
  if (!isPhoneId(id)) throw new InvalidPhoneIdError(id);
}
