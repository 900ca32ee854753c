// Updates (issue 12): a tray app on an always-on desktop must follow WhatsApp's changes without
// the person. electron-updater does the transfer, the sha512 check and the install on quit; the
// decisions around it live here, pure: whether updates run at all, when to check, which offered
// version to take, what an updater event means for the state, and what the tray and window say.
import type { UpdateLine } from '../ipc/contract.js';

/** The first check waits a little: the sessions reconnect first, then the update server is asked. */
export const FIRST_CHECK_DELAY_MS = 30_000;
/** Then every few hours: a release a day is plenty, and each check is one small latest.yml. */
export const CHECK_INTERVAL_MS = 4 * 60 * 60_000;
/** A failed check (server down, no network) is tried again sooner than the regular interval. */
export const RETRY_AFTER_ERROR_MS = 60 * 60_000;

export type UpdatesOffReason = 'no-url' | 'not-installed' | 'unsupported-build' | 'insecure-url';

export type UpdatePlan = { enabled: true; feedUrl: string } | { enabled: false; reason: UpdatesOffReason };

/**
 * Updates run only with an update URL (the setting; empty = off) and only in an installed build:
 * a checkout started with `npm start` has nothing to replace. The URL itself was validated by
 * the settings schema (https, or plain http to this machine). Plain http to this machine only
 * where `plainHttpAllowed`: in an installed build any other user of the computer could serve
 * updates on that port while the person's own server is down.
 */
export function updatePlan(input: { updateUrl: string; isPackaged: boolean; plainHttpAllowed: boolean }): UpdatePlan {
  const url = input.updateUrl.trim();
  if (url === '') return { enabled: false, reason: 'no-url' };
  if (!input.isPackaged) return { enabled: false, reason: 'not-installed' };
  if (!input.plainHttpAllowed && !url.startsWith('https:')) return { enabled: false, reason: 'insecure-url' };
  return { enabled: true, feedUrl: url };
}

/** Set only by tests that play an installed build against a local update server. */
export const PLAIN_HTTP_UPDATES_ENV = 'SESSION_KEEPER_TEST_HTTP_UPDATES';

/** Plain http (to this machine) for updates: a checkout, or a test that says so in the env. */
export function plainHttpUpdatesAllowed(input: { isPackaged: boolean; env: NodeJS.ProcessEnv }): boolean {
  return !input.isPackaged || input.env[PLAIN_HTTP_UPDATES_ENV] === '1';
}

/** Which electron-updater installs this build (its own choice by platform and package-type). */
export type UpdaterKind = 'appimage' | 'deb' | 'rpm' | 'pacman' | 'other';

/**
 * How a verified download is installed. Without code signing the only checks are TLS and the
 * sha512 in latest.yml, both from the update server. A deb/rpm/pacman install runs the package
 * as root (pkexec): that is not done on quit; the person is told where to download it instead.
 * An AppImage replaces the person's own file, as the person could: it installs on quit.
 */
export function installMode(kind: UpdaterKind): 'on-quit' | 'manual' {
  return kind === 'deb' || kind === 'rpm' || kind === 'pacman' ? 'manual' : 'on-quit';
}

interface Version {
  core: [number, number, number];
  prerelease: string[];
}

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parseVersion(text: string): Version | null {
  const m = SEMVER.exec(text.trim());
  if (!m) return null;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], prerelease: m[4] ? m[4].split('.') : [] };
}

