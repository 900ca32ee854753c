// WhatsApp logs out a linked device once the phone itself has gone unused for 14 days. The only
// sign of the phone this session gets is stanzas that come from it: device 0 of our own account.
import { jidDecode } from '@whiskeysockets/baileys';

const DAY_MS = 24 * 60 * 60 * 1000;

/** WhatsApp's own limit: linked devices are logged out after this long without the phone. */
export const PHONE_LOGOUT_AFTER_MS = 14 * DAY_MS;
/** Warn two days before that, so there is time to pick the phone up. */
export const PHONE_INACTIVE_WARN_MS = 12 * DAY_MS;
/** Seeing the phone is cheap in memory; writing it down more often than this is not worth a disk write. */
export const PHONE_SEEN_PERSIST_MS = 60 * 60 * 1000;

export interface OwnIds {
  /** creds.me.id, e.g. `15551234567:3@s.whatsapp.net` */
  id?: string | null;
  /** creds.me.lid, e.g. `100000000000001:3@lid` */
  lid?: string | null;
}

function userOf(jid: string | null | undefined): { user: string; server: string } | null {
  if (!jid) return null;
  const d = jidDecode(jid);
  return d?.user ? { user: d.user, server: d.server } : null;
}

/**
 * True when `jid` is the primary phone of our own account: same user as our phone-number id
 * (or our LID), device 0 (an absent device part means 0). Our own companion device is never the phone.
 */
export function isOwnPrimaryDevice(jid: string | null | undefined, me: OwnIds | null | undefined): boolean {
  if (!jid || !me) return false;
  const d = jidDecode(jid);
  if (!d?.user || (d.device ?? 0) !== 0) return false;
  const pn = userOf(me.id);
  const lid = userOf(me.lid);
  if (d.server === 'lid' || d.server === 'hosted.lid') return lid !== null && d.user === lid.user;
  if (d.server === 's.whatsapp.net' || d.server === 'c.us') return pn !== null && d.user === pn.user;
  return false;
}

/** The attributes of an incoming stanza that name who sent it. */
export const SENDER_ATTRS = ['from', 'participant', 'participant_pn', 'participant_lid', 'sender_pn', 'sender_lid'] as const;

/** True when a receipt, message or presence stanza came from our own phone. */
export function stanzaFromOwnPhone(attrs: Readonly<Record<string, string | undefined>>, me: OwnIds | null | undefined): boolean {
  return SENDER_ATTRS.some((a) => isOwnPrimaryDevice(attrs[a], me));
}

/** Whether the phone has gone unseen long enough to warn; unknown (null) never warns. */
export function phoneInactive(lastSeenAt: number | null, now: number, warnAfterMs = PHONE_INACTIVE_WARN_MS): boolean {
  return lastSeenAt !== null && now - lastSeenAt >= warnAfterMs;
}

export function phoneInactiveMessage(lastSeenAt: number, now: number): string {
  const days = Math.floor((now - lastSeenAt) / DAY_MS);
  const left = Math.max(0, Math.ceil((lastSeenAt + PHONE_LOGOUT_AFTER_MS - now) / DAY_MS));
  return `⚠️ The phone has not been seen for ${days} days: open WhatsApp on the phone, or WhatsApp will log out this linked device in about ${left} day(s) (it does so after 14 days without the phone).`;
}
