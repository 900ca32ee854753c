// A "deaf" socket: on Baileys 7 release candidates a connection can stay open and keep answering
// Baileys' keep-alive pings while nothing else arrives any more (no messages, receipts, replies),
// and only a new socket helps. Pings cannot tell deaf from merely quiet, and neither can silence
// alone (a companion of an idle account hears little). So the signal is our own probe: after a
// quiet spell we send a cheap query that needs a real answer (the block list, which Baileys
// itself asks for at login) and recycle the socket only if that answer does not come.
// The quiet spell runs on the injected clock (a schedule); the probe's timeout is a network
// round-trip and runs on Baileys' own query timer, like every other query it sends — so a clock
// that jumps (sleep/resume, simulated days) can never time a probe out before its answer could come.
import { S_WHATSAPP_NET, type BinaryNode } from '@whiskeysockets/baileys';
import type { Clock, TimerHandle } from '../clock.js';

export interface DeafWatchConfig {
  /** quiet this long (nothing but ping replies heard) before probing; "at the latest after a few hours" */
  quietMs: number;
  /** the shorter quiet spell that warrants a probe while the phone is known to be active */
  activeQuietMs: number;
  /** the phone counts as active for this long after its last sign (receipt, message, presence) */
  activeWindowMs: number;
  /** the probe's answer must arrive within this (real time; Baileys' own queries wait 60 s) */
  probeTimeoutMs: number;
}

export const DEFAULT_DEAF_WATCH: Readonly<DeafWatchConfig> = Object.freeze({
  quietMs: 3 * 60 * 60_000,
  activeQuietMs: 15 * 60_000,
  activeWindowMs: 30 * 60_000,
  probeTimeoutMs: 60_000,
});

/** Where the probe is: none out, one awaiting its answer, or one whose timeout passed unanswered. */
export type ProbeState = 'none' | 'out' | 'unanswered';

export interface DeafWatchInput {
  now: number;
  /** the last stanza heard that was more than a ping reply (or when the socket opened) */
  lastHeardAt: number;
  /** the phone's last sign on this socket; null when none */
  phoneSeenAt: number | null;
  probe: ProbeState;
}

export type DeafVerdict =
  | { kind: 'wait'; until: number }
  | { kind: 'probe' }
  | { kind: 'await-probe' }
  | { kind: 'recycle'; quietForMs: number };

/** What to do about a socket that may have gone deaf. Pure: the timer owner acts on it. */
export function decideDeaf(input: DeafWatchInput, config: DeafWatchConfig): DeafVerdict {
  const { now, lastHeardAt, phoneSeenAt } = input;
  if (input.probe === 'unanswered') return { kind: 'recycle', quietForMs: now - lastHeardAt };
  if (input.probe === 'out') return { kind: 'await-probe' };
  const phoneActive = phoneSeenAt !== null && now - phoneSeenAt < config.activeWindowMs;
  const due = lastHeardAt + (phoneActive ? config.activeQuietMs : config.quietMs);
  return now >= due ? { kind: 'probe' } : { kind: 'wait', until: due };
}

/** A keep-alive ping's answer: a bare `<iq type="result"/>`. It proves nothing about deafness. */
export function isBareResult(node: BinaryNode): boolean {
  const empty = node.content === undefined || (Array.isArray(node.content) && node.content.length === 0);
  return node.tag === 'iq' && node.attrs.type === 'result' && empty;
}

/** The probe: the block list, a small `get` that the server must answer with content. */
export function probeNode(): BinaryNode {
  return { tag: 'iq', attrs: { to: S_WHATSAPP_NET, type: 'get', xmlns: 'blocklist' } };
}

/** How a probe ended: 'gone' when the socket closed first (its close is handled on its own). */
export type ProbeOutcome = 'answered' | 'unanswered' | 'gone';

export interface DeafWatchActions {
  /** sends the probe and settles when it is answered, timed out (probeTimeoutMs) or gone */
  probe(timeoutMs: number): Promise<ProbeOutcome>;
  recycle(quietForMs: number): void;
}

/** Owns the one timer of the watch over the socket that is open now. */
export class DeafSocketWatch {
  private timer: TimerHandle | null = null;
  private lastHeardAt = 0;
  private phoneSeenAt: number | null = null;
  private probe: ProbeState = 'none';
  private actions: DeafWatchActions | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly config: DeafWatchConfig,
  ) {}

  /** The socket opened: the watch starts from now. */
  start(actions: DeafWatchActions): void {
    this.stop();
    this.actions = actions;
    this.lastHeardAt = this.clock.now();
    this.phoneSeenAt = null;
    this.probe = 'none';
    this.check();
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.actions = null;
  }

  /** A stanza arrived. Cheap: the timer is not moved, it re-decides when it fires. */
  heard(node: BinaryNode): void {
    if (isBareResult(node)) return;
    this.lastHeardAt = this.clock.now();
  }

  /** The phone showed a sign: the shorter quiet spell applies, so the timer may need to come earlier. */
  phoneSeen(): void {
    this.phoneSeenAt = this.clock.now();
    if (this.actions) this.check();
  }

  private check(): void {
    const actions = this.actions;
    if (!actions) return;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
    const now = this.clock.now();
    const verdict = decideDeaf({ now, lastHeardAt: this.lastHeardAt, phoneSeenAt: this.phoneSeenAt, probe: this.probe }, this.config);
    switch (verdict.kind) {
      case 'wait':
        this.timer = this.clock.setTimeout(() => this.check(), verdict.until - now);
        return;
      case 'await-probe':
        return;
      case 'probe':
        this.probe = 'out';
        void actions.probe(this.config.probeTimeoutMs).then((outcome) => {
          // stopped or restarted meanwhile: this probe belonged to another socket
          if (this.actions !== actions) return;
          if (outcome === 'gone') return;
          // an answer is a stanza heard now, whatever the clock did meanwhile
          if (outcome === 'answered') this.lastHeardAt = Math.max(this.lastHeardAt, this.clock.now());
          this.probe = outcome === 'answered' ? 'none' : 'unanswered';
          this.check();
        });
        return;
      case 'recycle':
        this.stop();
        actions.recycle(verdict.quietForMs);
        return;
    }
  }
}
