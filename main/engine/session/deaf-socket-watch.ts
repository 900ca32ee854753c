// A "deaf" socket: on Baileys 7 release candidates a connection can stay open and keep answering
// Baileys' keep-alive pings while nothing else arrives any more (no messages, receipts, replies),
// and only a new socket helps. Pings cannot tell deaf from merely quiet, and neither can silence
// alone (a companion of an idle account hears little). So the signal is our own probe: after a
// quiet spell we send a cheap query that needs a real answer (the block list, which Baileys
// itself asks for at login) and recycle the socket only if that answer does not come.
import { S_WHATSAPP_NET, type BinaryNode } from '@whiskeysockets/baileys';
import type { Clock, TimerHandle } from '../clock.js';

export interface DeafWatchConfig {
  /** quiet this long (nothing but ping replies heard) before probing; "at the latest after a few hours" */
  quietMs: number;
  /** the shorter quiet spell that warrants a probe while the phone is known to be active */
  activeQuietMs: number;
  /** the phone counts as active for this long after its last sign (receipt, message, presence) */
  activeWindowMs: number;
  /** the probe's answer must arrive within this (Baileys' own queries wait 60 s) */
  probeTimeoutMs: number;
}

export const DEFAULT_DEAF_WATCH: Readonly<DeafWatchConfig> = Object.freeze({
  quietMs: 3 * 60 * 60_000,
  activeQuietMs: 15 * 60_000,
  activeWindowMs: 30 * 60_000,
  probeTimeoutMs: 60_000,
});

export interface DeafWatchInput {
  now: number;
  /** the last stanza heard that was more than a ping reply (or when the socket opened) */
  lastHeardAt: number;
  /** the phone's last sign on this socket; null when none */
  phoneSeenAt: number | null;
  /** when the unanswered probe went out; null when none is out */
  probeSentAt: number | null;
}

export type DeafVerdict =
  | { kind: 'wait'; until: number }
  | { kind: 'probe' }
  | { kind: 'recycle'; quietForMs: number };

/** What to do about a socket that may have gone deaf. Pure: the timer owner acts on it. */
export function decideDeaf(input: DeafWatchInput, config: DeafWatchConfig): DeafVerdict {
  const { now, lastHeardAt, phoneSeenAt } = input;
  // anything heard after the probe went out is its answer (or as good as one)
  const probeSentAt = input.probeSentAt !== null && lastHeardAt < input.probeSentAt ? input.probeSentAt : null;
  if (probeSentAt !== null) {
    const deadline = probeSentAt + config.probeTimeoutMs;
    return now >= deadline ? { kind: 'recycle', quietForMs: now - lastHeardAt } : { kind: 'wait', until: deadline };
  }
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
export function probeNode(id: string): BinaryNode {
  return { tag: 'iq', attrs: { id, to: S_WHATSAPP_NET, type: 'get', xmlns: 'blocklist' } };
}

export interface DeafWatchActions {
  probe(): void;
  recycle(quietForMs: number): void;
}

/** Owns the one timer of the watch over the socket that is open now. */
export class DeafSocketWatch {
  private timer: TimerHandle | null = null;
  private lastHeardAt = 0;
  private phoneSeenAt: number | null = null;
  private probeSentAt: number | null = null;
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
    this.probeSentAt = null;
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
    const verdict = decideDeaf({ now, lastHeardAt: this.lastHeardAt, phoneSeenAt: this.phoneSeenAt, probeSentAt: this.probeSentAt }, this.config);
    switch (verdict.kind) {
      case 'wait':
        if (this.probeSentAt !== null && this.lastHeardAt >= this.probeSentAt) this.probeSentAt = null;
        this.timer = this.clock.setTimeout(() => this.check(), verdict.until - now);
        return;
      case 'probe':
        this.probeSentAt = now;
        actions.probe();
        this.timer = this.clock.setTimeout(() => this.check(), this.config.probeTimeoutMs);
        return;
      case 'recycle':
        this.stop();
        actions.recycle(verdict.quietForMs);
        return;
    }
  }
}
