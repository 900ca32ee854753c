// How the test server answers each IQ a logged-in Baileys client sends. A table, so an
// unanswered query (which would pin a 60 s Baileys timer) is easy to spot and add. usync and the
// pre-key fetch concern contacts: contact-hub.ts answers them first.
import { S_WHATSAPP_NET, type BinaryNode } from '@whiskeysockets/baileys';

export interface IqContext {
  /** What to report for `encrypt/count`; above MIN_PREKEY_COUNT (5) means "no upload needed". */
  preKeysOnServer: number;
}

export type IqEffect =
  | { kind: 'none' }
  | { kind: 'pre-keys-uploaded'; count: number }
  | { kind: 'logout'; jid: string }
  | { kind: 'unknown'; xmlns: string; child: string };

export interface IqAnswer {
  reply: BinaryNode;
  effect: IqEffect;
}

function childTag(node: BinaryNode): string {
  return Array.isArray(node.content) ? (node.content[0]?.tag ?? '') : '';
}

function child(node: BinaryNode, tag: string): BinaryNode | undefined {
  return Array.isArray(node.content) ? node.content.find(n => n.tag === tag) : undefined;
}

function result(iq: BinaryNode, content?: BinaryNode[]): BinaryNode {
  const node: BinaryNode = { tag: 'iq', attrs: { from: S_WHATSAPP_NET, type: 'result', id: iq.attrs.id ?? '' } };
  if (content) node.content = content;
  return node;
}

const PRIVACY_DEFAULTS: Record<string, string> = {
  last: 'all', online: 'all', profile: 'all', status: 'contacts', readreceipts: 'all',
  groupadd: 'all', calladd: 'all', messages: 'all',
};

/** Answers one client IQ (type get/set). Unknown ones get an empty result and are reported. */
export function answerIq(iq: BinaryNode, ctx: IqContext): IqAnswer {
  const xmlns = iq.attrs.xmlns ?? '';
  const first = childTag(iq);
  const none: IqEffect = { kind: 'none' };
  switch (xmlns) {
    case 'w:p': // keep-alive ping
    case 'passive':
    case 'w:stats':
    case 'dirty':
      return { reply: result(iq), effect: none };
    case 'encrypt':
      if (first === 'count') {
        return { reply: result(iq, [{ tag: 'count', attrs: { value: String(ctx.preKeysOnServer) } }]), effect: none };
      }
      if (first === 'digest') {
        // Baileys only checks the node exists; without it, it uploads pre-keys and arms a 30 s timer.
        return { reply: result(iq, [{ tag: 'digest', attrs: {} }]), effect: none };
      }
      if (first === 'rotate') return { reply: result(iq), effect: none };
      if (child(iq, 'list')) {
        const list = child(iq, 'list');
        const count = Array.isArray(list?.content) ? list.content.length : 0;
        return { reply: result(iq), effect: { kind: 'pre-keys-uploaded', count } };
      }
      break;
    case 'abt':
      return { reply: result(iq, [{ tag: 'props', attrs: { protocol: '1' } }]), effect: none };
    case 'blocklist':
      return { reply: result(iq, [{ tag: 'list', attrs: {} }]), effect: none };
    case 'privacy':
      if (iq.attrs.type === 'get') {
        const categories = Object.entries(PRIVACY_DEFAULTS).map(([name, value]) => ({ tag: 'category', attrs: { name, value } }));
        return { reply: result(iq, [{ tag: 'privacy', attrs: {}, content: categories }]), effect: none };
      }
      return { reply: result(iq), effect: none };
    case 'md': {
      const remove = child(iq, 'remove-companion-device');
      if (remove) return { reply: result(iq), effect: { kind: 'logout', jid: remove.attrs.jid ?? '' } };
      break;
    }
  }
  return { reply: result(iq), effect: { kind: 'unknown', xmlns, child: first } };
}
