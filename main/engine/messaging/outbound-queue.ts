// The outbound queue: every message a bot or an embedder sends goes through here and the gate.
// submit → idempotency → lookup → `queued` (journaled) → the gate decides → port.sendText →
// `sent`, then the port's receipts move it forward (never back). Held messages wake on a timer.
//
// Delivery guarantee: AT MOST ONCE. Before each send the record is durably marked "sending"; a
// record found so marked after a crash (SIGKILL, power cut) may or may not have gone out, and is
// failed with that reason instead of being sent again. Records still `queued` without the mark
// go out once after a restart. A send the port refused before it reached WhatsApp (`not-open`)
// is retried; any other send error fails the record (its fate is unknown).
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../clock.js';
import { errorCode, KeeperError } from '../errors.js';
import type { KeepAliveSettings, OutboundSettings } from '../settings-schema.js';
import type { LogLevel } from '../types.js';
import { DAY, decideSend, isRestrictionNack, looksLikeRestriction, refusalsStop, type OutboundStop } from './outbound-gate.js';
import { OutboundJournal } from './outbound-journal.js';
import { maskedNumber } from '../pairing-code.js';
import {
  MESSAGE_STATES,
  type IncomingMessage,
  type MessageRecord,
  type MessageState,
  type MessageStatusUpdate,
  type MessagingPort,
  type OutboundService,
  type SendRequest,
} from './types.js';

/** How soon a message waiting for the phone's connection is tried again (a reconnect kicks it sooner). */
export const NOT_OPEN_RETRY_MS = 30_000;
/**
 * Longest single timer: a held message is looked at again at least this often, so a timer that
 * ran slow across the computer's sleep or a wall-clock jump is late by at most this much.
 */
const MAX_TIMER_MS = 60_000;
/** Receipts that arrive before the send itself returned, kept per phone until it does. */
const EARLY_RECEIPTS_KEPT = 1000;
const INTERRUPTED = 'The send of this message was interrupted (the app stopped, or its outcome could not be saved): it may or may not have gone out, and it is not sent again so it cannot arrive twice';
/** Journal lines appended before the journal is compacted (and old records pruned). */
const COMPACT_AFTER_LINES = 5000;

export interface OutboundQueueOptions {
  /** phone id → the folder its journal lives in (the keeper's per-phone state folder) */
  stateDir: (phoneId: string) => string;
  phoneIds: readonly string[];
  port: MessagingPort;
  outbound: OutboundSettings;
  keepAlive: KeepAliveSettings;
  clock: Clock;
  /** when the phone was linked (drives the warm-up); null when unknown */
  pairedAt: (phoneId: string) => number | null;
  log: (phoneId: string | null, level: LogLevel, event: string, message: string, data?: Record<string, unknown>) => void;
  newId?: () => string;
}

export interface OutboundQueueEvents {
  record: [MessageRecord];
  /** sending stopped (a stop) or was resumed (null) on a phone */
  stop: [string, OutboundStop | null];
}

/** A record as journaled: the public one plus what only the queue needs. */
interface StoredRecord extends MessageRecord {
  /** the text, kept only while the message waits to go out */
  text: string | null;
  idempotencyKey: string | null;
  /** durably set right before port.sendText; cleared by the outcome */
  sending: boolean;
  /**
   * When the last send of it began (null: none, or one refused before reaching WhatsApp). A send
   * that failed or was cut off may still have gone out, so it counts against the limits.
   */
  attemptAt?: number | null;
  /** this message started a chat the account had never talked to */
  newChat: boolean;
  /** the gate's code for the current hold or refusal, so an unchanged hold is not logged again */
  code: string | null;
}

type JournalEntry =
  | { t: 'rec'; r: StoredRecord }
  /** a chat the account talked to, and when it last did (absent in journals written before it) */
  | { t: 'known'; jid: string; at?: number }
  | { t: 'stop'; at: number; reason: string }
  | { t: 'resume'; at: number }
  | { t: 'refusal'; at: number };

