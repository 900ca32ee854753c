// Offsets and local calendar fields of an IANA zone at an instant. UTC and the process's own zone
// are answered by `Date`, which needs no `Intl`: the first `Intl.DateTimeFormat` a process builds
// loads ICU's locale and zone data, ~8 MiB of RSS (1.7 anonymous + 6.5 file-backed) that an engine
// resting in its own zone has no use for. Every other zone goes through luxon, loaded on its first
// use: an engine resting in UTC or its own zone never loads it (~0.7 MiB RSS, 0.5 MiB of heap).
// The settings form in the renderer loads this file too: there is no `process` there, and it only
// asks isKnownZone, which needs no luxon.
import type * as Luxon from 'luxon';

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/UCT', 'Etc/Universal', 'Etc/Zulu', 'UCT', 'Universal', 'Zulu']);
// An Area/Location name (or UTC) — not a POSIX rule such as "EST5EDT" or a path to a file.
const IANA_NAME = /^(UTC|[A-Z][A-Za-z_-]+(\/[A-Za-z0-9_+-]+)+)$/;

let linkedZone: string | null | undefined;

interface NodeProcess {
  env: Record<string, string | undefined>;
  getBuiltinModule?: {
    (id: 'node:fs'): { readlinkSync(path: string): string } | undefined;
    (id: 'node:module'): { createRequire(from: string): (id: string) => unknown } | undefined;
  };
}
const nodeProcess = (globalThis as { process?: NodeProcess }).process;

let luxonModule: typeof Luxon | undefined;

/** luxon, required on first use (its CommonJS build: a synchronous load, so the callers stay synchronous). */
export function luxon(): typeof Luxon {
  if (luxonModule === undefined) {
    const createRequire = nodeProcess?.getBuiltinModule?.('node:module')?.createRequire;
    if (!createRequire) throw new Error('luxon is loaded on demand in Node only');
    luxonModule = createRequire(import.meta.url)('luxon') as typeof Luxon;
  }
  return luxonModule;
}

/** /etc/localtime → …/zoneinfo/Area/City (Linux, macOS), read once: the file ICU and Date use when TZ is unset. */
function localtimeLink(): string | null {
  if (linkedZone === undefined) {
    try {
      const fs = nodeProcess?.getBuiltinModule?.('node:fs');
      const m = fs ? /zoneinfo\/(.+)$/.exec(fs.readlinkSync('/etc/localtime')) : null;
      linkedZone = m?.[1] ?? null;
    } catch {
      linkedZone = null;
    }
  }
  return linkedZone;
}

/**
 * The IANA name of the zone `Date` computes local time in, found without `Intl` (TZ, else the
 * /etc/localtime link), or null where neither names one (Windows, a POSIX TZ rule).
 * UTC's aliases read as 'UTC', the name `Intl` reports for them.
 */
export function processZoneName(): string | null {
  if (nodeProcess === undefined) return null;
  const tz = nodeProcess.env.TZ;
  const name = tz !== undefined && tz !== '' ? tz.replace(/^:/, '') : localtimeLink();
  if (name === null || !IANA_NAME.test(name)) return null;
  return UTC_NAMES.has(name) ? 'UTC' : name;
}

type Kind = 'utc' | 'process' | 'other';

function kindOf(zone: string): Kind {
  if (UTC_NAMES.has(zone)) return 'utc';
  return zone === processZoneName() ? 'process' : 'other';
}

/**
 * True for a zone the offsets below can be worked out in. Another zone is asked of `Intl` exactly
 * as luxon's `IANAZone.isValidZone` asks it, so the answer is luxon's without loading luxon.
 */
export function isKnownZone(zone: string): boolean {
  if (kindOf(zone) !== 'other') return true;
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format();
    return true;
  } catch {
    return false;
  }
}

/** Minutes the zone is ahead of UTC at instant `t`, as a function of `t`. */
export function zoneOffsets(zone: string): (t: number) => number {
  const kind = kindOf(zone);
  if (kind === 'utc') return () => 0;
  // getTimezoneOffset is UTC minus local; a zero offset must not read as -0
  if (kind === 'process') return (t) => 0 - new Date(t).getTimezoneOffset();
  const z = luxon().IANAZone.create(zone);
  return (t) => z.offset(t);
}

export interface LocalFields {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The wall clock in `zone` at instant `t`. */
export function localFields(t: number, zone: string): LocalFields {
  const kind = kindOf(zone);
  if (kind === 'other') {
    const d = luxon().DateTime.fromMillis(t, { zone });
    return { year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute };
  }
  const d = new Date(t);
  return kind === 'utc'
    ? { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() }
    : { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), minute: d.getMinutes() };
}
