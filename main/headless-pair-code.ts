// `npm run headless -- --pair-code +<number>`: asks for a pairing code instead of showing QR
// codes, prints it, and reminds of the time left every 30 s until the phone types it or it expires.
import type { Keeper } from './engine/keeper.js';
import { UsageError, type PairCodeRequest } from './headless-args.js';
import { formatCodeCountdown, formatPairingCode } from './headless-format.js';
import type { PhoneStatus } from './engine/types.js';
import { KeeperError } from './engine/errors.js';

const REMIND_EVERY_MS = 30_000;

/** The phone the code is for: the one named, else the only one running. */
export function pairCodeTarget(request: PairCodeRequest, running: string[]): string {
  if (request.phone !== null) {
    if (!running.includes(request.phone)) throw new UsageError(`--pair-code: no phone "${request.phone}" runs here (${running.join(', ')}).`);
    return request.phone;
  }
  const [only, ...more] = running;
  if (only === undefined || more.length > 0) throw new UsageError(`--pair-code links one phone; name it with --phone (running: ${running.join(', ')}).`);
  return only;
}

/** The engine's refusal in the runner's terms: it has no logout command, so "log out first" would lead nowhere. */
function refusalText(phoneId: string, err: unknown): string {
  if (err instanceof KeeperError && err.code === 'already-linked') {
    return `phone "${phoneId}" is already linked here. To link another WhatsApp number, use another --phone id or another --data-dir.`;
  }
  return (err as Error).message;
}

export class PairCodePrinter {
  private shown: string | null = null;
  private reminder: NodeJS.Timeout | null = null;

  constructor(
    private readonly keeper: Pick<Keeper, 'requestPairingCode'>,
    readonly phoneId: string,
    private readonly number: string,
    private readonly print: (text: string) => void,
  ) {}

  /** Asks WhatsApp for a (new) code; a refusal is printed, the run goes on. */
  request(): void {
    this.print(`[${this.phoneId}] asking WhatsApp for a pairing code…`);
    // the parsed digits are country code first: the + says so to the engine's own check
    this.keeper.requestPairingCode(this.phoneId, `+${this.number}`).catch((err: unknown) => this.print(`[${this.phoneId}] no pairing code: ${refusalText(this.phoneId, err)}`));
  }

  /** Prints each new code once, then its countdown every 30 s while it lives. */
  onStatus(s: PhoneStatus): void {
    if (s.phoneId !== this.phoneId) return;
    const code = s.pairingCode ?? null;
    if (code === null) {
      this.stopReminding();
      this.shown = null;
      return;
    }
    if (this.shown === code.code) return;
    this.shown = code.code;
    this.print(formatPairingCode(this.phoneId, code, Date.now()));
    this.stopReminding();
    this.reminder = setInterval(() => {
      if (code.expiresAt > Date.now()) this.print(formatCodeCountdown(this.phoneId, code, Date.now()));
      else this.stopReminding();
    }, REMIND_EVERY_MS);
    // a reminder never keeps the process alive on its own
    this.reminder.unref();
  }

  private stopReminding(): void {
    if (this.reminder) clearInterval(this.reminder);
    this.reminder = null;
  }
}
