// The soak: the real keeper (real Baileys against the WA test server, which runs WhatsApp's two
// linked-device clocks) on an injected clock through N simulated days, with faults drawn from a
// seeded PRNG. Shared by `npm run soak` (bench/soak.ts, 90 days) and the short seeded variant in
// `npm test` (test/main/engine/keeper-soak.test.ts). `runSoak` records a timeline and returns
// the violations of what the soak promises (issue 10 §2); it never throws for a violation.
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SupabaseTarget } from '../../../main/engine/backup/supabase-target.js';
import { ManualClock } from '../../../main/engine/clock.js';
import { modeAt } from '../../../main/engine/anti-ban.js';
import { PHONE_INACTIVE_WARN_MS, PHONE_LOGOUT_AFTER_MS } from '../../../main/engine/phone-activity.js';
import { DEFAULT_POLICY_CONFIG } from '../../../main/engine/disconnect-policy.js';
import type { LogEntry, PhoneStatus } from '../../../main/engine/types.js';
import { EMPTY_MEMORY, presentNotifications, type NotifyMemory } from '../../../main/notifications/notification-presenter.js';
import { startHarness, type Harness } from '../keeper-harness.js';
import { seededRandom } from '../seeded-random.js';
import { mountSmallFilesystem, type SmallFilesystem } from '../small-filesystem.js';
import { start as startStorage, type StorageServer } from '../supabase-server/storage-server.js';
import type { WaConnection } from '../wa-server/index.js';
import { MIN_SOAK_DAYS } from './soak-limits.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const PHONE = 'default';
/** The deaf-socket watch as shipped, but the probe's (real-time) timeout short enough for a soak. */
const DEAF_WATCH = { probeTimeoutMs: 500 };
const DEAF_QUIET_MS = 3 * HOUR;
/** After a fault clears, the phone is open again within one pause of the policy, plus a step. */
const RECOVERY_BUDGET_MS = DEFAULT_POLICY_CONFIG.pauseMs + 2 * MINUTE;
/** Once space returns, the storage error is gone within two rounds of the (at most 5-min) write retry. */
const STORAGE_CLEAR_BUDGET_MS = 10 * MINUTE;

export type FaultKind =
  | 'drop'
  | 'restart-required-515'
  | 'server-5xx'
  | 'server-silence'
  | 'outage'
  | 'process-restart'
  | 'sigkill'
  | 'full-disk'
  | 'machine-sleep'
  | 'backup-target-outage';

/** Faults per 90 days (scaled to the run's length, at least one each). */
const PER_90_DAYS: Record<Exclude<FaultKind, 'sigkill'>, number> = {
  drop: 14,
  'restart-required-515': 6,
  'server-5xx': 6,
  'server-silence': 3,
  outage: 5,
  'process-restart': 6,
  'full-disk': 3,
  'machine-sleep': 6,
  'backup-target-outage': 4,
};

export interface SoakOptions {
  seed: number;
  days: number;
  /** how many SIGKILLs of a keeper child process (slow: a process start each) */
  sigkills: number;
  /** progress lines (the script prints them; the test stays quiet) */
  progress?: (line: string) => void;
  /** every keeper log entry as it happens (SOAK_TRACE in the script) */
  trace?: (e: LogEntry) => void;
}

export interface FaultRecord {
  kind: FaultKind;
  at: number;
  /** how long the fault lasted (0: an instant one) */
  durationMs: number;
  detail: string;
  /** when the phone was open again after the fault cleared (null: not seen open again) */
  openAgainAt: number | null;
  /** the fault cleared at: recovery is measured from here */
  clearedAt: number;
  budgetMs: number;
  skipped?: string;
  /** open only counts once this holds too (a deaf socket stays 'open' until it is replaced) */
  ready?: () => boolean;
}

export interface RescanRecord {
  at: number;
  /** the status' unlink cause, or 'qr' for a QR without one */
  cause: string;
  /** what the server says removed the device, if it did */
  serverRemoval: string | null;
  avoidable: boolean;
  /** the phone-inactive warning before it: when, and how long the phone had been unseen then */
  warnedAt: number | null;
  warnedAfterDays: number | null;
  /** a notification followed the status change */
  notified: string | null;
}

