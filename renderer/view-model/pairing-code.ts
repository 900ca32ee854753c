// Status → what the "Link with phone number" tab shows: the code grouped as WhatsApp shows it,
// its countdown, and whether it ran out. Pure, so the words are unit-tested in Node.
import { countdownText } from '../../main/presenters/durations.js';
import { groupedCode, spokenCode } from '../../main/presenters/pairing-code-text.js';
import type { PhoneStatus } from '../../main/engine/types.js';

export interface PairingCodeModel {
  /** "ABCD-EFGH", or null while there is no live code */
  code: string | null;
  /** the code spelled out for a screen reader: "A B C D, E F G H" */
  spoken: string | null;
  /** "2:31" left, null without a live code */
  countdown: string | null;
}

export const NO_CODE: PairingCodeModel = { code: null, spoken: null, countdown: null };

export function pairingCodeModel(s: Pick<PhoneStatus, 'pairingCode'>, now: number): PairingCodeModel {
  const pending = s.pairingCode ?? null;
  if (pending === null || pending.expiresAt <= now) return NO_CODE;
  return {
    code: groupedCode(pending.code),
    spoken: spokenCode(pending.code),
    countdown: countdownText(pending.expiresAt - now),
  };
}
