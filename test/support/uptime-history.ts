// Generated uptime histories: what a keeper would have recorded over days of running, built
// record by record (start, states, heartbeats, pulses, backups, drops), so the timeline, the
// window, the tray and the headless command can be tested against a month without living it.
import { DateTime } from 'luxon';
import { HISTORY_HEARTBEAT_MS, historyLine, type HistoryRecord } from '../../main/engine/uptime/history-record.js';
import type { PhoneState } from '../../main/engine/types.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Appends records in time order, with `alive` heartbeats filled in between while running. */
export class HistoryWriter {
  readonly records: HistoryRecord[] = [];
  private t: number;
  private running = false;

  constructor(start: number) {
    this.t = start;
  }

  get now(): number {
    return this.t;
  }

  /** Lets time pass; a running keeper writes a heartbeat every HISTORY_HEARTBEAT_MS. */
  until(t: number): this {
    if (this.running) for (let h = this.t + HISTORY_HEARTBEAT_MS; h < t; h += HISTORY_HEARTBEAT_MS) this.records.push({ t: h, k: 'alive' });
    this.t = Math.max(this.t, t);
    return this;
  }

  after(ms: number): this {
    return this.until(this.t + ms);
  }

  start(): this {
    this.running = true;
    this.records.push({ t: this.t, k: 'start' });
    return this;
  }

  stop(): this {
    this.records.push({ t: this.t, k: 'stop' });
    this.running = false;
    return this;
  }

  /** The process died: nothing more is written, not even a stop. */
  crash(): this {
    this.running = false;
    return this;
  }

  state(s: PhoneState): this {
    this.records.push({ t: this.t, k: 'state', s });
    return this;
  }

  drop(code: number | null): this {
    this.records.push({ t: this.t, k: 'drop', c: code });
    return this;
  }

  pulse(): this {
    this.records.push({ t: this.t, k: 'pulse' }, { t: this.t, k: 'backup' });
    return this;
  }

  /** The wall clock is set to `t` (back or forward) while the keeper runs on. */
  clockTo(t: number): this {
    this.t = t;
    return this;
  }

  /** A record written with a wrong clock (the clock was set back or forward). */
  raw(r: HistoryRecord): this {
    this.records.push(r);
    return this;
  }

  text(): string {
    return this.records.map(historyLine).join('');
  }
}

export interface SimulatedMonth {
  records: HistoryRecord[];
  /** the moment the month ends: "now" for the report */
  now: number;
  zone: string;
  /** the local dates of the two incidents */
  outageDate: string;
  retryDate: string;
}

/**
 * 31 days of a healthy phone in `zone`, ending at `end` (local noon of the last day): linked and
 * open throughout, a pulse and a backup every 6 h, except a 6 h outage (408, reconnecting from
 * 10:00 to 16:00 local) 10 days before the end and two 401s that reconnected after a minute
 * each 4 days before the end (14:00 and 14:30).
 */
export function simulatedMonth(zone: string, end = DateTime.fromObject({ year: 2026, month: 11, day: 24, hour: 12 }, { zone })): SimulatedMonth {
  const startAt = end.startOf('day').minus({ days: 31 });
  const w = new HistoryWriter(startAt.toMillis()).start().state('connecting').after(2000).state('open');
  const outage = end.startOf('day').minus({ days: 10 });
  const retry = end.startOf('day').minus({ days: 4 });
  const events: Array<{ at: number; run: () => void }> = [];
  const down = { from: outage.plus({ hours: 10 }).toMillis(), to: outage.plus({ hours: 16 }).toMillis() };
  for (let p = startAt.plus({ hours: 3 }); p < end; p = p.plus({ hours: 6 })) {
    // no pulse goes out while the connection is down
    if (p.toMillis() < down.from || p.toMillis() >= down.to) events.push({ at: p.toMillis(), run: () => w.pulse() });
  }
  events.push({ at: down.from, run: () => w.drop(408).state('reconnecting') });
  events.push({ at: down.to, run: () => w.state('open') });
  for (const m of [14 * 60, 14 * 60 + 30]) {
    events.push({ at: retry.plus({ minutes: m }).toMillis(), run: () => w.drop(401).state('reconnecting') });
    events.push({ at: retry.plus({ minutes: m + 1 }).toMillis(), run: () => w.state('open') });
  }
  events.sort((a, b) => a.at - b.at);
  for (const e of events) {
    w.until(e.at);
    e.run();
  }
  w.until(end.toMillis());
  return { records: w.records, now: end.toMillis(), zone, outageDate: outage.toISODate() ?? '', retryDate: retry.toISODate() ?? '' };
}
