// Baileys' own logger is silent by default (noisy, and its objects can hold key material). A few
// of its warnings matter to a person, though: those are lifted into our event log by message,
// with only the fields named here — never the whole object.
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';

interface Lifted {
  /** matched against the start of Baileys' message */
  prefix: string;
  event: string;
  /** the fields of Baileys' object that may be logged */
  fields: readonly string[];
}

const LIFTED: readonly Lifted[] = [
  // our patch (patches/): the server's certificate is outside its dates — connect, but say so
  { prefix: 'noise certificate outside its validity period', event: 'server.certificate-dates', fields: ['certificate', 'notBefore', 'notAfter', 'now'] },
];

export type LiftedWarning = (event: string, message: string, data: Record<string, unknown>) => void;

/** A logger for one phone's socket: everything goes to `inner`; listed warnings also to `lift`. */
export function liftBaileysWarnings(inner: ILogger, lift: LiftedWarning): ILogger {
  const pick = (obj: unknown, fields: readonly string[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (obj && typeof obj === 'object') for (const f of fields) if (f in obj) out[f] = (obj as Record<string, unknown>)[f];
    return out;
  };
  const wrap = (base: ILogger): ILogger => ({
    get level() {
      return base.level;
    },
    set level(value: string) {
      base.level = value;
    },
    child: (bindings) => wrap(base.child(bindings)),
    trace: (obj, msg) => base.trace(obj, msg),
    debug: (obj, msg) => base.debug(obj, msg),
    info: (obj, msg) => base.info(obj, msg),
    warn: (obj, msg) => {
      base.warn(obj, msg);
      const text = typeof obj === 'string' ? obj : (msg ?? '');
      const rule = LIFTED.find((r) => text.startsWith(r.prefix));
      if (rule) lift(rule.event, text, pick(obj, rule.fields));
    },
    error: (obj, msg) => base.error(obj, msg),
  });
  return wrap(inner);
}
