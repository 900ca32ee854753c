// The outbound anti-ban gate's decision: one pure function of the clock, the settings and what
// this phone already sent, so every rule is tested in isolation and the queue only carries out
// what it is told. The sleep window is the keep-alive one (anti-ban.ts), read the same way.
import { formatLocal, modeAt } from '../anti-ban.js';
import { label, type KeepAliveSettings, type OutboundSettings } from '../settings-schema.js';
import type { OutboundStop } from '../types.js';

export type { OutboundStop } from '../types.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
export const DAY = 24 * 60 * MINUTE;


/** What the gate needs to know about the phone and the chat a message goes to. */
export interface SendFacts {
  /** when the number was linked; null when unknown (no warm-up applies) */
  pairedAt: number | null;
  /** when this phone sent messages, oldest first (at least the last 24 hours) */
  sends: readonly number[];
  /** when this phone started chats it had never talked to, oldest first (last 24 hours) */
  newChatSends: readonly number[];
  /** the last message this phone sent to the chat; null: none */
  lastToChat: number | null;
  /** the account has sent to or received from this chat before */
  knownChat: boolean;
  stop: OutboundStop | null;
  /** length of the text, for the composing time */
  textLength: number;
}

export type HoldCode = 'rate' | 'per-minute' | 'chat-gap' | 'sleep';
export type RefuseCode = 'stopped' | 'sleep' | 'new-chat-cap' | 'warm-up-cap';

export type OutboundDecision =
  /** `composingMs`: how long to show "typing…" first (0: none) */
  | { kind: 'send'; newChat: boolean; composingMs: number }
  | { kind: 'hold'; until: number; code: HoldCode; reason: string }
  | { kind: 'refuse'; code: RefuseCode; reason: string };

export interface DecideInput {
  now: number;
  outbound: OutboundSettings;
  keepAlive: KeepAliveSettings;
  facts: SendFacts;
}

/**
 * Decision table, first match wins:
 *   stopped (server refusals / restriction)      → refuse until a person resumes
 *   new chat and the daily new-chat cap is spent → refuse
 *   warm-up day n and its daily cap is spent     → refuse (the cap rises each day)
 *   inside the sleep window                      → hold until it ends, or refuse (a setting)
 *   token bucket empty / minute cap / chat gap   → hold until the latest of them allows
 *   otherwise                                    → send, after "composing" for a while
 * Caps that only a new day lifts refuse rather than hold: a message held for hours is news
 * nobody expects, and the warm-up must never hold one message longer than the rate would.
 */
export function decideSend({ now, outbound: o, keepAlive, facts: f }: DecideInput): OutboundDecision {
  if (f.stop) {
    return { kind: 'refuse', code: 'stopped', reason: `Sending is stopped on this phone since ${formatLocal(f.stop.at, keepAlive.timeZone)}: ${f.stop.reason}. Resume it once the account is fine.` };
  }
  const dayStart = now - DAY;
  const newChat = !f.knownChat;
  if (newChat) {
    const started = countAfter(f.newChatSends, dayStart, now);
    if (started >= o.newChatsPerDay) {
      return {
        kind: 'refuse',
        code: 'new-chat-cap',
        reason: `New-chat cap: ${started} chat(s) this account never talked to were started in the last 24 hours (limit ${o.newChatsPerDay})`,
      };
    }
  }
  const warm = warmUpCap(now, f.pairedAt, o);
  if (warm) {
    const sent = countAfter(f.sends, dayStart, now);
    if (sent >= warm.cap) {
      return {
        kind: 'refuse',
        code: 'warm-up-cap',
        reason: `Warm-up: this number was linked ${warm.day} day(s) ago and may send ${warm.cap} messages a day for now (${sent} in the last 24 hours); the cap rises each day for ${o.warmUpDays} days`,
      };
    }
  }
  // only the sleep window matters to messages (reduced windows are about keep-alive pulses)
  const sleep = sleepAt(now, keepAlive);
  if (sleep) {
    const end = sleep.end;
    const where = `the sleep window ${label(keepAlive.sleepWindow)} (${keepAlive.timeZone})`;
    if (o.inSleepWindow === 'refuse') return { kind: 'refuse', code: 'sleep', reason: `No messages inside ${where}` };
    return { kind: 'hold', until: end, code: 'sleep', reason: `Held: no messages inside ${where}; goes out after ${formatLocal(end, keepAlive.timeZone)}` };
  }
  const holds: Array<{ until: number; code: HoldCode; reason: string }> = [];
  const bucketAt = bucketReadyAt(f.sends, now, o.intervalSeconds * SECOND, o.burst);
  if (bucketAt > now) holds.push({ until: bucketAt, code: 'rate', reason: `Held: at most one message every ${o.intervalSeconds} s per phone` });
  const minuteAt = windowReadyAt(f.sends, now, MINUTE, o.perMinute);
  if (minuteAt > now) holds.push({ until: minuteAt, code: 'per-minute', reason: `Held: at most ${o.perMinute} messages a minute per phone` });
  if (f.lastToChat !== null && f.lastToChat <= now) {
    const gapAt = f.lastToChat + o.chatGapSeconds * SECOND;
    if (gapAt > now) holds.push({ until: gapAt, code: 'chat-gap', reason: `Held: at least ${o.chatGapSeconds} s between messages to one chat` });
  }
  const latest = holds.reduce<(typeof holds)[number] | null>((a, h) => (a === null || h.until > a.until ? h : a), null);
  if (latest) return { kind: 'hold', ...latest };
  return { kind: 'send', newChat, composingMs: composingMs(f.textLength, o) };
}