interface Book {
  phoneId: string;
  journal: OutboundJournal;
  /** in creation order */
  records: Map<string, StoredRecord>;
  byKey: Map<string, string>;
  byWaId: Map<string, string>;
  /** chats the account talked to → when it last did; forgotten with the records */
  known: Map<string, number>;
  stop: OutboundStop | null;
  refusals: number[];
  /** send times in the last day, oldest first; and those that started a new chat */
  sends: number[];
  newChatSends: number[];
  lastToChat: Map<string, number>;
  early: Map<string, MessageStatusUpdate[]>;
  inflightKeys: Map<string, Promise<MessageRecord>>;
  timer: TimerHandle | null;
  pumping: Promise<void> | null;
  again: boolean;
  /** receipts and incoming messages being journaled */
  side: Set<Promise<void>>;
  linesSinceCompact: number;
}

const rank = (s: MessageState) => MESSAGE_STATES.indexOf(s);

export class OutboundQueue extends EventEmitter<OutboundQueueEvents> implements OutboundService {
  private readonly books = new Map<string, Book>();
  private ready: Promise<void> | null = null;
  private closed = false;
  private readonly wakeups = new Set<() => void>();
  private readonly newId: () => string;

  constructor(private readonly opts: OutboundQueueOptions) {
    super();
    this.newId = opts.newId ?? randomUUID;
    for (const phoneId of opts.phoneIds) {
      this.books.set(phoneId, {
        phoneId,
        journal: new OutboundJournal(opts.stateDir(phoneId)),
        records: new Map(),
        byKey: new Map(),
        byWaId: new Map(),
        known: new Map(),
        stop: null,
        refusals: [],
        sends: [],
        newChatSends: [],
        lastToChat: new Map(),
        early: new Map(),
        inflightKeys: new Map(),
        timer: null,
        pumping: null,
        again: false,
        side: new Set(),
        linesSinceCompact: 0,
      });
    }
  }

  /** Loads every phone's journal (compacting it), listens to the port and sends what waits. */
  start(): Promise<void> {
    if (this.closed) {
      // started again after a stop (a keeper restarted in place): read the journals anew
      this.closed = false;
      this.ready = null;
    }
    this.ready ??= (async () => {
      // every phone's journal at once (50 phones read and compacted one after another before)
      await Promise.all([...this.books.values()].map((book) => this.load(book)));
      this.opts.port.on('message', this.onIncoming);
      this.opts.port.on('message-status', this.onStatusUpdate);
      for (const book of this.books.values()) this.pump(book);
    })();
    return this.ready;
  }

  /** Stops timers and waits for a send under way; what is queued stays queued on disk. */
  async stop(): Promise<void> {
    if (this.closed || this.ready === null) return;
    await this.ready.catch(() => {});
    this.closed = true;
    this.opts.port.off('message', this.onIncoming);
    this.opts.port.off('message-status', this.onStatusUpdate);
    for (const wake of this.wakeups) wake();
    for (const book of this.books.values()) {
      this.opts.clock.clearTimeout(book.timer);
      book.timer = null;
    }
    await this.settled();
    for (const book of this.books.values()) await book.journal.close();
  }

  /** Before the first start, starts; after a stop, refuses (nothing would send it). */
  private started(): Promise<void> {
    if (this.closed) return Promise.reject(new KeeperError('not-open', 'The outbound queue is stopped.'));
    return this.start();
  }

  /** Resolves once no phone is deciding or sending (tests, shutdown). */
  async settled(): Promise<void> {
    for (;;) {
      const busy = [...this.books.values()].flatMap((b) => [...b.side, ...(b.pumping ? [b.pumping] : [])]);
      if (busy.length === 0) return;
      await Promise.all(busy);
    }
  }

