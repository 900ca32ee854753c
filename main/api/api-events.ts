// Where the API's events come from and go to: the keeper's status and log, the messaging port's
// incoming messages and the outbound gate's records become numbered events in the journal;
// incoming messages also go to the durable inbox; every event goes to the webhook outbox.
import { join } from 'node:path';
import type { Keeper } from '../engine/keeper.js';
import type { IncomingMessage, MessageRecord, MessagingPort, OutboundService } from '../engine/messaging/types.js';
import type { LogEntry, PhoneStatus } from '../engine/types.js';
import { EventJournal } from './event-journal.js';
import { Inbox } from './inbox.js';
import { apiEventFromLog } from './log-events.js';
import type { ApiEventData } from './schemas.js';
import { WebhookDispatcher, type WebhookConfig, type WebhookOptions } from './webhooks.js';

/** What the API needs of the keeper: statuses, the manual actions, and its events. */
export type KeeperPort = Pick<Keeper, 'statuses' | 'status' | 'keepAliveNow' | 'backupNow' | 'reconnect' | 'uptime' | 'on' | 'off'>;

export interface ApiEventsOptions {
  /** the API's own folder (events, inbox, webhook outbox), e.g. <data-dir>/api */
  dir: string;
  keeper: KeeperPort;
  messaging: MessagingPort | null;
  outbound: OutboundService | null;
  webhooks: WebhookConfig[];
  webhookOptions?: Omit<WebhookOptions, 'dir' | 'webhooks'>;
  /** days a received message stays in the inbox (default INBOX_KEEP_DAYS.default) */
  inboxKeepDays?: number;
  /** how often the inbox is pruned while running (it is also pruned at start) */
  inboxPruneEveryMs?: number;
  now?: () => number;
  /** an event that could not be recorded (e.g. the disk refused the write) */
  onError?: (err: unknown) => void;
}

export const INBOX_PRUNE_EVERY_MS = 60 * 60 * 1000;

export class ApiEvents {
  readonly journal: EventJournal;
  readonly inbox: Inbox;
  readonly webhooks: WebhookDispatcher;
  private readonly now: () => number;
  /** each phone's last status without its timestamp: a rebuilt but equal snapshot is no event */
  private readonly lastStatus = new Map<string, string>();
  private attached = false;
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: ApiEventsOptions) {
    this.now = opts.now ?? Date.now;
    this.journal = new EventJournal({ dir: opts.dir, now: this.now });
    this.inbox = new Inbox(join(opts.dir, 'inbox'), { now: this.now, ...(opts.inboxKeepDays !== undefined ? { keepDays: opts.inboxKeepDays } : {}) });
    this.webhooks = new WebhookDispatcher({ ...opts.webhookOptions, dir: join(opts.dir, 'webhooks'), webhooks: opts.webhooks });
    this.journal.on('event', (e) => this.webhooks.enqueue(e));
  }

  /**
   * These run inside the keeper's own emit: a failure to record (a full disk) must never reach
   * back into the engine, so it is reported and the engine goes on.
   */
  private guarded<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      try {
        fn(...args);
      } catch (err) {
        this.opts.onError?.(err);
      }
    };
  }

  private readonly onStatus = this.guarded((s: PhoneStatus) => {
    const key = statusKey(s);
    if (this.lastStatus.get(s.phoneId) === key) return;
    this.lastStatus.set(s.phoneId, key);
    this.journal.append('phone.status', s.phoneId, phoneStatusEventData(s));
  });

  private readonly onLog = this.guarded((e: LogEntry) => {
    const ev = apiEventFromLog(e);
    if (ev) this.journal.append(ev.type, ev.phoneId, ev.data);
  });

  private readonly onMessage = this.guarded((m: IncomingMessage) => {
    const cursor = this.inbox.nextCursor(m.phoneId);
    const receivedAt = this.now();
    // the inbox line carries the event id it will be announced with, so both tell one story
    const eventId = String(Number(this.journal.lastId()) + 1);
    this.inbox.append({ cursor, eventId, receivedAt, message: m });
    this.journal.append('message.received', m.phoneId, { cursor, receivedAt, message: m });
  });

  private readonly onRecord = this.guarded((r: MessageRecord) => {
    this.journal.append('message.status', r.phoneId, r);
  });

  private readonly pruneInbox = this.guarded(() => this.inbox.prune());

  /** Starts listening and delivering what an earlier run left undelivered; prunes the inbox now and then. */
  start(): void {
    if (this.attached) return;
    this.attached = true;
    this.pruneInbox();
    // an always-on machine may run for months without a restart
    this.pruneTimer = setInterval(this.pruneInbox, this.opts.inboxPruneEveryMs ?? INBOX_PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    for (const s of this.opts.keeper.statuses()) this.lastStatus.set(s.phoneId, statusKey(s));
    this.opts.keeper.on('status', this.onStatus);
    this.opts.keeper.on('log', this.onLog);
    this.opts.messaging?.on('message', this.onMessage);
    this.opts.outbound?.on('record', this.onRecord);
    this.webhooks.start();
  }

  async stop(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = null;
    if (this.attached) {
      this.opts.keeper.off('status', this.onStatus);
      this.opts.keeper.off('log', this.onLog);
      this.opts.messaging?.off('message', this.onMessage);
      this.opts.outbound?.off('record', this.onRecord);
      this.attached = false;
    }
    await this.webhooks.stop();
  }
}

/** What a phone.status event says: the status with `qrWaiting` in place of the QR string. */
export function phoneStatusEventData(s: PhoneStatus): ApiEventData<'phone.status'> {
  // either links a device to whoever uses it while it is valid: the API's own routes show them
  const { qr, pairingCode, ...rest } = s;
  return { ...rest, qrWaiting: qr !== null, pairingCodeWaiting: (pairingCode ?? null) !== null };
}

/** The event's content without its timestamp: a new QR alone moves qrExpiresAt, so it still counts. */
function statusKey(s: PhoneStatus): string {
  const { updatedAt: _at, ...rest } = phoneStatusEventData(s);
  return JSON.stringify(rest);
}
