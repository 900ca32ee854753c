// Webhook delivery, at least once: each event is written to a persisted outbox before the first
// attempt, so neither a restart nor a SIGKILL loses it; an event is crossed off only after the
// receiver answered 2xx. Per webhook, events go one at a time in order; a failure is retried
// with growing delays and, after `maxAttempts`, moved to the dead-letter file. The receiver
// de-duplicates on the event id (also in X-Session-Keeper-Event-Id).
import { createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonLines } from './event-journal.js';
import type { ApiEvent, WebhookView } from './schemas.js';
import { replaceFileSync } from './replace-file.js';

export interface WebhookConfig {
  /** stable name of the webhook (its outbox entries carry it) */
  id: string;
  url: string;
  /** the HMAC key of X-Session-Keeper-Signature */
  secret: string;
}

export interface WebhookOptions {
  dir: string;
  webhooks: WebhookConfig[];
  /** attempts before an event goes to the dead-letter list (default 8) */
  maxAttempts?: number;
  /** delay before the n-th retry: base · 2^(n-1), capped (defaults 1 s, 5 min) */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** a receiver that has not answered by then counts as failed (default 10 s) */
  timeoutMs?: number;
  now?: () => number;
  log?: (level: 'info' | 'warn', event: string, message: string) => void;
}

export const SIGNATURE_HEADER = 'X-Session-Keeper-Signature';

/** `sha256=<hex HMAC-SHA256 of the raw body>`, what a receiver recomputes to trust a delivery. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The delay before retry number `attempt` (1 = the first retry). */
export function retryDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

type OutboxLine =
  | { op: 'add'; webhookId: string; event: ApiEvent }
  | { op: 'fail'; webhookId: string; eventId: string }
  | { op: 'done'; webhookId: string; eventId: string }
  | { op: 'dead'; webhookId: string; eventId: string };

interface Pending {
  event: ApiEvent;
  /** failed attempts so far */
  failures: number;
}

type LastDelivery = NonNullable<WebhookView['lastDelivery']>;

interface Hook {
  config: WebhookConfig;
  queue: Pending[];
  busy: boolean;
  timer: NodeJS.Timeout | null;
  last: LastDelivery | null;
  dead: number;
}

export const OUTBOX_FILE = 'outbox.jsonl';
export const DEAD_LETTER_FILE = 'dead-letter.jsonl';
export const LAST_DELIVERY_FILE = 'last-delivery.json';

export class WebhookDispatcher {
  private readonly hooks = new Map<string, Hook>();
  private readonly outbox: string;
  private readonly deadFile: string;
  private readonly lastFile: string;
  private readonly maxAttempts: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly aborts = new Set<AbortController>();

  constructor(private readonly opts: WebhookOptions) {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    this.outbox = join(opts.dir, OUTBOX_FILE);
    this.deadFile = join(opts.dir, DEAD_LETTER_FILE);
    this.lastFile = join(opts.dir, LAST_DELIVERY_FILE);
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.baseMs = opts.retryBaseMs ?? 1000;
    this.maxMs = opts.retryMaxMs ?? 300_000;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.now = opts.now ?? Date.now;
    const last = readLastDeliveries(this.lastFile);
    const deadCounts = new Map<string, number>();
    for (const d of readJsonLines<{ webhookId: string }>(this.deadFile)) deadCounts.set(d.webhookId, (deadCounts.get(d.webhookId) ?? 0) + 1);
    for (const config of opts.webhooks) {
      this.hooks.set(config.id, { config, queue: [], busy: false, timer: null, last: last[config.id] ?? null, dead: deadCounts.get(config.id) ?? 0 });
    }
    this.replay();
  }

  /** Rebuilds each webhook's queue from the outbox: what was added and not yet done or dead. */
  private replay(): void {
    const pending = new Map<string, Map<string, Pending>>();
    for (const line of readJsonLines<OutboxLine>(this.outbox)) {
      let q = pending.get(line.webhookId);
      if (!q) pending.set(line.webhookId, (q = new Map()));
      if (line.op === 'add') q.set(line.event.id, { event: line.event, failures: 0 });
      else if (line.op === 'fail') {
        const p = q.get(line.eventId);
        if (p) p.failures += 1;
      } else q.delete(line.eventId);
    }
    for (const [webhookId, q] of pending) {
      const hook = this.hooks.get(webhookId);
      // a webhook that was removed from the settings takes its undelivered events with it
      if (hook) hook.queue = [...q.values()].sort((a, b) => Number(a.event.id) - Number(b.event.id));
    }
    this.compact();
  }