  async submit(req: SendRequest): Promise<MessageRecord> {
    const book = this.book(req.phoneId);
    if (typeof req.text !== 'string' || req.text.length === 0) throw new KeeperError('invalid-input', 'The message text is empty.');
    if (typeof req.to !== 'string' || req.to.trim() === '') throw new KeeperError('invalid-input', 'The recipient is empty.');
    await this.started();
    const key = req.idempotencyKey;
    if (key === undefined) return this.enqueue(book, req);
    const existing = book.byKey.get(key);
    const known = existing === undefined ? undefined : book.records.get(existing);
    if (known) return toPublic(known);
    const inflight = book.inflightKeys.get(key);
    if (inflight) return inflight;
    const p = this.enqueue(book, req).finally(() => book.inflightKeys.delete(key));
    book.inflightKeys.set(key, p);
    return p;
  }

  get(phoneId: string, id: string): MessageRecord | null {
    const r = this.books.get(phoneId)?.records.get(id);
    return r ? toPublic(r) : null;
  }

  /** The stop in force on this phone, or null while it may send. */
  stopOf(phoneId: string): OutboundStop | null {
    return this.book(phoneId).stop;
  }

  /** A person lifts a stop: sending resumes and earlier refusals no longer count. False: there was no stop. */
  async resume(phoneId: string): Promise<boolean> {
    const book = this.book(phoneId);
    await this.started();
    if (!book.stop) return false;
    book.stop = null;
    book.refusals = [];
    await this.write(book, { t: 'resume', at: this.opts.clock.now() });
    this.opts.log(phoneId, 'info', 'outbound.resumed', 'Sending resumed on this phone by request.');
    this.emit('stop', phoneId, null);
    this.pump(book);
    return true;
  }

  /** Something changed outside (the phone connected): look at this phone's queue now. */
  kick(phoneId: string): void {
    const book = this.books.get(phoneId);
    if (book && this.ready) this.pump(book);
  }

  private book(phoneId: string): Book {
    const book = this.books.get(phoneId);
    if (!book) throw new KeeperError('unknown-phone', `No phone with id ${JSON.stringify(phoneId)} is configured.`);
    return book;
  }

  private async enqueue(book: Book, req: SendRequest): Promise<MessageRecord> {
    let jid: string | null;
    try {
      jid = await this.opts.port.lookup(book.phoneId, req.to);
      if (jid === null) throw new KeeperError('not-on-whatsapp', `${req.to} is not on WhatsApp.`);
    } catch (err) {
      const code = errorCode(err);
      if (code === 'unknown-phone' || code === 'not-on-whatsapp' || code === 'invalid-input') throw err;
      // Not connected (or a lookup that failed on the way): queue it, look it up before sending.
      jid = null;
      this.opts.log(book.phoneId, 'info', 'outbound.lookup-deferred', `The number could not be looked up now (${(err as Error).message}); it is looked up before sending.`);
    }
    const now = this.opts.clock.now();
    const r: StoredRecord = {
      id: this.newId(),
      phoneId: book.phoneId,
      to: req.to,
      jid,
      waId: null,
      state: 'queued',
      reason: null,
      times: { queued: now },
      createdAt: now,
      text: req.text,
      idempotencyKey: req.idempotencyKey ?? null,
      sending: false,
      newChat: false,
      code: null,
    };
    try {
      await this.save(book, r);
    } catch (err) {
      throw new KeeperError('storage-error', `The message could not be queued: ${(err as Error).message}`, { cause: err });
    }
    this.opts.log(book.phoneId, 'info', 'outbound.queued', `Message ${r.id} queued.`, { id: r.id, ...(r.idempotencyKey !== null ? { idempotencyKey: r.idempotencyKey } : {}) });
    this.pump(book);
    return toPublic(r);
  }

  // ---------------------------------------------------------------------------------------------
  // The pump: one per phone, so a phone's messages are decided and sent one at a time.

  private pump(book: Book): void {
    if (this.closed) return;
    if (book.pumping) {
      book.again = true;
      return;
    }
    book.pumping = (async () => {
      try {
        do {
          book.again = false;
          await this.pumpOnce(book);
        } while (book.again && !this.closed);
      } catch (err) {
        // A journal that cannot be written: nothing is sent without its record; try again later.
        this.opts.log(book.phoneId, 'error', 'outbound.error', `The outbound queue stopped on an error: ${(err as Error).message}; it tries again in ${NOT_OPEN_RETRY_MS / 1000} s.`);
        this.wakeAt(book, this.opts.clock.now() + NOT_OPEN_RETRY_MS);
      } finally {
        book.pumping = null;
      }
    })();
  }

