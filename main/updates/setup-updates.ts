// electron-updater wired to the update policy: a generic feed at the URL from the settings,
// checked a little after start and every few hours, downloaded in the background (sha512 checked
// by electron-updater against latest.yml) and installed when the app quits. Thin: every decision
// is in update-policy.ts.
import electronUpdater, { type AppUpdater, type ProgressInfo, type UpdateInfo } from 'electron-updater';
import type { Clock, TimerHandle } from '../engine/clock.js';
import { FIRST_CHECK_DELAY_MS, installMode, nextCheckInMs, nextUpdateState, takesOffer, updatePlan, type UpdaterKind, type UpdateState, type UpdaterEvent } from './update-policy.js';

export interface UpdatesLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface UpdatesDeps {
  /** electron-updater's autoUpdater for this OS; asked for only once updates are on */
  updater: () => AppUpdater;
  isPackaged: boolean;
  /** plain http (to this machine) for the feed: plainHttpUpdatesAllowed() */
  plainHttpAllowed: boolean;
  currentVersion: string;
  clock: Clock;
  log: UpdatesLog;
  onChange(state: UpdateState): void;
}

export interface Updates {
  /** (re)reads the update URL setting: off when empty (nothing installs on quit), otherwise a check soon */
  configure(updateUrl: string): void;
  /** one check (and the download it may start), settled when both are over */
  checkNow(): Promise<void>;
  state(): UpdateState;
  /** no more checks (quitting); a downloaded update still installs on quit */
  stop(): void;
}

function kindOf(u: AppUpdater): UpdaterKind {
  if (u instanceof electronUpdater.DebUpdater) return 'deb';
  if (u instanceof electronUpdater.RpmUpdater) return 'rpm';
  if (u instanceof electronUpdater.PacmanUpdater) return 'pacman';
  if (u instanceof electronUpdater.AppImageUpdater) return 'appimage';
  return 'other';
}

export function setupUpdates(deps: UpdatesDeps): Updates {
  let state: UpdateState = { kind: 'off', reason: 'no-url' };
  let feedUrl: string | null = null;
  let updater: AppUpdater | null = null;
  let timer: TimerHandle | null = null;
  let stopped = false;

  const apply = (event: UpdaterEvent) => {
    const next = nextUpdateState(state, event);
    if (next === state) return;
    state = next;
    deps.onChange(state);
  };

  const schedule = (ms: number | null) => {
    deps.clock.clearTimeout(timer);
    timer = ms === null || stopped ? null : deps.clock.setTimeout(() => void checkNow(), ms);
  };

  const connect = (): AppUpdater => {
    if (updater) return updater;
    const u = deps.updater();
    u.logger = { info: (m: unknown) => deps.log.info(String(m)), warn: (m: unknown) => deps.log.warn(String(m)), error: (m: unknown) => deps.log.warn(String(m)) };
    const manual = installMode(kindOf(u)) === 'manual';
    // a package installed as root is not downloaded to be run on quit: the person is pointed at it
    u.autoDownload = !manual;
    // our gate in front of electron-updater's own (minimum OS version, staged rollout)
    const osCheck = u.isUpdateSupported;
    u.isUpdateSupported = async (info: UpdateInfo) => takesOffer(deps.currentVersion, info.version) && (await osCheck(info));
    u.on('checking-for-update', () => apply({ kind: 'checking' }));
    u.on('update-not-available', (info: UpdateInfo) => apply({ kind: 'not-available', latest: info.version, at: deps.clock.now() }));
    u.on('update-available', (info: UpdateInfo) => apply(manual ? { kind: 'offered', version: info.version, from: feedUrl ?? '' } : { kind: 'available', version: info.version }));
    u.on('download-progress', (p: ProgressInfo) => apply({ kind: 'progress', percent: p.percent }));
    u.on('update-downloaded', (info: UpdateInfo) => apply({ kind: 'downloaded', version: info.version }));
    u.on('error', (err: Error & { code?: string }) => apply({ kind: 'error', error: { message: err.message, ...(err.code ? { code: err.code } : {}) }, at: deps.clock.now() }));
    updater = u;
    return u;
  };

  async function checkNow(): Promise<void> {
    if (!feedUrl || stopped) return;
    const u = connect();
    try {
      const r = await u.checkForUpdates();
      if (r === null) apply({ kind: 'inactive' });
      // a failed download is reported through 'error'; the promise must not go unhandled
      else await r.downloadPromise?.catch(() => undefined);
    } catch {
      // already reported through 'error'
    }
    schedule(nextCheckInMs(state));
  }

  return {
    configure(updateUrl) {
      const plan = updatePlan({ updateUrl, isPackaged: deps.isPackaged, plainHttpAllowed: deps.plainHttpAllowed });
      if (!plan.enabled) {
        feedUrl = null;
        schedule(null);
        // turned off: an update already downloaded is not installed on quit either
        if (updater) updater.autoInstallOnAppQuit = false;
        if (!(state.kind === 'off' && state.reason === plan.reason)) {
          state = { kind: 'off', reason: plan.reason };
          deps.onChange(state);
        }
        return;
      }
      if (plan.feedUrl === feedUrl) return;
      feedUrl = plan.feedUrl;
      const u = connect();
      u.autoInstallOnAppQuit = installMode(kindOf(u)) === 'on-quit';
      u.setFeedURL({ provider: 'generic', url: plan.feedUrl });
      deps.log.info(`updates from ${plan.feedUrl}`);
      state = { kind: 'idle' };
      deps.onChange(state);
      schedule(FIRST_CHECK_DELAY_MS);
    },
    checkNow,
    state: () => state,
    stop() {
      stopped = true;
      schedule(null);
    },
  };
}
