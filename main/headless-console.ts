// Commands typed into a running headless runner (one per line): a QR code expires after a few
// minutes, and the status line then says to show a new one — this is how.
export const CONSOLE_HINT = 'Type r and Enter for a new QR code (qr <phone> for one phone, h for help).';

export const CONSOLE_HELP = `Commands:
  r, qr          a new QR code for every phone that is not connected
  qr <phone>     a new QR code for that phone
  c, code        a new pairing code (runs started with --pair-code)
  resume <phone> send again after WhatsApp refused messages (sending stopped)
  h, help        this list`;

function codeRunRefusal(phone: string): string {
  return `Phone "${phone}" links by pairing code in this run (no QR code is shown for it): type c for a new code.`;
}

/** Said instead of CONSOLE_HINT when the run links by phone number. */
export const CODE_HINT = 'Type c and Enter for a new pairing code once this one expires (h for help).';

export type ConsoleCommand =
  | { kind: 'none' }
  | { kind: 'help' }
  | { kind: 'qr'; phones: string[] }
  | { kind: 'resume-sending'; phone: string }
  | { kind: 'code'; phone: string }
  | { kind: 'refused'; message: string };

/**
 * A typed line, given each running phone's state (phone id → PhoneStatus.state) and the phone
 * that links by phone number (--pair-code), if any.
 */
export function parseConsoleLine(line: string, states: ReadonlyMap<string, string>, codePhone: string | null = null): ConsoleCommand {
  const [word, ...args] = line.trim().split(/\s+/).filter(Boolean);
  if (word === undefined) return { kind: 'none' };
  const cmd = word.toLowerCase();
  if (cmd === 'h' || cmd === 'help' || cmd === '?') return { kind: 'help' };
  if (cmd === 'c' || cmd === 'code') {
    if (codePhone === null) return { kind: 'refused', message: 'This run shows QR codes; start it with --pair-code +<number> to link by phone number.' };
    if (states.get(codePhone) === 'open') return { kind: 'refused', message: `Phone "${codePhone}" is linked and connected: no code needed.` };
    return { kind: 'code', phone: codePhone };
  }
  if (cmd === 'resume') {
    // lifting a stop is a person's deliberate choice about one phone: never all at once
    const [phone, ...rest] = args;
    if (phone === undefined || rest.length > 0) return { kind: 'refused', message: 'resume takes exactly one phone: resume <phone>.' };
    if (!states.has(phone)) return { kind: 'refused', message: `No phone "${phone}" is running here (${[...states.keys()].join(', ')}).` };
    return { kind: 'resume-sending', phone };
  }
  if (cmd !== 'r' && cmd !== 'qr') return { kind: 'refused', message: `Unknown command "${word}". ${CONSOLE_HINT}` };
  if (args.length > 1) return { kind: 'refused', message: 'qr takes at most one phone.' };
  const [phone] = args;
  if (phone !== undefined) {
    const state = states.get(phone);
    if (state === undefined) return { kind: 'refused', message: `No phone "${phone}" is running here (${[...states.keys()].join(', ')}).` };
    if (state === 'open') return { kind: 'refused', message: `Phone "${phone}" is linked and connected: no QR code needed.` };
    if (phone === codePhone) return { kind: 'refused', message: codeRunRefusal(phone) };
    return { kind: 'qr', phones: [phone] };
  }
  const waiting = [...states].filter(([, state]) => state !== 'open').map(([id]) => id);
  // asking for a QR would cancel the live pairing code, and this run never shows that phone a QR
  const phones = waiting.filter((id) => id !== codePhone);
  if (phones.length === 0 && codePhone !== null && waiting.includes(codePhone)) return { kind: 'refused', message: codeRunRefusal(codePhone) };
  if (phones.length === 0) return { kind: 'refused', message: 'Every phone is linked and connected: no QR code needed.' };
  return { kind: 'qr', phones };
}