  /** Sends every message the gate lets through now; then sleeps until the earliest hold ends. */
  private async pumpOnce(book: Book): Promise<void> {
    this.opts.clock.clearTimeout(book.timer);
    book.timer = null;
    if (book.linesSinceCompact >= COMPACT_AFTER_LINES) await this.compact(book);
    scan: for (;;) {
      if (this.closed) return;
      let wake = Infinity;
      // One pass decides at one instant: time that passes while a hold is journaled must not let a
      // later message overtake the one just held. And a chat keeps its order: once one of its
      // messages waits, the ones behind it wait too.
      const passNow = this.opts.clock.now();
      const waitingChats = new Set<string>();
      for (const r of book.records.values()) {
        if (r.state !== 'queued') continue;
        if (waitingChats.has(r.to) || (r.jid !== null && waitingChats.has(r.jid))) continue;
        if (r.sending) {
          // a send whose outcome could not be recorded (the disk refused): never sent again
          await this.fail(book, r, INTERRUPTED, 'interrupted', 'outbound.interrupted');
          continue;
        }
        if (r.jid === null) {
          const looked = await this.lookUp(book, r);
          if (looked === 'wait') {
            wake = Math.min(wake, this.opts.clock.now() + NOT_OPEN_RETRY_MS);
            waitingChats.add(r.to);
          }
          // the record changed (or failed): decide on its new version in the next pass
          if (looked === 'ok') continue scan;
          continue;
        }
        const jid = r.jid;
        const now = passNow;
        pruneDay(book, now);
        const d = decideSend({
          now,
          outbound: this.opts.outbound,
          keepAlive: this.opts.keepAlive,
          facts: {
            pairedAt: this.opts.pairedAt(book.phoneId),
            sends: book.sends,
            newChatSends: book.newChatSends,
            lastToChat: book.lastToChat.get(jid) ?? null,
            knownChat: book.known.has(jid),
            stop: book.stop,
            textLength: r.text?.length ?? 0,
          },
        });
        if (d.kind === 'refuse') {
          await this.fail(book, r, d.reason, d.code, 'outbound.refused');
          continue;
        }
        if (d.kind === 'hold') {
          wake = Math.min(wake, d.until);
          waitingChats.add(jid).add(r.to);
          if (r.code !== d.code) {
            await this.save(book, { ...r, reason: d.reason, code: d.code });
            this.opts.log(book.phoneId, 'info', 'outbound.held', `Message ${r.id} held until ${new Date(d.until).toISOString()}: ${d.reason}`, { id: r.id, code: d.code, until: d.until });
          }
          continue;
        }
        this.opts.log(book.phoneId, 'info', 'outbound.send', `Message ${r.id} goes out${d.composingMs > 0 ? ` after ${d.composingMs} ms of "typing…"` : ''}${d.newChat ? ' (a new chat)' : ''}.`, { id: r.id, composingMs: d.composingMs, newChat: d.newChat });
        const outcome = await this.sendOne(book, r, jid, d.composingMs, d.newChat);
        // no connection: nothing else can go either; the retry timer (or the phone opening) wakes us
        if (outcome === 'not-open') return;
        continue scan;
      }
      if (wake !== Infinity) this.wakeAt(book, wake);
      return;
    }
  }

  private wakeAt(book: Book, at: number): void {
    if (this.closed) return;
    this.opts.clock.clearTimeout(book.timer);
    book.timer = this.opts.clock.setTimeout(() => {
      book.timer = null;
      this.pump(book);
    }, Math.min(MAX_TIMER_MS, Math.max(1, at - this.opts.clock.now())));
  }