/** A stretch of time known to be all sleep (`sleep` set) or free of it, per settings object. */
const sleepMemo = new WeakMap<KeepAliveSettings, { from: number; until: number; sleep: { start: number; end: number } | null }>();

/**
 * The sleep span containing `now`, or null. Time-zone arithmetic costs far more than the rest of
 * a decision, and a phone asks many times between two window edges: the answer is remembered
 * for as long as it holds (the anti-ban modes, read once per edge).
 */
function sleepAt(now: number, keepAlive: KeepAliveSettings): { start: number; end: number } | null {
  const known = sleepMemo.get(keepAlive);
  if (known && known.from <= now && now < known.until) return known.sleep;
  const m = modeAt(now, keepAlive);
  const until = m.endsAt ?? now + 1;
  const sleep = m.mode === 'sleep' && m.startedAt !== undefined ? { start: m.startedAt, end: until } : null;
  sleepMemo.set(keepAlive, { from: sleep ? sleep.start : now, until, sleep });
  return sleep;
}

/** The warm-up day (0 = the day of linking) and its cap; null once warmed up or unknown. */
export function warmUpCap(now: number, pairedAt: number | null, o: OutboundSettings): { day: number; cap: number } | null {
  if (pairedAt === null || o.warmUpDays === 0 || pairedAt > now) return null;
  const day = Math.floor((now - pairedAt) / DAY);
  if (day >= o.warmUpDays) return null;
  return { day, cap: o.warmUpFirstDay * (day + 1) };
}

/** "Typing…" time: grows with the text, capped; 0 when turned off. */
export function composingMs(textLength: number, o: OutboundSettings): number {
  if (!o.composing) return 0;
  return Math.min(o.composingMaxSeconds * SECOND, Math.round(textLength * o.composingMsPerChar));
}

/**
 * Token bucket as GCRA over the send history: one token per `intervalMs`, at most `burst` held.
 * Replaying the history (instead of storing a token count) keeps it exact across restarts and in
 * whole milliseconds. Sends "from the future" (the clock went back) say nothing about now.
 */
export function bucketReadyAt(sends: readonly number[], now: number, intervalMs: number, burst: number): number {
  let tat = -Infinity;
  for (const s of sends) {
    if (s > now) break;
    tat = Math.max(tat, s) + intervalMs;
  }
  return Math.max(now, tat - (burst - 1) * intervalMs);
}

/** When a rolling window of `windowMs` holds fewer than `limit` sends again (now if it does). */
export function windowReadyAt(sends: readonly number[], now: number, windowMs: number, limit: number): number {
  const inWindow = sends.filter((s) => s > now - windowMs && s <= now);
  if (inWindow.length < limit) return now;
  const nth = inWindow[inWindow.length - limit];
  return nth === undefined ? now : nth + windowMs;
}

function countAfter(times: readonly number[], after: number, now: number): number {
  let n = 0;
  for (const t of times) if (t > after && t <= now) n++;
  return n;
}

/**
 * A send error that means WhatsApp restricts this account (rather than a network hiccup): the
 * 463 NACK ("reach-out time-lock"), a ban or a restriction named in the error. Such an error
 * stops sending at once.
 */
export function looksLikeRestriction(err: unknown): boolean {
  const e = err as { message?: unknown; output?: { statusCode?: unknown }; data?: unknown; code?: unknown } | null;
  const status = e?.output?.statusCode;
  if (status === 463 || status === 403 || status === 479) return true;
  const text = `${typeof e?.message === 'string' ? e.message : String(err)} ${typeof e?.code === 'string' ? e.code : ''}`.toLowerCase();
  return /\b463\b|restrict|time-?lock|banned|spam|blocked by whatsapp/.test(text);
}

/**
 * A server refusal (NACK code) that means the account is restricted from reaching out: 463 (a
 * restricted account / the reach-out time-lock; Baileys does not retry it because a retry counts as
 * another reach-out). One is enough to stop; other codes (e.g. 479, a stale device session) only
 * count toward the refusal threshold.
 */
export function isRestrictionNack(code: string | undefined): boolean {
  return code === '463';
}

/** Refusals counted in the last 24 hours reached the setting: sending must stop. */
export function refusalsStop(failures: readonly number[], now: number, o: OutboundSettings): boolean {
  return countAfter(failures, now - DAY, now) >= o.failuresBeforeStop;
}
