// Plain, serialisable data that flows one way: engine → main → tray/IPC → renderer.
// Every consumer (tray presenter, window, headless runner) renders this same object.

export const PHONE_STATES = [
  'stopped',
  'connecting',
  'waiting-for-scan',
  'open',
  'reconnecting',
  'paused',
  'replaced',
  'logged-out',
  'banned',
  'temp-banned',
  'outdated',
] as const;
export type PhoneState = (typeof PHONE_STATES)[number];

export interface PhoneConfig {
  /** Folder-safe id: letters, digits, `-` and `_`. */
  id: string;
  label?: string;
}

export interface LastDisconnect {
  code: number | null;
  reason: string;
  /** ms since epoch */
  at: number;
}

export interface ReconnectInfo {
  /** consecutive failed attempts so far (0 when healthy) */
  attempt: number;
  /** ms since epoch of the next scheduled attempt, or null */
  nextAt: number | null;
}

export interface PhoneStatus {
  phoneId: string;
  label: string;
  state: PhoneState;
  /** the current pairing QR string while `waiting-for-scan` */
  qr: string | null;
  /** ms since epoch when the current QR expires */
  qrExpiresAt: number | null;
  /**
   * The code to type on the phone (Linked devices → Link with phone number) while one was asked
   * for and its registration socket lives; null otherwise. Optional for older snapshots.
   */
  pairingCode?: PairingCode | null;
  /** WhatsApp id of the linked device once paired, e.g. `15551234567:3@s.whatsapp.net` */
  me: string | null;
  /** first `open` after a scan (persisted); null before pairing */
  pairedAt: number | null;
  /**
   * This phone has had a link on this machine (persisted, survives a logout that resets
   * `pairedAt`): a QR for it is a re-link; false means its QR is a first link.
   */
  everLinked: boolean;
  /** start of the current connection; null when not open */
  connectedSince: number | null;
  lastDisconnect: LastDisconnect | null;
  reconnect: ReconnectInfo;
  /** a person-readable sentence: why this state, and what happens next */
  detail: string;
  /** set when session files were moved aside (unreadable creds, logged out) */
  quarantinedTo: string | null;
  /** 402 temporary ban: when the server says it ends */
  bannedUntil: number | null;
  /** when the next keep-alive pulse is due (persisted); null before the first plan or while paused */
  nextKeepAliveAt: number | null;
  /** when the last keep-alive pulse went out */
  lastKeepAliveAt: number | null;
  /** the anti-ban mode in force now: no pulses in 'sleep', pulses logged as reduced in 'reduced' */
  mode: KeepAliveMode;
  /** the user paused keep-alive for this phone (persisted) */
  keepAlivePaused: boolean;
  /** when the primary phone (device 0 of this account) was last seen by this session; pairing counts */
  phoneLastSeenAt: number | null;
  /** the phone has gone unseen for 12 days: WhatsApp logs linked devices out after 14 */
  phoneInactive: boolean;
  /** when the newest backup generation was stored */
  lastBackupAt: number | null;
  /** name of the newest backup generation */
  lastBackupGeneration: string | null;
  /** the last backup attempt's error in words, cleared by a success */
  lastBackupError: string | null;
  /** backups have failed continuously for 24 h (the shell notifies) */
  backupFailing: boolean;
  /** when a pending backup (debounce or retry) will run */
  nextBackupAt: number | null;
  /**
   * Backups are stored but need a person: e.g. the target accepts deletes and keeps the files, so
   * old generations pile up. Null when there is nothing to say (or no backup manager).
   */
  backupWarning: string | null;
  /**
   * Set while the phone needs a new link (state `logged-out`): why and since when. A backup of a
   * device that WhatsApp removed can never link again, so restore refuses it with this reason.
   */
  unlinked: UnlinkInfo | null;
  /**
   * A write this phone needs (its meta, session credentials or keys, its log) is failing: which
   * file and the OS reason. A field beside the state, so the state stays what the connection
   * really is; the engine keeps retrying and clears it once the write lands. null when all is well.
   */
  storageError: StorageError | null;
  /**
   * Sockets replaced because they went deaf (open, answering pings, but no answer to a probe)
   * since the engine started. A fact to show; each one is logged as `connection.deaf`.
   */
  deafRecycles: number;
  /**
   * Outgoing messages are stopped on this phone (WhatsApp refused messages or signalled a
   * restriction) until a person resumes them; null while it may send. Set by the keeper (absent
   * only in snapshots built without one).
   */
  outboundStop?: OutboundStop | null;
  /**
   * The moment this snapshot was built. Derived values (session age, "in 3 h") are computed by the
   * presenters from the absolute times above and their own clock, never carried on the wire.
   */
  updatedAt: number;
}

/** Sending stopped on a phone until a person resumes it. */
export interface OutboundStop {
  /** ms since epoch */
  at: number;
  /** why, in words (the server's refusals, a restriction) */
  reason: string;
}

/** A pairing code on screen: 8 characters the person types on the phone, and when it stops working. */
export interface PairingCode {
  /** e.g. `ABCD1234`; shown grouped as `ABCD-1234` */
  code: string;
  /** ms since epoch */
  expiresAt: number;
}

/** A write that the disk refused (full, read-only, no permission…). */
export interface StorageError {
  /** the file (or folder) that could not be written */
  path: string;
  /** the OS reason in words, e.g. "no space left on device" */
  reason: string;
  /** the OS error code, e.g. ENOSPC, EROFS, EACCES; null when the error had none */
  code: string | null;
  /** ms since epoch of the first failure of this episode (retries keep it) */
  since: number;
}

/** Why a phone needs a new link. */
export type UnlinkCause =
  | 'user-logout' // the user pressed Log out: WhatsApp removed the device
  | 'server-logout' // WhatsApp logged the device out (401 repeated, 411, device_removed)
  | 'session-unreadable' // the session files could not be read and were quarantined
  | 'pairing-expired'; // QR codes ran out with no valid session

export interface UnlinkInfo {
  cause: UnlinkCause;
  /** ms since epoch */
  at: number;
  /** the linked device that was removed (WhatsApp id), when known */
  device: string | null;
  /** pairing-expired: a pairing code (typed on the phone), not a QR code, ran out */
  byCode?: boolean;
}

/** A linked device WhatsApp removed: a backup of it can never link again. */
export interface RemovedDevice {
  /** the device's WhatsApp id (creds.me.id) */
  device: string;
  /** ms since epoch */
  at: number;
  cause: Extract<UnlinkCause, 'user-logout' | 'server-logout'>;
}

export type KeepAliveMode = 'active' | 'reduced' | 'sleep';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  /** ms since epoch */
  at: number;
  /** null for app-wide entries */
  phoneId: string | null;
  level: LogLevel;
  /** machine-readable event name, e.g. `connection.open`, `disconnect.decision` */
  event: string;
  message: string;
  data?: Record<string, unknown>;
}
