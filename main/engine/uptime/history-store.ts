// Each phone's uptime history: an append-only JSON-lines file under <data>/logs/history/, beside
// the event log but outside its rotation (x.jsonl → x.jsonl.1), so a chatty week cannot erase the
// month. Records come from the same statuses and log entries everyone else sees; compaction to
// HISTORY_KEEP_MS happens once at start, with a durable atomic rewrite.
import { join } from 'node:path';
import { ensureDir, isNotFound, readText, writeFileAtomic } from '../auth-store/atomic-fs.js';
import type { Clock, TimerHandle } from '../clock.js';
import { RotatingJsonlFile } from '../rotating-jsonl-file.js';
import type { LogEntry, PhoneState, PhoneStatus } from '../types.js';
import { HISTORY_HEARTBEAT_MS, HISTORY_KEEP_MS, historyLine, parseHistoryLine, type HistoryRecord } from './history-record.js';

/** The folder under a data folder's logs/ that holds the histories. */
export function historyDir(logsDir: string): string {
  return join(logsDir, 'history');
}

export function historyFile(logsDir: string, phoneId: string): string {
  return join(historyDir(logsDir), `${phoneId}.jsonl`);
}

/** The records in a history file, in file order; a missing file is an empty history. */
export async function readHistoryFile(path: string): Promise<HistoryRecord[]> {
  let text: string;
  try {
    text = await readText(path);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const out: HistoryRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const r = parseHistoryLine(line);
    if (r) out.push(r);
  }
  return out;
}

export interface UptimeHistoryOptions {
  logsDir: string;
  phoneIds: readonly string[];
  clock: Clock;
  /** a write (or the compaction) failed; the keeper logs it, and the history does not record that entry */
  onError: (phoneId: string, err: unknown) => void;
}

/** What the keeper logs a failed history write as; never recorded itself, or a full disk would loop. */
export const HISTORY_WRITE_FAILED = 'uptime.write-failed';

export class UptimeHistory {
  private readonly records = new Map<string, HistoryRecord[]>();
  private readonly files = new Map<string, RotatingJsonlFile>();
  private readonly lastState = new Map<string, PhoneState>();
  private heartbeat: TimerHandle | null = null;
  private recording = false;
  /** log entries and statuses that came between hold() (or start()) and the start record, in order: recorded right after it */
  private held: Array<{ log: LogEntry } | { status: PhoneStatus }> | null = null;
  /** counts stops: a start() that a stop overtook records nothing */
  private stops = 0;
  /** when the keeper began starting (hold()): the time of the start record */
  private heldSince: number | null = null;
  private dirReady: Promise<void> | null = null;

  constructor(private readonly o: UptimeHistoryOptions) {}

  /**
   * The keeper is starting: what its phones log and report from now on is held until start()
   * records (they connect before the history is read, docs/benchmarks.md, sixth pass).
   */
  hold(): void {
    if (this.recording || this.held !== null) return;
    this.held = [];
    this.heldSince = this.o.clock.now();
  }

  /** Loads and compacts every phone's history, then records that the keeper runs (since hold(), if called). */
  async start(): Promise<void> {
    const now = this.heldSince ?? this.o.clock.now();
    const held = (this.held ??= []);
    const stops = this.stops;
    try {
      await Promise.all(this.o.phoneIds.map((id) => this.loadAndCompact(id, now)));
      // stopped while the files were read: nothing is recorded after the stop, no timer is left
      if (this.stops !== stops) return;
      this.recording = true;
      this.lastState.clear(); // the first state after a start is news, even if it was the last one before
      for (const id of this.o.phoneIds) this.append(id, { t: now, k: 'start' });
      this.armHeartbeat();
      for (const h of held) {
        if ('log' in h) this.onLog(h.log);
        else this.onStatus(h.status);
      }
    } finally {
      if (this.held === held) {
        this.held = null;
        this.heldSince = null;
      }
    }
  }

