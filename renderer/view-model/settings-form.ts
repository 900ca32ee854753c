// The settings form as data: form text ↔ AppSettings, validated by the very schema main uses
// (parseAppSettings), with every problem pinned to the field that caused it.
import { parseAppSettings, type AppSettings } from '../../main/settings/schema.js';

export interface SettingsFormValues {
  intervalHours: string;
  jitterPercent: string;
  holdSeconds: string;
  timeZone: string;
  sleepStart: string;
  sleepEnd: string;
  /** "23:00–01:00, 06:00–08:00" */
  reducedWindows: string;
  unauthorizedRetries: string;
  backupTarget: string;
  supabaseUrl: string;
  supabaseBucket: string;
  supabasePrefix: string;
  backupKeep: string;
  startAtLogin: boolean;
  updateUrl: string;
}

export type SettingsField = keyof SettingsFormValues;

/** Schema path → the field showing its problems; the longest matching prefix wins. */
const FIELD_OF_PATH: ReadonlyArray<[string, SettingsField]> = [
  ['keepAlive.intervalHours', 'intervalHours'],
  ['keepAlive.jitterPercent', 'jitterPercent'],
  ['keepAlive.holdSeconds', 'holdSeconds'],
  ['keepAlive.timeZone', 'timeZone'],
  ['keepAlive.sleepWindow.start', 'sleepStart'],
  ['keepAlive.sleepWindow.end', 'sleepEnd'],
  ['keepAlive.sleepWindow', 'sleepStart'],
  ['keepAlive.reducedWindows', 'reducedWindows'],
  ['reconnect.unauthorizedRetries', 'unauthorizedRetries'],
  ['backup.target', 'backupTarget'],
  ['backup.supabase.url', 'supabaseUrl'],
  ['backup.supabase.bucket', 'supabaseBucket'],
  ['backup.supabase.prefix', 'supabasePrefix'],
  ['backup.supabase', 'supabaseUrl'],
  ['backup.keep', 'backupKeep'],
  ['startAtLogin', 'startAtLogin'],
  ['updateUrl', 'updateUrl'],
];

export function fieldForPath(path: string): SettingsField | null {
  let best: [string, SettingsField] | null = null;
  for (const entry of FIELD_OF_PATH) {
    const [prefix] = entry;
    if ((path === prefix || path.startsWith(`${prefix}.`)) && (best === null || prefix.length > best[0].length)) best = entry;
  }
  return best === null ? null : best[1];
}

export function formFromSettings(s: AppSettings): SettingsFormValues {
  return {
    intervalHours: String(s.keepAlive.intervalHours),
    jitterPercent: String(s.keepAlive.jitterPercent),
    holdSeconds: String(s.keepAlive.holdSeconds),
    timeZone: s.keepAlive.timeZone,
    sleepStart: s.keepAlive.sleepWindow.start,
    sleepEnd: s.keepAlive.sleepWindow.end,
    reducedWindows: s.keepAlive.reducedWindows.map((w) => `${w.start}–${w.end}`).join(', '),
    unauthorizedRetries: String(s.reconnect.unauthorizedRetries),
    backupTarget: s.backup.target,
    supabaseUrl: s.backup.supabase.url,
    supabaseBucket: s.backup.supabase.bucket,
    supabasePrefix: s.backup.supabase.prefix,
    backupKeep: String(s.backup.keep),
    startAtLogin: s.startAtLogin,
    updateUrl: s.updateUrl,
  };
}

/** A number when the text is one; otherwise the text itself, so the schema's message shows what was typed. */
function numberOrText(text: string): number | string {
  const t = text.trim();
  if (t === '') return t;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

const WINDOW = /^(\S+?)\s*[-–—]\s*(\S+)$/;

/** "23:00–01:00, 06:00-08:00" → windows; pieces that are not "start–end" become problems. */
export function parseWindows(text: string): { windows: Array<{ start: string; end: string }>; problems: string[] } {
  const windows: Array<{ start: string; end: string }> = [];
  const problems: string[] = [];
  for (const piece of text.split(/[,;\n]/)) {
    const p = piece.trim();
    if (p === '') continue;
    const m = WINDOW.exec(p);
    if (m && m[1] !== undefined && m[2] !== undefined) windows.push({ start: m[1], end: m[2] });
    else problems.push(`Reduced windows must look like 23:00–01:00, 06:00–08:00 (got '${p}')`);
  }
  return { windows, problems };
}

export type FormValidation =
  | { ok: true; settings: AppSettings }
  | { ok: false; byField: Partial<Record<SettingsField, string[]>>; general: string[] };

/**
 * The form over `base` (which keeps what the form does not edit, e.g. the phone list), checked
 * with parseAppSettings. Problems are grouped per field; the rest are `general`.
 */
export function validateSettingsForm(values: SettingsFormValues, base: AppSettings): FormValidation {
  const reduced = parseWindows(values.reducedWindows);
  const input = {
    ...base,
    keepAlive: {
      ...base.keepAlive,
      intervalHours: numberOrText(values.intervalHours),
      jitterPercent: numberOrText(values.jitterPercent),
      holdSeconds: numberOrText(values.holdSeconds),
      timeZone: values.timeZone.trim(),
      sleepWindow: { start: values.sleepStart.trim(), end: values.sleepEnd.trim() },
      reducedWindows: reduced.windows,
    },
    reconnect: { ...base.reconnect, unauthorizedRetries: numberOrText(values.unauthorizedRetries) },
    backup: {
      target: values.backupTarget,
      keep: numberOrText(values.backupKeep),
      supabase: { url: values.supabaseUrl.trim(), bucket: values.supabaseBucket.trim(), prefix: values.supabasePrefix.trim() },
    },
    startAtLogin: values.startAtLogin,
    updateUrl: values.updateUrl.trim(),
  };
  const r = parseAppSettings(input);
  if (r.ok && reduced.problems.length === 0) return { ok: true, settings: r.settings };
  const byField: Partial<Record<SettingsField, string[]>> = {};
  const general: string[] = [];
  const add = (field: SettingsField | null, message: string) => {
    if (field === null) {
      if (!general.includes(message)) general.push(message);
      return;
    }
    const list = (byField[field] ??= []);
    if (!list.includes(message)) list.push(message);
  };
  for (const m of reduced.problems) add('reducedWindows', m);
  if (!r.ok) for (const p of r.problems) add(fieldForPath(p.path), p.message);
  return { ok: false, byField, general };
}

/**
 * The sections this form edits, and all it saves: main puts them over the settings it has now,
 * so a save never writes back an older copy of another form's section (the Local API's).
 */
export function settingsFormSections(s: AppSettings): Pick<AppSettings, 'keepAlive' | 'reconnect' | 'backup' | 'startAtLogin' | 'updateUrl'> {
  return { keepAlive: s.keepAlive, reconnect: s.reconnect, backup: s.backup, startAtLogin: s.startAtLogin, updateUrl: s.updateUrl };
}

export function sameSettings(a: AppSettings, b: AppSettings): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