  /** A record queued while the number could not be looked up: 'ok' (jid set), 'failed' or 'wait'. */
  private async lookUp(book: Book, r: StoredRecord): Promise<'ok' | 'failed' | 'wait'> {
    let jid: string | null;
    try {
      jid = await this.opts.port.lookup(book.phoneId, r.to);
    } catch (err) {
      if (errorCode(err) === 'invalid-input') {
        await this.fail(book, r, (err as Error).message, 'invalid-input', 'outbound.refused');
        return 'failed';
      }
      if (r.code !== 'not-open') {
        await this.save(book, { ...r, reason: `Waiting for the phone's connection to look the number up (${(err as Error).message})`, code: 'not-open' });
      }
      return 'wait';
    }
    if (jid === null) {
      await this.fail(book, r, `${r.to} is not on WhatsApp`, 'not-on-whatsapp', 'outbound.refused');
      return 'failed';
    }
    await this.save(book, { ...r, jid });
    return 'ok';
  }

  private async sendOne(book: Book, queued: StoredRecord, jid: string, composing: number, newChat: boolean): Promise<'done' | 'not-open'> {
    const port = this.opts.port;
    const text = queued.text ?? '';
    if (composing > 0 && port.sendPresence) {
      try {
        await port.sendPresence(book.phoneId, jid, 'composing');
        await this.delay(composing);
      } catch (err) {
        this.opts.log(book.phoneId, 'debug', 'outbound.composing-failed', `"Typing…" could not be shown: ${(err as Error).message}`, { id: queued.id });
      }
      // stopping while "typing…": nothing was sent, the record stays queued for the next start
      if (this.closed) return 'done';
    }
    // The durable mark that makes a crash from here on fail this record rather than send it twice.
    const r: StoredRecord = { ...queued, jid, sending: true, attemptAt: this.opts.clock.now(), reason: null, code: null };
    await this.save(book, r);
    let sent;
    try {
      sent = await port.sendText(book.phoneId, jid, text);
    } catch (err) {
      if (composing > 0 && port.sendPresence) await port.sendPresence(book.phoneId, jid, 'paused').catch(() => {});
      return this.sendFailed(book, r, err);
    }
    const at = this.opts.clock.now();
    countSend(book, sent.jid, at, newChat);
    book.lastToChat.set(jid, at);
    await this.learnChat(book, sent.jid);
    const done: StoredRecord = { ...r, jid: sent.jid, waId: sent.waId, state: 'sent', times: { ...r.times, sent: at }, text: null, sending: false, newChat };
    await this.save(book, done);
    book.byWaId.set(sent.waId, done.id);
    this.opts.log(book.phoneId, 'info', 'outbound.sent', `Message ${done.id} sent (WhatsApp id ${sent.waId}).`, { id: done.id, waId: sent.waId });
    const early = book.early.get(sent.waId);
    book.early.delete(sent.waId);
    for (const u of early ?? []) await this.applyStatus(book, u);
    return 'done';
  }

  private async sendFailed(book: Book, r: StoredRecord, err: unknown): Promise<'done' | 'not-open'> {
    const code = errorCode(err);
    const message = (err as Error).message;
    if (code === 'not-open') {
      // refused before anything reached WhatsApp: safe to try again
      await this.save(book, { ...r, sending: false, attemptAt: null, reason: `Waiting for the phone's connection (${message})`, code: 'not-open' });
      this.opts.log(book.phoneId, 'info', 'outbound.held', `Message ${r.id} waits for the phone's connection.`, { id: r.id, code: 'not-open' });
      this.wakeAt(book, this.opts.clock.now() + NOT_OPEN_RETRY_MS);
      return 'not-open';
    }
    if (looksLikeRestriction(err)) {
      await this.fail(book, r, `WhatsApp refused the message and signals a restriction: ${message}`, 'restricted', 'outbound.send-failed');
      await this.stopPhone(book, `WhatsApp signalled a restriction (${message})`);
      return 'done';
    }
    const reason = code === 'not-on-whatsapp' ? `${r.to} is not on WhatsApp` : `The send failed and was not retried, so it cannot arrive twice: ${message}`;
    await this.fail(book, r, reason, code, 'outbound.send-failed');
    return 'done';
  }

