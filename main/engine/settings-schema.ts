// One schema for every keep-alive and anti-ban setting, so the tray, the settings file and the
// headless runner all reject the same bad input with the same sentence a person can act on.
import * as v from 'valibot';
import { isKnownZone, processZoneName } from './zone-clock.js';
import { finiteNumber, isUnknownKey, object, objectRules, oneOf } from './validation-parts.js';

export const INTERVAL_HOURS = { min: 6, max: 24, default: 12 } as const;
export const JITTER_PERCENT = { min: 0, max: 20, default: 10 } as const;
export const HOLD_SECONDS = { min: 0, max: 300, default: 20 } as const;
export const RECONNECT_BUDGET = { min: 1, max: 1000, default: 30 } as const;
export const STAGGER_MINUTES = { min: 0, max: 60, default: 5 } as const;
export const SLEEP_EXIT_SPREAD_MINUTES = { min: 0, max: 120, default: 30 } as const;

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "HH:MM" → minutes after local midnight, or null when malformed. */
export function parseHhMm(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = HH_MM.exec(text);
  if (!m) return null;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The machine's own IANA zone; falls back to UTC where Intl reports none. */
export function systemTimeZone(): string {
  // named without Intl where the system says it plainly (see zone-clock.ts for why)
  const named = processZoneName();
  if (named !== null) return named;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isKnownZone(zone) ? zone : 'UTC';
}

const show = (x: unknown): string => (typeof x === 'string' ? `'${x}'` : x === undefined ? 'nothing' : JSON.stringify(x) ?? String(x));

/** A number field whose every failure names the setting, the allowed range and what was given. */
function rangedNumber(label: string, unit: string, r: { min: number; max: number }, integer = false) {
  const fmt = (x: unknown) => (unit === '%' ? `${String(x)} %` : `${String(x)}`);
  return v.pipe(
    finiteNumber((iss) => `${label} must be a number of ${unit === '%' ? 'percent' : unit} (got ${show(iss.input)})`),
    v.check(
      (n) => n >= r.min && n <= r.max,
      (iss) =>
        unit === '%'
          ? `${label} must be between ${fmt(r.min)} and ${fmt(r.max)} (got ${fmt(iss.input)})`
          : `${label} must be between ${r.min} and ${r.max} ${unit} (got ${String(iss.input)})`,
    ),
    v.check((n) => !integer || Number.isInteger(n), (iss) => `${label} must be a whole number (got ${String(iss.input)})`),
  );
}

function timeOfDay(label: string) {
  return v.pipe(
    v.string((iss) => `${label} must be a time as HH:MM (got ${show(iss.input)})`),
    v.check((s) => parseHhMm(s) !== null, (iss) => `${label} must be a time as HH:MM between 00:00 and 23:59 (got ${show(iss.input)})`),
  );
}

function windowSchema(label: string) {
  return object(
    { start: timeOfDay(`${label} start`), end: timeOfDay(`${label} end`) },
    (iss) => `${label} must be { start: "HH:MM", end: "HH:MM" } (got ${show(iss.input)})`,
  );
}

export const DEFAULT_SLEEP_WINDOW = { start: '01:00', end: '06:00' } as const;
export const DEFAULT_REDUCED_WINDOWS = [
  { start: '23:00', end: '01:00' },
  { start: '06:00', end: '08:00' },
] as const;

const keepAliveFields = object({
  /** Hours between pulses, before jitter. */
  intervalHours: v.optional(rangedNumber('Keep-alive interval', 'hours', INTERVAL_HOURS), INTERVAL_HOURS.default),
  /** ± percent of the interval drawn at random for each pulse. */
  jitterPercent: v.optional(rangedNumber('Keep-alive jitter', '%', JITTER_PERCENT), JITTER_PERCENT.default),
  /** Seconds between presence 'available' and 'unavailable'; 0 = send both at once. */
  holdSeconds: v.optional(rangedNumber('Pulse hold', 'seconds', HOLD_SECONDS), HOLD_SECONDS.default),
  /** IANA zone the windows are read in; resolved to the system's zone when absent. */
  timeZone: v.optional(
    v.pipe(
      v.string((iss) => `Time zone must be an IANA name such as 'Asia/Jerusalem' (got ${show(iss.input)})`),
      v.check((s) => isKnownZone(s), (iss) => `Unknown time zone ${show(iss.input)}`),
    ),
    systemTimeZone,
  ),
  sleepWindow: v.optional(windowSchema('Sleep window'), () => ({ ...DEFAULT_SLEEP_WINDOW })),
  reducedWindows: v.optional(
    v.array(windowSchema('Reduced window'), (iss) => `Reduced windows must be a list of { start, end } (got ${show(iss.input)})`),
    () => DEFAULT_REDUCED_WINDOWS.map((w) => ({ ...w })),
  ),
  /** Connection attempts allowed per phone in any rolling hour. */
  reconnectBudgetPerHour: v.optional(rangedNumber('Reconnect budget', 'attempts per hour', RECONNECT_BUDGET, true), RECONNECT_BUDGET.default),
  /** Minimum distance between two phones' pulses. */
  staggerMinutes: v.optional(rangedNumber('Pulse stagger', 'minutes', STAGGER_MINUTES), STAGGER_MINUTES.default),
  /** A pulse pushed out of sleep lands at the sleep end plus up to this many minutes. */
  sleepExitSpreadMinutes: v.optional(rangedNumber('Sleep exit spread', 'minutes', SLEEP_EXIT_SPREAD_MINUTES), SLEEP_EXIT_SPREAD_MINUTES.default),
});

export const keepAliveSettingsSchema = v.optional(
  v.pipe(
    keepAliveFields,
    // Cross-field rules run even when a field failed, so a person sees every problem at once.
    objectRules<v.InferOutput<typeof keepAliveFields>>((s, add) => {
      const sleep = windowMinutes(s.sleepWindow);
      if (sleep && sleep.start === sleep.end) add(`Sleep window ${label(s.sleepWindow)} is empty`, ['sleepWindow']);
      const reduced = Array.isArray(s.reducedWindows) ? s.reducedWindows : [];
      reduced.forEach((w, i) => {
        const r = windowMinutes(w);
        if (!r) return;
        if (r.start === r.end) {
          add(`Reduced window ${label(w)} is empty`, ['reducedWindows', i]);
          return;
        }
        if (sleep && sleep.start !== sleep.end && overlaps(r, sleep)) {
          add(`Reduced window ${label(w)} overlaps the sleep window ${label(s.sleepWindow)}`, ['reducedWindows', i]);
        }
        for (let j = 0; j < i; j++) {
          const other = reduced[j];
          const o = windowMinutes(other);
          if (other && o && o.start !== o.end && overlaps(r, o)) {
            add(`Reduced window ${label(w)} overlaps the reduced window ${label(other)}`, ['reducedWindows', i]);
          }
        }
      });
    }, { evenWithWrongTypes: true }),
  ),
  () => ({}),
);

export type KeepAliveSettings = v.InferOutput<typeof keepAliveSettingsSchema>;
export type KeepAliveSettingsInput = v.InferInput<typeof keepAliveSettingsSchema>;
export type TimeWindow = KeepAliveSettings['sleepWindow'];

export interface SettingsProblem {
  /** dotted path of the offending field, e.g. `reducedWindows.0.start`; '' for the whole object */
  path: string;
  message: string;
}

export type ParseResult = { ok: true; settings: KeepAliveSettings } | { ok: false; problems: SettingsProblem[] };

export function parseKeepAliveSettings(input: unknown): ParseResult {
  const r = v.safeParse(keepAliveSettingsSchema, input);
  if (r.success) return { ok: true, settings: r.output };
  return { ok: false, problems: problemsFromIssues(r.issues) };
}

/**
 * Validation issues as problems pinned to dotted field paths: the one form every caller shows.
 * An unknown key is pinned to its object, not to itself (where zod pinned it).
 */
export function problemsFromIssues(issues: readonly v.BaseIssue<unknown>[]): SettingsProblem[] {
  return issues.map((iss) => {
    const path = (iss.path ?? []).map((p) => String(p.key));
    if (isUnknownKey(iss)) path.pop();
    return { path: path.join('.'), message: iss.message };
  });
}

/** Defaults with the system's time zone resolved now. */
export function defaultKeepAliveSettings(): KeepAliveSettings {
  return v.parse(keepAliveSettingsSchema, {});
}

/** "01:00–06:00" — the form every message uses. */
export function label(w: { start: string; end: string }): string {
  return `${w.start}–${w.end}`;
}

// Defensive: this also runs on objects whose fields failed validation.
function windowMinutes(w: unknown): { start: number; end: number } | null {
  if (typeof w !== 'object' || w === null) return null;
  const { start, end } = w as { start?: unknown; end?: unknown };
  const s = parseHhMm(start);
  const e = parseHhMm(end);
  return s === null || e === null ? null : { start: s, end: e };
}

/** Half-open [start, end) minute ranges on the 24 h circle; a window crossing midnight splits in two. */
function linearParts(w: { start: number; end: number }): Array<[number, number]> {
  return w.start < w.end ? [[w.start, w.end]] : [[w.start, 1440], [0, w.end]];
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return linearParts(a).some(([as, ae]) => linearParts(b).some(([bs, be]) => as < be && bs < ae));
}

// ---------------------------------------------------------------------------------------------
// Outbound messages: the anti-ban gate's limits. No official numbers exist (vendor guesses are
// ~80 messages/h and 7–14 days of warm-up), so the defaults are well below them.

export const SEND_INTERVAL_SECONDS = { min: 1, max: 600, default: 4 } as const;
export const SEND_BURST = { min: 1, max: 20, default: 1 } as const;
export const SENDS_PER_MINUTE = { min: 1, max: 60, default: 20 } as const;
export const CHAT_GAP_SECONDS = { min: 0, max: 3600, default: 10 } as const;
export const NEW_CHATS_PER_DAY = { min: 0, max: 1000, default: 15 } as const;
export const WARM_UP_DAYS = { min: 0, max: 60, default: 10 } as const;
export const WARM_UP_FIRST_DAY = { min: 1, max: 10_000, default: 30 } as const;
export const COMPOSING_MS_PER_CHAR = { min: 0, max: 1000, default: 40 } as const;
export const COMPOSING_MAX_SECONDS = { min: 0, max: 60, default: 8 } as const;
export const FAILURES_BEFORE_STOP = { min: 1, max: 100, default: 2 } as const;
export const KEEP_RECORDS_DAYS = { min: 1, max: 365, default: 30 } as const;

export const outboundSettingsSchema = v.optional(
  object({
    /** Token bucket per phone: one token every this many seconds… */
    intervalSeconds: v.optional(rangedNumber('Send interval', 'seconds', SEND_INTERVAL_SECONDS), SEND_INTERVAL_SECONDS.default),
    /** …holding at most this many (messages that may go back to back after a quiet spell). */
    burst: v.optional(rangedNumber('Send burst', 'messages', SEND_BURST, true), SEND_BURST.default),
    /** Messages per phone in any rolling minute. */
    perMinute: v.optional(rangedNumber('Sends per minute', 'messages', SENDS_PER_MINUTE, true), SENDS_PER_MINUTE.default),
    /** Minimum time between two messages to the same chat. */
    chatGapSeconds: v.optional(rangedNumber('Gap per chat', 'seconds', CHAT_GAP_SECONDS), CHAT_GAP_SECONDS.default),
    /** Chats the account never talked to that may be started in any rolling 24 hours. */
    newChatsPerDay: v.optional(rangedNumber('New chats per day', 'chats', NEW_CHATS_PER_DAY, true), NEW_CHATS_PER_DAY.default),
    /** Inside the sleep window: hold messages until it ends, or refuse them. */
    inSleepWindow: v.optional(
      oneOf(['hold', 'refuse'], (iss) => `In the sleep window must be 'hold' or 'refuse' (got ${show(iss.input)})`),
      'hold',
    ),
    /** A freshly linked number: days of ramp from its link (0 = no warm-up)… */
    warmUpDays: v.optional(rangedNumber('Warm-up', 'days', WARM_UP_DAYS, true), WARM_UP_DAYS.default),
    /** …and the messages allowed on its first day; day n allows n times as many. */
    warmUpFirstDay: v.optional(rangedNumber('Warm-up first day', 'messages', WARM_UP_FIRST_DAY, true), WARM_UP_FIRST_DAY.default),
    /** Show "typing…" before each message, for a time that grows with the text. */
    composing: v.optional(
      v.boolean((iss) => `Composing must be true or false (got ${show(iss.input)})`),
      true,
    ),
    composingMsPerChar: v.optional(rangedNumber('Composing time per character', 'ms', COMPOSING_MS_PER_CHAR), COMPOSING_MS_PER_CHAR.default),
    composingMaxSeconds: v.optional(rangedNumber('Longest composing', 'seconds', COMPOSING_MAX_SECONDS), COMPOSING_MAX_SECONDS.default),
    /** Messages the server refuses (in any rolling 24 hours) before sending stops until a person resumes it. */
    failuresBeforeStop: v.optional(rangedNumber('Refusals before stop', 'messages', FAILURES_BEFORE_STOP, true), FAILURES_BEFORE_STOP.default),
    /** Message records older than this are forgotten. */
    keepRecordsDays: v.optional(rangedNumber('Keep message records', 'days', KEEP_RECORDS_DAYS, true), KEEP_RECORDS_DAYS.default),
  }),
  () => ({}),
);

export type OutboundSettings = v.InferOutput<typeof outboundSettingsSchema>;
export type OutboundSettingsInput = v.InferInput<typeof outboundSettingsSchema>;

export type OutboundParseResult = { ok: true; settings: OutboundSettings } | { ok: false; problems: SettingsProblem[] };

export function parseOutboundSettings(input: unknown): OutboundParseResult {
  const r = v.safeParse(outboundSettingsSchema, input);
  if (r.success) return { ok: true, settings: r.output };
  return { ok: false, problems: problemsFromIssues(r.issues) };
}