  /** Keeps only the pending events in the outbox (atomically), so the file does not grow forever. */
  private compact(): void {
    const lines: OutboxLine[] = [];
    for (const hook of this.hooks.values()) {
      for (const p of hook.queue) {
        lines.push({ op: 'add', webhookId: hook.config.id, event: p.event });
        for (let i = 0; i < p.failures; i++) lines.push({ op: 'fail', webhookId: hook.config.id, eventId: p.event.id });
      }
    }
    replaceFileSync(this.outbox, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  }

  private write(line: OutboxLine): void {
    appendFileSync(this.outbox, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }

  /** Starts delivering what an earlier run left in the outbox. */
  start(): void {
    for (const hook of this.hooks.values()) this.kick(hook);
  }

  /** Takes an event for every webhook: on disk first, then delivered. */
  enqueue(event: ApiEvent): void {
    if (this.stopped) return;
    for (const hook of this.hooks.values()) {
      this.write({ op: 'add', webhookId: hook.config.id, event });
      hook.queue.push({ event, failures: 0 });
      this.kick(hook);
    }
  }

  views(): WebhookView[] {
    return [...this.hooks.values()].map((h) => ({ id: h.config.id, url: h.config.url, pending: h.queue.length, deadLetters: h.dead, lastDelivery: h.last }));
  }

  /** Stops delivering (what is pending stays in the outbox for the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const hook of this.hooks.values()) if (hook.timer) clearTimeout(hook.timer);
    for (const a of this.aborts) a.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private kick(hook: Hook): void {
    if (this.stopped || hook.busy || hook.timer || hook.queue.length === 0) return;
    hook.busy = true;
    const work = this.deliverHead(hook).finally(() => {
      hook.busy = false;
      this.inFlight.delete(work);
      this.kick(hook); // the next event, unless a retry timer waits
    });
    this.inFlight.add(work);
  }

  private async deliverHead(hook: Hook): Promise<void> {
    const head = hook.queue[0];
    if (!head) return;
    const body = JSON.stringify(head.event);
    const attempt = head.failures + 1;
    const result = await this.post(hook.config, head.event, body, attempt);
    if (this.stopped) return;
    hook.last = { at: this.now(), eventId: head.event.id, ok: result.ok, status: result.status, error: result.error, attempt };
    this.saveLast();
    if (result.ok) {
      hook.queue.shift();
      this.write({ op: 'done', webhookId: hook.config.id, eventId: head.event.id });
      if (hook.queue.length === 0) this.compactIfIdle();
      return;
    }
    head.failures += 1;
    if (head.failures >= this.maxAttempts) {
      hook.queue.shift();
      appendFileSync(this.deadFile, `${JSON.stringify({ webhookId: hook.config.id, url: hook.config.url, event: head.event, attempts: head.failures, error: result.error, at: this.now() })}\n`, { mode: 0o600 });
      this.write({ op: 'dead', webhookId: hook.config.id, eventId: head.event.id });
      hook.dead += 1;
      this.opts.log?.('warn', 'webhook.dead-letter', `Gave up delivering event ${head.event.id} to ${hook.config.url} after ${head.failures} attempts (${result.error ?? 'failed'}); it is in the dead-letter list.`);
      return;
    }
    this.write({ op: 'fail', webhookId: hook.config.id, eventId: head.event.id });
    const delay = retryDelay(head.failures, this.baseMs, this.maxMs);
    hook.timer = setTimeout(() => {
      hook.timer = null;
      this.kick(hook);
    }, delay);
  }

  private compactIfIdle(): void {
    for (const h of this.hooks.values()) if (h.queue.length > 0) return;
    this.compact();
  }

  private async post(config: WebhookConfig, event: ApiEvent, body: string, attempt: number): Promise<{ ok: boolean; status: number | null; error: string | null }> {
    const abort = new AbortController();
    this.aborts.add(abort);
    const timer = setTimeout(() => abort.abort(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    try {
      const res = await fetch(config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'session-keeper-webhook',
          [SIGNATURE_HEADER]: signBody(config.secret, body),
          'X-Session-Keeper-Event': event.type,
          'X-Session-Keeper-Event-Id': event.id,
          'X-Session-Keeper-Delivery-Attempt': String(attempt),
        },
        body,
        signal: abort.signal,
        redirect: 'manual',
      });
      await res.body?.cancel();
      const ok = res.status >= 200 && res.status < 300;
      return { ok, status: res.status, error: ok ? null : `HTTP ${res.status}` };
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause;
      return { ok: false, status: null, error: cause?.message ?? (err as Error).message };
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
  }

  private saveLast(): void {
    const all: Record<string, LastDelivery> = {};
    for (const h of this.hooks.values()) if (h.last) all[h.config.id] = h.last;
    const tmp = `${this.lastFile}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(all)}\n`, { mode: 0o600 });
    renameSync(tmp, this.lastFile);
  }
}

function readLastDeliveries(path: string): Record<string, LastDelivery> {
  const [first] = readJsonLines<Record<string, LastDelivery>>(path);
  return first ?? {};
}