  private async fail(book: Book, r: StoredRecord, reason: string, code: string, event: string): Promise<void> {
    const at = this.opts.clock.now();
    if (r.sending && r.jid !== null && typeof r.attemptAt === 'number') countSend(book, r.jid, r.attemptAt);
    await this.save(book, { ...r, state: 'failed', reason, code, sending: false, text: null, times: { ...r.times, failed: at } });
    // the record keeps the recipient (the caller gave it); the event log gets its last digits only
    const logged = r.to === '' ? reason : reason.split(r.to).join(maskedRecipient(r.to));
    this.opts.log(book.phoneId, 'warn', event, `Message ${r.id} failed: ${logged}`, { id: r.id, code });
  }

  private async stopPhone(book: Book, reason: string): Promise<void> {
    if (book.stop) return;
    const at = this.opts.clock.now();
    book.stop = { at, reason };
    await this.write(book, { t: 'stop', at, reason });
    this.opts.log(book.phoneId, 'error', 'outbound.stopped', `Sending stopped on this phone: ${reason}. It stays stopped until you resume it.`, { reason });
    this.emit('stop', book.phoneId, book.stop);
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.wakeups.delete(done);
        this.opts.clock.clearTimeout(handle);
        resolve();
      };
      const handle = this.opts.clock.setTimeout(done, ms);
      this.wakeups.add(done);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // What the port reports

  private readonly onIncoming = (m: IncomingMessage): void => {
    const book = this.books.get(m.phoneId);
    if (!book || this.closed) return;
    this.sideWork(book, () => this.learnChat(book, m.chatJid));
  };

  private readonly onStatusUpdate = (u: MessageStatusUpdate): void => {
    const book = this.books.get(u.phoneId);
    if (!book || this.closed) return;
    if (!book.byWaId.has(u.waId)) {
      // the receipt can beat sendText's own answer: keep it until the record knows its waId
      const list = book.early.get(u.waId) ?? [];
      list.push(u);
      book.early.set(u.waId, list);
      if (book.early.size > EARLY_RECEIPTS_KEPT) {
        const oldest = book.early.keys().next().value;
        if (oldest !== undefined) book.early.delete(oldest);
      }
      return;
    }
    this.sideWork(book, () => this.applyStatus(book, u));
  };

  private async applyStatus(book: Book, u: MessageStatusUpdate): Promise<void> {
    const id = book.byWaId.get(u.waId);
    const r = id === undefined ? undefined : book.records.get(id);
    if (!r || rank(u.state) <= rank(r.state)) return;
    const failed = u.state === 'failed';
    const restricted = failed && isRestrictionNack(u.errorCode);
    const reason = restricted ? `WhatsApp refused this message: the account is restricted from reaching out (error ${u.errorCode ?? ''})` : u.errorCode !== undefined ? `WhatsApp refused this message (error ${u.errorCode})` : 'WhatsApp refused this message';
    await this.save(book, { ...r, state: u.state, times: { ...r.times, [u.state]: u.at }, ...(failed ? { reason, code: 'server-refused' } : {}) });
    this.opts.log(book.phoneId, failed ? 'warn' : 'debug', 'outbound.status', `Message ${r.id} is ${u.state}.`, { id: r.id, waId: u.waId, state: u.state, ...(u.errorCode !== undefined ? { errorCode: u.errorCode } : {}) });
    if (!failed) return;
    const now = this.opts.clock.now();
    book.refusals.push(now);
    await this.write(book, { t: 'refusal', at: now });
    if (restricted) {
      // sending on would count as more reach-outs and deepen the restriction: stop now
      await this.stopPhone(book, `WhatsApp restricted this account from reaching out (error ${u.errorCode ?? ''}); a message was refused`);
    } else if (refusalsStop(book.refusals, now, this.opts.outbound)) {
      await this.stopPhone(book, `WhatsApp refused ${this.opts.outbound.failuresBeforeStop} message(s) in 24 hours`);
    }
  }

