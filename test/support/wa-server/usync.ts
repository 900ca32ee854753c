// How the test server answers `iq xmlns=usync`: the device query Baileys sends before every
// message (devices + lid protocols), the "is on WhatsApp" query behind onWhatsApp() (contact
// protocol, users named by phone) and the LID lookup (lid protocol). Users come from a directory
// the caller supplies, so a number the directory does not know is simply "not on WhatsApp".
import { S_WHATSAPP_NET, jidDecode, type BinaryNode } from '@whiskeysockets/baileys';

export interface UsyncUser {
  /** `<digits>@s.whatsapp.net` */
  jid: string;
  /** `<lid user>@lid`, or null to leave the lid protocol unanswered (as for the account itself). */
  lid: string | null;
  /** Device ids; a non-zero device needs a key index or Baileys drops it. */
  devices: number[];
}

/** Finds a user by phone digits or by LID user part; undefined = not on WhatsApp. */
export type UsyncDirectory = (userPart: string) => UsyncUser | undefined;

function children(node: BinaryNode | undefined, tag?: string): BinaryNode[] {
  if (!node || !Array.isArray(node.content)) return [];
  return tag ? node.content.filter(n => n.tag === tag) : node.content;
}

function text(node: BinaryNode | undefined): string {
  const c = node?.content;
  if (typeof c === 'string') return c;
  if (c instanceof Uint8Array) return Buffer.from(c).toString('utf-8');
  return '';
}

/** The `<usync>` reply for a usync IQ. */
export function answerUsync(iq: BinaryNode, directory: UsyncDirectory, nowSeconds: number): BinaryNode {
  const usync = children(iq, 'usync')[0];
  const protocols = children(children(usync, 'query')[0]).map(p => p.tag);
  const users = children(children(usync, 'list')[0], 'user');
  const list: BinaryNode[] = users.map(user => {
    const phone = text(children(user, 'contact')[0]);
    const askedJid = user.attrs.jid;
    const userPart = askedJid ? (jidDecode(askedJid)?.user ?? '') : phone.replace(/^\+/, '');
    const found = directory(userPart);
    const jid = found?.jid ?? `${userPart}${S_WHATSAPP_NET}`;
    const content: BinaryNode[] = [];
    for (const protocol of protocols) {
      if (protocol === 'contact') {
        content.push({ tag: 'contact', attrs: { type: found ? 'in' : 'out' } });
      } else if (protocol === 'devices') {
        const devices = (found?.devices ?? []).map((id): BinaryNode => ({
          tag: 'device',
          attrs: id === 0 ? { id: '0' } : { id: String(id), 'key-index': String(id) },
        }));
        content.push({
          tag: 'devices',
          attrs: {},
          content: [
            { tag: 'device-list', attrs: {}, content: devices },
            { tag: 'key-index-list', attrs: { ts: String(nowSeconds) } },
          ],
        });
      } else if (protocol === 'lid' && found?.lid) {
        content.push({ tag: 'lid', attrs: { val: found.lid } });
      }
    }
    return { tag: 'user', attrs: { jid }, content };
  });
  return { tag: 'usync', attrs: { ...(usync?.attrs ?? {}) }, content: [{ tag: 'list', attrs: {}, content: list }] };
}