/** semver precedence: <0 when a is older than b, 0 equal, >0 newer; null when either is not a version. */
export function compareVersions(a: string, b: string): number | null {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (!va || !vb) return null;
  for (let i = 0; i < 3; i++) {
    const d = (va.core[i] ?? 0) - (vb.core[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  // a release is newer than its pre-releases
  if (va.prerelease.length === 0 || vb.prerelease.length === 0) return Math.sign(vb.prerelease.length - va.prerelease.length);
  for (let i = 0; i < Math.max(va.prerelease.length, vb.prerelease.length); i++) {
    const x = va.prerelease[i];
    const y = vb.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : null;
    const ny = /^\d+$/.test(y) ? Number(y) : null;
    if (nx !== null && ny !== null && nx !== ny) return Math.sign(nx - ny);
    if (nx !== null && ny === null) return -1;
    if (nx === null && ny !== null) return 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Which offered version is taken: only a newer one, and a pre-release only by an installation
 * that already runs one (a beta latest.yml published by mistake must not reach everyone).
 * electron-updater refuses equal versions itself; this gate is put in front of its own checks.
 */
export function takesOffer(current: string, offered: string): boolean {
  const order = compareVersions(offered, current);
  if (order === null || order <= 0) return false;
  const offeredPre = (parseVersion(offered)?.prerelease.length ?? 0) > 0;
  const currentPre = (parseVersion(current)?.prerelease.length ?? 0) > 0;
  return !offeredPre || currentPre;
}

export type UpdateState =
  | { kind: 'off'; reason: UpdatesOffReason }
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'up-to-date'; latest: string | null; at: number }
  | { kind: 'downloading'; version: string; percent: number | null }
  | { kind: 'ready'; version: string }
  /** a newer version this installation does not install itself (installMode 'manual') */
  | { kind: 'available'; version: string; from: string }
  | { kind: 'error'; problem: UpdateProblem; at: number };

/** What electron-updater reported, as plain data (setup-updates.ts translates its events). */
export type UpdaterEvent =
  | { kind: 'checking' }
  | { kind: 'not-available'; latest: string | null; at: number }
  | { kind: 'available'; version: string }
  /** a newer version, offered to an installation that does not install it itself */
  | { kind: 'offered'; version: string; from: string }
  | { kind: 'progress'; percent: number }
  | { kind: 'downloaded'; version: string }
  | { kind: 'error'; error: { message: string; code?: string }; at: number }
  /** electron-updater declined to run in this build (e.g. a Linux build that is not an AppImage, deb or rpm) */
  | { kind: 'inactive' };

export type UpdateProblem = 'checksum' | 'no-release-file' | 'unreachable' | 'other';

/** What went wrong, by electron-updater's error codes and Node's network codes. */
export function classifyUpdateError(error: { message: string; code?: string }): UpdateProblem {
  const code = error.code ?? '';
  if (code === 'ERR_CHECKSUM_MISMATCH' || /checksum mismatch/i.test(error.message)) return 'checksum';
  if (code === 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND' || code === 'HTTP_ERROR_404' || code === 'ERR_UPDATER_INVALID_UPDATE_INFO') return 'no-release-file';
  if (/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)$/.test(code) || /ERR_(INTERNET_DISCONNECTED|NAME_NOT_RESOLVED|CONNECTION_REFUSED|NETWORK_CHANGED|TIMED_OUT)|ECONNREFUSED|ENOTFOUND|Request timed out/.test(error.message)) return 'unreachable';
  return 'other';
}

/**
 * The next state after an updater event. A downloaded update stays ready through later failed
 * checks: the file is verified and still installs on quit.
 */
export function nextUpdateState(state: UpdateState, event: UpdaterEvent): UpdateState {
  if (state.kind === 'off') return state;
  switch (event.kind) {
    case 'checking':
      return state.kind === 'ready' || state.kind === 'downloading' || state.kind === 'available' ? state : { kind: 'checking' };
    case 'not-available':
      return state.kind === 'ready' ? state : { kind: 'up-to-date', latest: event.latest, at: event.at };
    case 'available':
      return { kind: 'downloading', version: event.version, percent: null };
    case 'offered':
      return { kind: 'available', version: event.version, from: event.from };
    case 'progress':
      return state.kind === 'downloading' ? { ...state, percent: Math.max(0, Math.min(100, Math.round(event.percent))) } : state;
    case 'downloaded':
      return { kind: 'ready', version: event.version };
    case 'error':
      return state.kind === 'ready' || state.kind === 'available' ? state : { kind: 'error', problem: classifyUpdateError(event.error), at: event.at };
    case 'inactive':
      return { kind: 'off', reason: 'unsupported-build' };
  }
}

/** When to ask the update server next, after a check that ended in `state`; null = not again. */
export function nextCheckInMs(state: UpdateState): number | null {
  if (state.kind === 'off') return null;
  return state.kind === 'error' ? RETRY_AFTER_ERROR_MS : CHECK_INTERVAL_MS;
}

const PROBLEM_TEXT: Record<UpdateProblem, string> = {
  checksum: 'the download did not match its sha512 checksum and was discarded',
  'no-release-file': 'the update URL has no usable latest.yml',
  unreachable: 'the update server could not be reached; trying again later',
  other: 'the update check failed (see the log); trying again later',
};

/** What the tray menu and the window say about updates; null = nothing worth a line. */
export function updateLine(state: UpdateState): UpdateLine | null {
  switch (state.kind) {
    case 'off':
      if (state.reason === 'insecure-url') return { text: 'Updates off: an installed build takes updates over https only', tone: 'problem' };
      return state.reason === 'unsupported-build' ? { text: 'Updates: this kind of installation cannot update itself', tone: 'info' } : null;
    case 'idle':
    case 'checking':
    case 'up-to-date':
      return null;
    case 'downloading':
      return { text: `Downloading update ${state.version}${state.percent === null ? '' : ` (${state.percent} %)`}…`, tone: 'info' };
    case 'ready':
      return { text: `Update ready — installs when you quit (version ${state.version})`, tone: 'ready' };
    case 'available':
      return { text: `Update available: download version ${state.version} from ${state.from}`, tone: 'ready' };
    case 'error':
      return { text: `Update failed: ${PROBLEM_TEXT[state.problem]}`, tone: 'problem' };
  }
}