export interface SoakReport {
  seed: number;
  days: number;
  startAt: number;
  wallMs: number;
  pulses: number;
  pulsesInSleepWindow: number;
  pulsesWhileMachineAsleep: number;
  reconnectsByCode: Record<string, number>;
  maxAttemptsPerHour: number;
  budgetPerHour: number;
  faults: FaultRecord[];
  phoneUnused: { fromDay: number; days: number; warnedAtDay: number | null; removed: boolean }[];
  warnings: { at: number; event: string; message: string }[];
  notifications: Record<string, number>;
  rescans: RescanRecord[];
  backups: { uploaded: number; unchanged: number; failed: number; lost: number };
  sessionsLost: number;
  storageErrorsShown: number;
  skipped: string[];
  violations: string[];
}

interface Planned {
  at: number;
  kind: FaultKind | 'phone-use';
}

const sleepReal = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tick = () => new Promise((r) => setImmediate(r));

/** The schedule: one phone use a day except in the two unused spells, and the faults. */
export function planSoak(seed: number, days: number, sigkills: number, start: number): { events: Planned[]; unused: { from: number; days: number }[] } {
  const random = seededRandom(seed);
  const unusedA = 1 + Math.floor(random() * Math.max(1, Math.min(days * 0.12, days - MIN_SOAK_DAYS)));
  const lastB = days - 17;
  const firstB = unusedA + 13 + 2;
  if (lastB < firstB) throw new Error(`a soak needs at least ${firstB + 17} days for the two unused spells`);
  const unusedB = firstB + Math.floor(random() * (lastB - firstB + 1));
  const unused = [
    { from: unusedA, days: 13 },
    { from: unusedB, days: 15 },
  ];
  const events: Planned[] = [];
  for (let day = 0; day < days; day++) {
    const spell = unused.find((u) => day > u.from && day < u.from + u.days);
    const at = start + day * DAY + (7 + random() * 14) * HOUR;
    if (day === 0) continue; // pairing was the phone in hand
    if (spell) continue;
    // the day a spell ends the phone is picked up exactly `days` after its last use
    const ends = unused.find((u) => day === u.from + u.days);
    events.push({ at: ends ? lastUse(events, start) + ends.days * DAY : at, kind: 'phone-use' });
  }
  const kinds = Object.entries(PER_90_DAYS) as [Exclude<FaultKind, 'sigkill'>, number][];
  const faultKinds: FaultKind[] = [];
  for (const [kind, n] of kinds) for (let i = 0; i < Math.max(1, Math.round((n * days) / 90)); i++) faultKinds.push(kind);
  for (let i = 0; i < sigkills; i++) faultKinds.push('sigkill');
  for (const kind of faultKinds) events.push({ at: start + HOUR + random() * (days * DAY - 2 * HOUR), kind });
  events.sort((a, b) => a.at - b.at);
  return { events, unused: unused.map((u) => ({ from: u.from, days: u.days })) };
}

