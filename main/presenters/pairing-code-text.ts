// How a pairing code is written for people: on screen, in the terminal, for a screen reader.

/** The code as WhatsApp shows it: two groups of four, e.g. `ABCD-EFGH`. */
export function groupedCode(code: string): string {
  return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

/** Spelled out, one character at a time: "A B C D, E F G H". */
export function spokenCode(code: string): string {
  return groupedCode(code).split('-').map((group) => [...group].join(' ')).join(', ');
}