  /** Written when new, and again at most once a day, so a crash loses no more than a day of its age. */
  private async learnChat(book: Book, jid: string): Promise<void> {
    const at = this.opts.clock.now();
    const before = book.known.get(jid);
    book.known.set(jid, Math.max(at, before ?? at));
    if (before !== undefined && at - before < DAY) return;
    await this.write(book, { t: 'known', jid, at });
  }

  /** Work the port's events start: tracked so `settled()` (and shutdown) wait for it. */
  private sideWork(book: Book, fn: () => Promise<void>): void {
    const p = fn()
      .catch((err: unknown) => {
        this.opts.log(book.phoneId, 'error', 'outbound.journal-failed', `The outbound journal could not be written: ${(err as Error).message}`);
      })
      .finally(() => book.side.delete(p));
    book.side.add(p);
  }

  // ---------------------------------------------------------------------------------------------
  // The journal

  /** Records the new version of a record (on disk first), then tells listeners. */
  // Memory first, so a read-modify-write that started meanwhile builds on this version; the
  // caller still waits for the disk before acting on it (e.g. before sending).
  private async save(book: Book, r: StoredRecord): Promise<void> {
    const before = book.records.get(r.id);
    book.records.set(r.id, r);
    if (r.idempotencyKey !== null) book.byKey.set(r.idempotencyKey, r.id);
    try {
      await this.write(book, { t: 'rec', r });
    } catch (err) {
      // not on disk, so not true: a record that was never stored must not be sent either
      if (book.records.get(r.id) === r) {
        if (before) book.records.set(r.id, before);
        else {
          book.records.delete(r.id);
          if (r.idempotencyKey !== null) book.byKey.delete(r.idempotencyKey);
        }
      }
      throw err;
    }
    // only what its users see: the durable "sending" mark alone changes nothing public
    const shown = toPublic(r);
    if (!before || JSON.stringify(toPublic(before)) !== JSON.stringify(shown)) this.emit('record', shown);
  }

  private async write(book: Book, entry: JournalEntry): Promise<void> {
    book.linesSinceCompact++;
    await book.journal.append(entry);
  }

  private async load(book: Book): Promise<void> {
    for (const m of [book.records, book.byKey, book.byWaId, book.lastToChat, book.early]) m.clear();
    book.known.clear();
    book.stop = null;
    book.refusals = [];
    book.sends = [];
    book.newChatSends = [];
    const now = this.opts.clock.now();
    const { entries, unreadable } = await book.journal.read();
    if (unreadable > 0) this.opts.log(book.phoneId, 'warn', 'outbound.journal-damaged', `${unreadable} unreadable line(s) in the outbound journal were skipped (a crash mid-write).`);
    for (const e of entries) {
      if (!isEntry(e)) continue;
      if (e.t === 'rec') book.records.set(e.r.id, e.r);
      else if (e.t === 'known') book.known.set(e.jid, Math.max(e.at ?? now, book.known.get(e.jid) ?? -Infinity));
      else if (e.t === 'stop') book.stop = { at: e.at, reason: e.reason };
      else if (e.t === 'resume') {
        book.stop = null;
        book.refusals = [];
      } else book.refusals.push(e.at);
    }
    for (const r of book.records.values()) {
      if (r.idempotencyKey !== null) book.byKey.set(r.idempotencyKey, r.id);
      if (r.jid !== null && r.times.sent !== undefined && book.known.has(r.jid)) book.known.set(r.jid, Math.max(r.times.sent, book.known.get(r.jid) ?? 0));
      if (r.waId !== null) book.byWaId.set(r.waId, r.id);
      // sent, or failed after a send began (it may have gone out); queued ones marked sending are counted as they fail below
      const sentAt = r.times.sent ?? (r.state === 'failed' ? (r.attemptAt ?? undefined) : undefined);
      if (sentAt !== undefined && r.jid !== null) countSend(book, r.jid, sentAt, r.newChat && r.times.sent !== undefined);
    }
    try {
      await this.compact(book);
    } catch (err) {
      // e.g. a full disk: keep appending to the journal as it is; compaction is only tidiness
      this.opts.log(book.phoneId, 'warn', 'outbound.compact-failed', `The outbound journal could not be compacted: ${(err as Error).message}`);
    }
    for (const r of [...book.records.values()]) {
      if (r.state === 'queued' && r.sending) {
        await this.fail(book, r, INTERRUPTED, 'interrupted', 'outbound.interrupted');
      }
    }
    pruneDay(book, now);
  }