function lastUse(events: Planned[], start: number): number {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]?.kind === 'phone-use') return events[i]?.at ?? start;
  return start;
}

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const wallStart = Date.now();
  const progress = opts.progress ?? (() => {});
  const random = seededRandom(opts.seed ^ 0x5eed);
  const START = Date.UTC(2027, 0, 4, 12, 0);
  const clock = new ManualClock(START);
  const skipped: string[] = [];
  const small = await mountSmallFilesystem(96);
  let fs: SmallFilesystem | null = null;
  let dataDir: string;
  if ('cannot' in small) {
    skipped.push(`full-disk episodes skipped: ${small.cannot}`);
    dataDir = await mkdtemp(join(tmpdir(), 'soak-'));
  } else {
    fs = small;
    dataDir = small.dir;
  }
  const storage: StorageServer = await startStorage({ key: 'service', buckets: ['backups'] });
  const target = new SupabaseTarget({ url: storage.url, key: 'service', bucket: 'backups', prefix: 'soak', timeoutMs: 5_000 });
  const h: Harness = await startHarness({
    dataDir,
    server: { clock, linkedDeviceClocks: {} },
    keeper: { clock, random: seededRandom(opts.seed), keepAlive: { timeZone: 'UTC' }, deafWatch: DEAF_WATCH, backup: { target } },
  });
  const settings = h.keeper.keepAliveSettings;
  const waits = new Map<string, number>();
  const waited = (why: string, since: number) => waits.set(why, (waits.get(why) ?? 0) + Date.now() - since);
  const { events, unused } = planSoak(opts.seed, opts.days, opts.sigkills, START);
  const end = START + opts.days * DAY;

  const faults: FaultRecord[] = [];
  const rescans: RescanRecord[] = [];
  const attempts: number[] = [];
  const machineAsleep: [number, number][] = [];
  const notifications: Record<string, number> = {};
  const notified: { at: number; kind: string }[] = [];
  let memory: NotifyMemory = EMPTY_MEMORY;
  let storageErrorsShown = 0;
  let lastStorage: string | null = null;
  let pendingRecovery: FaultRecord[] = [];
  let rejectedSeen = 0;
  let connectionsSeen = 0;
  let lastStatusesSeen = 0;
  let pairedJid: string | null = null;
  let sessionsLost = 0;

  const status = (): PhoneStatus => h.keeper.status(PHONE);
  const liveLogin = (): WaConnection | undefined => [...h.server.connections].reverse().find((c) => c.state === 'logged-in');

  /** Everything the timeline needs from the statuses and the server since the last look. */
  const observe = (): void => {
    const now = clock.now();
    for (; connectionsSeen < h.server.connections.length; connectionsSeen++) attempts.push(h.server.connections[connectionsSeen]?.openedAt ?? now);
    for (; rejectedSeen < h.server.rejectedUpgrades; rejectedSeen++) attempts.push(now);
    for (; lastStatusesSeen < h.statuses.length; lastStatusesSeen++) {
      const s = h.statuses[lastStatusesSeen];
      if (!s) continue;
      const r = presentNotifications(memory, s, s.updatedAt);
      memory = r.memory;
      for (const n of r.notifications) {
        notifications[n.kind] = (notifications[n.kind] ?? 0) + 1;
        notified.push({ at: s.updatedAt, kind: n.kind });
      }
      const key = s.storageError ? `${s.storageError.path}|${s.storageError.code}` : null;
      if (key !== null && key !== lastStorage) storageErrorsShown++;
      lastStorage = key;
    }
    const s = status();
    if (s.state === 'open') {
      for (const f of pendingRecovery) if (f.openAgainAt === null && now >= f.clearedAt && (f.ready?.() ?? true)) f.openAgainAt = now;
      pendingRecovery = pendingRecovery.filter((f) => f.openAgainAt === null);
      const jid = s.me;
      if (pairedJid !== null && jid !== null && jid !== pairedJid) {
        // a new identity without a rescan we recorded would be a session lost
        if (!rescans.some((r) => r.at >= now - 2 * DAY)) sessionsLost++;
      }
      if (jid !== null) pairedJid = jid;
    }
  };

  /** Waits (real time) until the engine has nothing in flight that the next minute depends on. */
  let sentSeen = 0;
  const settle = async (): Promise<void> => {
    const t0 = Date.now();
    const deadline = t0 + 5_000;
    for (;;) {
      await tick();
      // a pulse's hold runs on the simulated clock: what must land before time moves on is its
      // 'available' (and any state write), so the server's timestamp is the instant it was sent
      await h.keeper.keepAliveSettled();
      const sent = h.logs.length > 0 ? countSent() : 0;
      if (sent > sentSeen) {
        const t1 = Date.now();
        const seen = () => h.server.connections.reduce((n, c) => n + c.presences.filter((p) => p.type === 'available').length, 0);
        for (let i = 0; i < 50 && seen() < sent; i++) await sleepReal(2);
        sentSeen = sent;
        waited('pulse', t1);
      }
      const s = status();
      const now = clock.now();
      const waiting = (s.state === 'connecting' || s.state === 'reconnecting') && !(s.reconnect.nextAt !== null && s.reconnect.nextAt > now);
      const probing = deafProbeOut();
      if ((!waiting && !probing) || Date.now() > deadline) {
        if (Date.now() > deadline) waited(`stuck ${s.state}`, t0);
        observe();
        return;
      }
      const t2 = Date.now();
      await sleepReal(1);
      waited(waiting ? `attempt ${s.state}` : 'probe', t2);
    }
  };
  let sentCounted = 0;
  let sentTotal = 0;
  const countSent = (): number => {
    for (; sentCounted < h.logs.length; sentCounted++) if (h.logs[sentCounted]?.event === 'keepalive.sent') sentTotal++;
    return sentTotal;
  };

  let deafConn: WaConnection | null = null;
  let probesBeforeDeaf = 0;
  const probes = (c: WaConnection): number => c.received.filter((n) => n.tag === 'iq' && n.attrs.xmlns === 'blocklist').length;
  /** The watchdog probed the deaf socket and has not replaced it yet: its (real-time) timeout runs. */
  const deafProbeOut = (): boolean => {
    if (deafConn === null) return false;
    if (deafConn.state === 'closed') {
      deafConn = null;
      return false;
    }
    return probes(deafConn) > probesBeforeDeaf;
  };

  /** Advances simulated time minute by minute to `until`, reacting as a person would to a needed rescan. */
  const runUntil = async (until: number): Promise<void> => {
    while (clock.now() < until) {
      clock.advance(Math.min(MINUTE, until - clock.now()));
      await settle();
      await handleUnlinked();
    }
  };

  let phoneInHandPending = false;
  let linkEpisode = false;
  const diskProblems: string[] = [];
  const storageShownSince = (t: number): boolean => h.statuses.some((x) => x.updatedAt >= t && x.storageError !== null);
  /** The phone needs a new link: record why; the person rescans when the phone is in hand. */
  const handleUnlinked = async (): Promise<void> => {
    const s = status();
    const needsLink = s.state === 'logged-out' || s.state === 'waiting-for-scan';
    if (!needsLink) {
      if (s.state === 'open') linkEpisode = false;
      return;
    }
    if (!linkEpisode) {
      linkEpisode = true;
      const removal = [...(h.server.deviceClocks?.removals ?? [])].reverse().find((r) => r.at <= clock.now() && r.at >= clock.now() - DAY) ?? null;
      const at = removal?.at ?? s.unlinked?.at ?? clock.now();
      // the first warning of this spell (a restarted keeper warns again, later)
      const warning = h.logs.find((e) => e.event === 'phone.inactive' && e.phoneId === PHONE && e.at <= at && e.at >= at - 3 * DAY);
      const lastSeen = typeof warning?.data?.phoneLastSeenAt === 'number' ? warning.data.phoneLastSeenAt : null;
      const avoidable = removal?.cause !== 'primary-offline';
      rescans.push({
        at,
        cause: s.unlinked?.cause ?? 'qr',
        serverRemoval: removal ? removal.cause : null,
        avoidable,
        warnedAt: warning?.at ?? null,
        warnedAfterDays: warning && lastSeen !== null ? (warning.at - lastSeen) / DAY : null,
        notified: notified.find((n) => n.at >= at && n.kind === 'rescan')?.kind ?? null,
      });
      progress(`day ${day(at)}: needs a new link (${s.unlinked?.cause ?? 'qr'}; server: ${removal?.cause ?? 'no removal'})`);
      if (avoidable) phoneInHandPending = true;
    }
    if (phoneInHandPending) await rescan();
  };

  const rescan = async (): Promise<void> => {
    phoneInHandPending = false;
    if (status().state !== 'waiting-for-scan') await h.keeper.requestQr(PHONE);
    const waiting = await h.waitForStatus(PHONE, (x) => x.state === 'waiting-for-scan' && x.qr !== null);
    await h.server.phone.scan(waiting.qr ?? '');
    await h.waitForStatus(PHONE, (x) => x.state === 'open', 15_000);
    pairedJid = status().me;
    observe();
  };

  const day = (t: number) => ((t - START) / DAY).toFixed(1);

  const record = (kind: FaultKind, detail: string, durationMs: number, clearedAt: number, budgetMs = RECOVERY_BUDGET_MS): FaultRecord => {
    const f: FaultRecord = { kind, at: clock.now() - durationMs, durationMs, detail, openAgainAt: null, clearedAt, budgetMs };
    faults.push(f);
    pendingRecovery.push(f);
    return f;
  };

  const restartKeeper = async (): Promise<void> => {
    await h.restart();
    if (opts.trace) h.keeper.on('log', opts.trace);
    await settle();
  };

  const sigkill = async (): Promise<string> => {
    await h.keeper.stop();
    const child = spawn(process.execPath, [fileURLToPath(new URL('./keeper-child.js', import.meta.url)), dataDir, h.server.url, String(clock.now())], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(String(signal ?? code))));
    // killed either mid-login or once open, by the draw
    const whenOpen = random() < 0.5;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !(whenOpen ? out.includes('state open') : out.includes('started'))) await sleepReal(5);
    if (!whenOpen) await sleepReal(random() * 100);
    child.kill('SIGKILL');
    const how = await exited;
    if (how !== 'SIGKILL') throw new Error(`the keeper child ended by ${how}, not SIGKILL: ${out} ${err}`);
    await restartKeeper();
    return whenOpen ? 'killed once open' : 'killed during login';
  };

  const apply = async (kind: FaultKind): Promise<void> => {
    const conn = liveLogin();
    const now = clock.now();
    switch (kind) {
      case 'drop':
        if (conn) h.server.destroy(conn);
        await settle();
        record(kind, 'socket destroyed (428)', 0, now);
        return;
      case 'restart-required-515':
        if (conn) h.server.injectStreamError(conn, 515);
        await settle();
        record(kind, 'stream:error 515', 0, now);
        return;
      case 'server-5xx': {
        const code = random() < 0.5 ? 500 : 503;
        if (conn) h.server.injectStreamError(conn, code);
        await settle();
        record(kind, `stream:error ${code}`, 0, now);
        return;
      }
      case 'server-silence': {
        if (!conn) return;
        h.server.setDeaf(conn);
        deafConn = conn;
        probesBeforeDeaf = probes(conn);
        // the watchdog's quiet spell, then its probe, then a new socket: open again counts from then
        const f = record(kind, 'socket answers pings only', 0, now, DEAF_QUIET_MS + RECOVERY_BUDGET_MS);
        f.ready = () => conn.state === 'closed';
        return;
      }
      case 'outage': {
        const ms = Math.round((1 + random() * 11) * HOUR);
        h.server.refuseConnections('reset');
        if (conn) h.server.destroy(conn);
        await runUntil(now + ms);
        h.server.refuseConnections('none');
        record(kind, `network down ${(ms / HOUR).toFixed(1)} h`, ms, clock.now());
        return;
      }
      case 'process-restart':
        await h.keeper.stop();
        await restartKeeper();
        record(kind, 'stop, then a new keeper on the same folder', 0, now);
        return;
      case 'sigkill': {
        const how = await sigkill();
        record(kind, `keeper child SIGKILLed (${how}), then a new keeper`, 0, now);
        return;
      }
      case 'full-disk': {
        if (!fs) {
          faults.push({ kind, at: now, durationMs: 0, detail: 'skipped', openAgainAt: now, clearedAt: now, budgetMs: 0, skipped: skipped[0] ?? 'no small filesystem' });
          return;
        }
        const ms = Math.round((1 + random() * 5) * HOUR);
        await fs.fill();
        // the connection drops while the disk is full: it must be decided before any bookkeeping
        if (conn) h.server.destroy(conn);
        const f = record(kind, `disk full ${(ms / HOUR).toFixed(1)} h, connection dropped inside`, 0, now);
        await runUntil(now + ms);
        const shown = storageShownSince(now);
        await fs.free();
        f.durationMs = ms;
        // the refused writes are retried by themselves, at most 5 min apart, some chained behind others
        const freed = clock.now();
        while (status().storageError !== null && clock.now() < freed + STORAGE_CLEAR_BUDGET_MS) {
          await runUntil(clock.now() + MINUTE);
          // a retried write is real disk I/O: let it land before the next simulated minute
          await sleepReal(20);
        }
        f.detail += `; storage error shown: ${shown ? 'yes' : 'NO'}, cleared ${status().storageError === null ? `${((clock.now() - freed) / MINUTE).toFixed(0)} min after space returned` : `NOT within ${STORAGE_CLEAR_BUDGET_MS / MINUTE} min (${JSON.stringify(status().storageError)})`}`;
        if (!shown || status().storageError !== null) diskProblems.push(`full disk on day ${day(now)}: ${f.detail}`);
        return;
      }
      case 'machine-sleep': {
        const ms = Math.round((2 + random() * 8) * HOUR);
        // the lid closes: the process freezes and the server drops the socket meanwhile
        h.server.refuseConnections('reset');
        if (conn) h.server.destroy(conn);
        await h.waitForStatus(PHONE, (s) => s.state !== 'open', 5_000).catch(() => undefined);
        clock.jump(ms);
        machineAsleep.push([now, now + ms]);
        h.server.refuseConnections('none');
        await h.keeper.wake();
        await settle();
        record(kind, `asleep ${(ms / HOUR).toFixed(1)} h, then wake`, ms, clock.now());
        return;
      }
      case 'backup-target-outage': {
        const ms = Math.round((2 + random() * 28) * HOUR);
        storage.inject({ kind: 'status', status: 503, count: 1_000_000 });
        await runUntil(now + ms);
        storage.clearFaults();
        faults.push({ kind, at: now, durationMs: ms, detail: `backup target answers 503 for ${(ms / HOUR).toFixed(1)} h`, openAgainAt: clock.now(), clearedAt: clock.now(), budgetMs: 0 });
        return;
      }
    }
  };

  try {
    await h.keeper.start();
    await h.pair(PHONE);
    pairedJid = status().me;
    observe();
    if (opts.trace) h.keeper.on('log', opts.trace);
    progress(`seed ${opts.seed}: ${opts.days} days from ${new Date(START).toISOString()}, ${events.filter((e) => e.kind !== 'phone-use').length} faults`);
    for (const e of events) {
      if (e.at > clock.now()) await runUntil(Math.min(e.at, end));
      if (clock.now() >= end) break;
      if (e.kind === 'phone-use') {
        h.server.phoneOnline();
        if (status().state === 'logged-out' || status().state === 'waiting-for-scan') await rescan(); // the phone is in hand again
        await settle();
        continue;
      }
      // a fault lands on a phone that is connected and idle (a person would not see the others apart)
      for (let i = 0; i < 120 && (status().state !== 'open' || h.keeper.keepAliveBusy()); i++) await runUntil(clock.now() + MINUTE);
      if (status().state !== 'open') {
        const at = clock.now();
        faults.push({ kind: e.kind, at, durationMs: 0, detail: 'not applied', openAgainAt: at, clearedAt: at, budgetMs: 0, skipped: `the phone was ${status().state} (a fault needs a connected phone)` });
        continue;
      }
      // a recovery already done is taken now: faults due back to back (after a long one) must not
      // stretch the last one's recovery across the next
      observe();
      const before = faults.length;
      await apply(e.kind);
      const applied = faults.at(-1);
      if (faults.length > before && applied) progress(`day ${day(applied.at)}: ${e.kind} — ${applied.detail}`);
    }
    await runUntil(end);
    progress(`real time waited for the engine: ${[...waits].map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`);
    // a last backup settles whether anything was lost: the target must hold the current session
    const last = await h.keeper.backupNow(PHONE);
    observe();
    return report(last.outcome);
  } finally {
    await h.close();
    await storage.close();
    if (fs) await fs.dispose();
  }

  function report(lastBackup: string): SoakReport {
    const availables = h.server.connections.flatMap((c) => c.presences.filter((p) => p.type === 'available').map((p) => p.at));
    const inSleep = availables.filter((t) => modeAt(t, settings).mode === 'sleep').length;
    const whileAsleep = availables.filter((t) => machineAsleep.some(([a, b]) => t > a && t < b)).length;
    const reconnectsByCode: Record<string, number> = {};
    for (const e of h.logs) {
      if (e.event !== 'disconnect.decision') continue;
      const code = String(e.data?.code ?? 'none');
      reconnectsByCode[code] = (reconnectsByCode[code] ?? 0) + 1;
    }
    attempts.sort((a, b) => a - b);
    let maxAttemptsPerHour = 0;
    for (let i = 0, j = 0; i < attempts.length; i++) {
      while ((attempts[j] ?? 0) <= (attempts[i] ?? 0) - HOUR) j++;
      maxAttemptsPerHour = Math.max(maxAttemptsPerHour, i - j + 1);
    }
    const warnings = h.logs.filter((e) => e.level === 'warn' && (e.event === 'phone.inactive' || e.event === 'connection.deaf' || e.event === 'backup.failing')).map((e) => ({ at: e.at, event: e.event, message: e.message }));
    const phoneUnused = unused.map((u) => {
      const from = START + u.from * DAY;
      const w = h.logs.find((e) => e.event === 'phone.inactive' && e.at >= from && e.at <= from + (u.days + 1) * DAY);
      const lastSeen = typeof w?.data?.phoneLastSeenAt === 'number' ? w.data.phoneLastSeenAt : null;
      const removed = (h.server.deviceClocks?.removals ?? []).some((r) => r.cause === 'primary-offline' && r.at >= from && r.at <= from + (u.days + 1) * DAY);
      return { fromDay: u.from, days: u.days, warnedAtDay: w && lastSeen !== null ? (w.at - lastSeen) / DAY : null, removed };
    });
    const count = (event: string) => h.logs.filter((e) => e.event === event).length;
    // every backup outage is followed by a backup that lands (or finds the target already current)
    let lost = 0;
    for (const f of faults.filter((x) => x.kind === 'backup-target-outage')) {
      const failedInside = h.logs.some((e) => e.event === 'backup.failed' && e.at >= f.at && e.at <= f.at + f.durationMs);
      const landedAfter = h.logs.some((e) => (e.event === 'backup.uploaded' || e.event === 'backup.unchanged') && e.at >= f.at + f.durationMs);
      if (failedInside && !landedAfter) lost++;
    }
    if (lastBackup !== 'uploaded' && lastBackup !== 'unchanged') lost++;
    // the session files of a device WhatsApp removed are set aside as part of that rescan; any other is a session lost
    const unavoidableAt = rescans.filter((r) => !r.avoidable).map((r) => r.at);
    sessionsLost += h.logs.filter((e) => e.event === 'session.quarantined' && !unavoidableAt.some((t) => Math.abs(e.at - t) <= DAY)).length;

    const violations: string[] = [];
    const avoidable = rescans.filter((r) => r.avoidable);
    if (avoidable.length > 0) violations.push(`${avoidable.length} rescan(s) a pulse or retry could have avoided: ${avoidable.map((r) => `${r.cause}/${r.serverRemoval ?? '-'} day ${day(r.at)}`).join(', ')}`);
    for (const r of rescans.filter((x) => !x.avoidable)) {
      if (r.warnedAt === null || r.warnedAfterDays === null || r.warnedAfterDays < PHONE_INACTIVE_WARN_MS / DAY - 0.01 || r.warnedAfterDays >= PHONE_LOGOUT_AFTER_MS / DAY) {
        violations.push(`the unavoidable rescan on day ${day(r.at)} was not announced by a warning between day 12 and 14 (warned after ${r.warnedAfterDays?.toFixed(2) ?? 'never'} days)`);
      }
      if (r.notified === null) violations.push(`the unavoidable rescan on day ${day(r.at)} changed no status a notification follows`);
    }
    const spellB = phoneUnused[1];
    if (spellB && !spellB.removed) violations.push('the 15-day unused spell did not get the companion removed: the server model is not running');
    const spellA = phoneUnused[0];
    if (spellA && (spellA.removed || spellA.warnedAtDay === null)) violations.push(`the 13-day unused spell: removed=${spellA.removed}, warned=${spellA.warnedAtDay?.toFixed(2) ?? 'never'}`);
    if (inSleep > 0) violations.push(`${inSleep} pulse(s) inside the anti-ban sleep window`);
    if (whileAsleep > 0) violations.push(`${whileAsleep} pulse(s) while the machine was asleep`);
    const budget = settings.reconnectBudgetPerHour;
    if (maxAttemptsPerHour > budget + 1) violations.push(`${maxAttemptsPerHour} connection attempts in one hour (budget ${budget}, +1 for a pairing)`);
    for (const f of faults) {
      if (f.skipped) continue;
      if (f.openAgainAt === null) violations.push(`${f.kind} on day ${day(f.at)}: never open again`);
      else if (f.openAgainAt - f.clearedAt > f.budgetMs) violations.push(`${f.kind} on day ${day(f.at)}: open again ${((f.openAgainAt - f.clearedAt) / MINUTE).toFixed(0)} min after it cleared (budget ${f.budgetMs / MINUTE} min)`);
    }
    violations.push(...diskProblems);
    if (lost > 0) violations.push(`${lost} backup(s) lost (a failure never followed by a landed backup)`);
    if (sessionsLost > 0) violations.push(`${sessionsLost} session(s) lost (quarantined or a new identity without a recorded rescan)`);
    if (fs && faults.some((f) => f.kind === 'full-disk' && !f.skipped) && storageErrorsShown === 0) violations.push('a full disk never showed as a storage error');
    if (status().storageError !== null) violations.push(`a storage error is still shown at the end: ${JSON.stringify(status().storageError)}`);
    if (status().state !== 'open') violations.push(`the phone ends ${status().state}, not open`);

    return {
      seed: opts.seed,
      days: opts.days,
      startAt: START,
      wallMs: Date.now() - wallStart,
      pulses: availables.length,
      pulsesInSleepWindow: inSleep,
      pulsesWhileMachineAsleep: whileAsleep,
      reconnectsByCode,
      maxAttemptsPerHour,
      budgetPerHour: budget,
      faults,
      phoneUnused,
      warnings,
      notifications,
      rescans,
      backups: { uploaded: count('backup.uploaded'), unchanged: count('backup.unchanged'), failed: count('backup.failed'), lost },
      sessionsLost,
      storageErrorsShown,
      skipped,
      violations,
    };
  }
}