  /** Records the clean stop and waits until every line is on disk. */
  async stop(): Promise<void> {
    this.o.clock.clearTimeout(this.heartbeat);
    this.heartbeat = null;
    this.stops += 1;
    this.held = null; // a start under way, or one that failed before the history was read
    this.heldSince = null;
    if (this.recording) {
      const now = this.o.clock.now();
      for (const id of this.o.phoneIds) this.append(id, { t: now, k: 'stop' });
    }
    this.recording = false;
    await Promise.all([...this.files.values()].map((f) => f.idle()));
  }

  onStatus(s: PhoneStatus): void {
    if (!this.recording) {
      this.held?.push({ status: s });
      return;
    }
    if (this.lastState.get(s.phoneId) === s.state) return;
    this.lastState.set(s.phoneId, s.state);
    this.append(s.phoneId, { t: s.updatedAt, k: 'state', s: s.state });
  }

  onLog(e: LogEntry): void {
    if (!this.recording) {
      if (e.phoneId !== null) this.held?.push({ log: e });
      return;
    }
    if (e.phoneId === null) return;
    if (e.event === 'disconnect.decision') {
      const code = e.data?.code;
      this.append(e.phoneId, { t: e.at, k: 'drop', c: typeof code === 'number' ? code : null });
    } else if (e.event === 'keepalive.sent') this.append(e.phoneId, { t: e.at, k: 'pulse' });
    else if (e.event === 'backup.uploaded') this.append(e.phoneId, { t: e.at, k: 'backup' });
    else if ((e.level === 'warn' || e.level === 'error') && e.event !== HISTORY_WRITE_FAILED) this.append(e.phoneId, { t: e.at, k: 'warn', e: e.event });
  }

  /** This phone's records so far (from memory while running, else read from its file). */
  async history(phoneId: string): Promise<readonly HistoryRecord[]> {
    const held = this.records.get(phoneId);
    if (held) return held;
    return readHistoryFile(historyFile(this.o.logsDir, phoneId));
  }

  private async loadAndCompact(phoneId: string, now: number): Promise<void> {
    const path = historyFile(this.o.logsDir, phoneId);
    let kept: HistoryRecord[] = [];
    try {
      const all = await readHistoryFile(path);
      kept = all.filter((r) => r.t >= now - HISTORY_KEEP_MS);
      if (kept.length < all.length) {
        await this.ensureDir();
        await writeFileAtomic(historyDir(this.o.logsDir), `${phoneId}.jsonl`, kept.map(historyLine).join(''));
      }
    } catch (err) {
      // an unreadable or unwritable history costs the timeline, never the keeper's start
      this.o.onError(phoneId, err);
    }
    this.records.set(phoneId, kept);
  }

  private append(phoneId: string, r: HistoryRecord): void {
    const list = this.records.get(phoneId);
    if (!list) return; // not one of ours
    list.push(r);
    this.file(phoneId).push(historyLine(r));
  }

  private file(phoneId: string): RotatingJsonlFile {
    let f = this.files.get(phoneId);
    if (!f) {
      // never rotated: compaction at start keeps it to a month
      f = new RotatingJsonlFile(historyFile(this.o.logsDir, phoneId), Infinity, 0, () => this.ensureDir(), (err) => this.o.onError(phoneId, err));
      this.files.set(phoneId, f);
    }
    return f;
  }

  private ensureDir(): Promise<void> {
    this.dirReady ??= ensureDir(historyDir(this.o.logsDir)).catch((err: unknown) => {
      this.dirReady = null; // try again on the next write
      throw err;
    });
    return this.dirReady;
  }

  private armHeartbeat(): void {
    this.heartbeat = this.o.clock.setTimeout(() => {
      const now = this.o.clock.now();
      for (const id of this.o.phoneIds) this.append(id, { t: now, k: 'alive' });
      this.armHeartbeat();
    }, HISTORY_HEARTBEAT_MS);
  }
}