  /** Rewrites the journal with what is still needed: records, and chats talked to, younger than the keep period. */
  private async compact(book: Book): Promise<void> {
    const now = this.opts.clock.now();
    const keepFrom = now - this.opts.outbound.keepRecordsDays * DAY;
    for (const [id, r] of book.records) {
      if (r.state === 'queued' || r.createdAt >= keepFrom) continue;
      book.records.delete(id);
      if (r.idempotencyKey !== null && book.byKey.get(r.idempotencyKey) === id) book.byKey.delete(r.idempotencyKey);
      if (r.waId !== null) book.byWaId.delete(r.waId);
    }
    for (const [jid, at] of book.known) if (at < keepFrom) book.known.delete(jid);
    const entries: JournalEntry[] = [
      ...[...book.known].map(([jid, at]): JournalEntry => ({ t: 'known', jid, at })),
      ...book.refusals.filter((at) => at > now - DAY).map((at): JournalEntry => ({ t: 'refusal', at })),
      ...(book.stop ? [{ t: 'stop', at: book.stop.at, reason: book.stop.reason } as JournalEntry] : []),
      ...[...book.records.values()].map((r): JournalEntry => ({ t: 'rec', r })),
    ];
    await book.journal.rewrite(entries);
    book.linesSinceCompact = entries.length;
  }
}

/** A recipient as the log shows it: its last four digits, like a pairing number. */
function maskedRecipient(to: string): string {
  return maskedNumber(to.replace(/@.*$/, '').replace(/\D/g, ''));
}

/** A send (or an attempt that may have gone out) counts against the rate, the caps and the chat gap. */
function countSend(book: Book, jid: string, at: number, newChat = false): void {
  insertSorted(book.sends, at);
  if (newChat) insertSorted(book.newChatSends, at);
  book.lastToChat.set(jid, Math.max(at, book.lastToChat.get(jid) ?? -Infinity));
}

function insertSorted(list: number[], t: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] ?? 0) > t) i--;
  list.splice(i, 0, t);
}

/** Forgets send times older than a day: no rule looks further back. */
function pruneDay(book: Book, now: number): void {
  const from = now - DAY;
  while (book.sends.length > 0 && (book.sends[0] ?? 0) <= from) book.sends.shift();
  while (book.newChatSends.length > 0 && (book.newChatSends[0] ?? 0) <= from) book.newChatSends.shift();
  book.refusals = book.refusals.filter((t) => t > from);
}

function toPublic(r: StoredRecord): MessageRecord {
  return { id: r.id, phoneId: r.phoneId, to: r.to, jid: r.jid, waId: r.waId, state: r.state, reason: r.reason, times: { ...r.times }, createdAt: r.createdAt };
}

function isEntry(e: unknown): e is JournalEntry {
  if (typeof e !== 'object' || e === null) return false;
  const x = e as { t?: unknown; r?: { id?: unknown; state?: unknown; times?: unknown }; jid?: unknown; at?: unknown; reason?: unknown };
  switch (x.t) {
    case 'rec':
      return typeof x.r?.id === 'string' && MESSAGE_STATES.includes(x.r.state as MessageState) && typeof x.r.times === 'object';
    case 'known':
      return typeof x.jid === 'string' && (x.at === undefined || typeof x.at === 'number');
    case 'stop':
      return typeof x.at === 'number' && typeof x.reason === 'string';
    case 'resume':
    case 'refusal':
      return typeof x.at === 'number';
    default:
      return false;
  }
}