/** The timeline summary both the script and the test print. */
export function formatSoakReport(r: SoakReport): string {
  const d = (t: number) => ((t - r.startAt) / DAY).toFixed(1);
  const lines: string[] = [];
  lines.push(`soak: seed ${r.seed} (replay with SOAK_SEED=${r.seed}), ${r.days} simulated days, ${(r.wallMs / 1000).toFixed(1)} s wall`);
  lines.push(`pulses at the server: ${r.pulses} (in the sleep window: ${r.pulsesInSleepWindow}; while the machine slept: ${r.pulsesWhileMachineAsleep})`);
  lines.push(`reconnects by code: ${Object.entries(r.reconnectsByCode).map(([c, n]) => `${c}×${n}`).join(', ') || 'none'}; most connection attempts in one hour: ${r.maxAttemptsPerHour} (budget ${r.budgetPerHour})`);
  const byKind = new Map<string, FaultRecord[]>();
  for (const f of r.faults) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
  lines.push('');
  lines.push('| fault | times | worst time to open again after it cleared | budget |');
  lines.push('|---|---|---|---|');
  for (const [kind, list] of byKind) {
    const ran = list.filter((f) => !f.skipped);
    const worst = Math.max(0, ...ran.map((f) => (f.openAgainAt === null ? Infinity : f.openAgainAt - f.clearedAt)));
    const budget = Math.max(0, ...ran.map((f) => f.budgetMs));
    const shown = ran.length === 0 ? `skipped (${list[0]?.skipped ?? ''})` : kind === 'backup-target-outage' ? 'n/a (the phone stays open)' : `${(worst / MINUTE).toFixed(1)} min`;
    const notRun = list.length - ran.length;
    lines.push(`| ${kind} | ${ran.length}${notRun > 0 && ran.length > 0 ? ` (+${notRun} not applied: phone not connected)` : ''} | ${shown} | ${budget > 0 ? `${budget / MINUTE} min` : '-'} |`);
  }
  lines.push('');
  for (const u of r.phoneUnused) {
    lines.push(`phone unused ${u.days} days from day ${u.fromDay}: warned after ${u.warnedAtDay === null ? 'never' : `${u.warnedAtDay.toFixed(2)} days`}, companion removed by WhatsApp: ${u.removed ? 'yes' : 'no'}`);
  }
  lines.push(`warnings: ${r.warnings.length} (${[...new Set(r.warnings.map((w) => w.event))].map((e) => `${e}×${r.warnings.filter((w) => w.event === e).length}`).join(', ')}); notifications: ${Object.entries(r.notifications).map(([k, n]) => `${k}×${n}`).join(', ')}`);
  lines.push(`rescans: ${r.rescans.length}${r.rescans.map((x) => `\n  day ${d(x.at)}: ${x.cause}, server: ${x.serverRemoval ?? 'no removal'}, ${x.avoidable ? 'AVOIDABLE' : 'unavoidable (phone unused ≥ 14 days)'}, warned ${x.warnedAfterDays === null ? 'never' : `after ${x.warnedAfterDays.toFixed(2)} days`}, notification: ${x.notified ?? 'none'}`).join('')}`);
  lines.push(`backups: ${r.backups.uploaded} uploaded, ${r.backups.unchanged} unchanged, ${r.backups.failed} failed attempts, ${r.backups.lost} lost; storage errors shown: ${r.storageErrorsShown}; sessions lost: ${r.sessionsLost}`);
  for (const s of r.skipped) lines.push(`skipped: ${s}`);
  lines.push(r.violations.length === 0 ? 'result: every promise held' : `VIOLATIONS:\n  ${r.violations.join('\n  ')}`);
  return lines.join('\n');
}
