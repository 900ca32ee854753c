// The server side of messaging with simulated contacts: routes the client's <message> and
// <receipt> stanzas to the contact they address, answers the usync and pre-key fetch IQs for
// contacts, keeps each linked device's public Signal bundle (from pairing and pre-key uploads),
// and delivers the contacts' messages to the account's newest logged-in device.
import { S_WHATSAPP_NET, jidDecode, type BinaryNode } from '@whiskeysockets/baileys';
import type { proto } from '@whiskeysockets/baileys';
import { bundleFromRegistration, Contact, recordPreKeyUpload, type ClientBundle, type SimulatedContact } from './contact.js';
import { answerUsync, type UsyncUser } from './usync.js';

export interface ContactOptions {
  number: string;
  /** Default: 2000 + a counter, padded like a real LID. */
  lidUser?: string;
  pushName?: string;
}

/** The few facts about a connection the hub needs. */
export interface HubConnection {
  readonly state: string;
  readonly jid: string | undefined;
}

export interface HubHost<C extends HubConnection> {
  now(): number;
  waitFor<T>(check: () => T | undefined | false, timeoutMs?: number, what?: string): Promise<T>;
  changed(): void;
  note(line: string): void;
  send(conn: C, node: BinaryNode): void;
  connections(): readonly C[];
  /** The account's phone number (the simulated phone). */
  accountNumber: string;
}

function children(node: BinaryNode | undefined, tag: string): BinaryNode[] {
  return Array.isArray(node?.content) ? node.content.filter(n => n.tag === tag) : [];
}

export class ContactHub<C extends HubConnection> {
  readonly contacts = new Map<string, Contact>();
  private readonly bundles = new Map<string, ClientBundle>();
  /** Decryptions run in arrival order: a `msg` must not overtake the `pkmsg` that opened its session. */
  private queue: Promise<void> = Promise.resolve();
  private nextLid = 1;

  constructor(private readonly host: HubHost<C>) {}

  add(opts: ContactOptions): SimulatedContact {
    const lidUser = opts.lidUser ?? `2000000000000${String(this.nextLid++).padStart(2, '0')}`;
    const contact = new Contact(opts.number, lidUser, opts.pushName ?? 'Test Contact', {
      now: () => this.host.now(),
      waitFor: (check, timeoutMs, what) => this.host.waitFor(check, timeoutMs, what),
      changed: () => this.host.changed(),
      deliver: build => this.deliver(build),
      bundleFor: jid => this.bundles.get(jid),
    });
    this.contacts.set(opts.number, contact);
    return contact;
  }

  /** At pairing: the companion's registration carries its identity and signed pre-key. */
  paired(deviceJid: string, registration: proto.ClientPayload.IDevicePairingRegistrationData | undefined): void {
    const bundle = registration ? bundleFromRegistration(registration) : undefined;
    if (bundle) this.bundles.set(deviceJid, bundle);
  }

  private byJid(jid: string | undefined): Contact | undefined {
    const decoded = jidDecode(jid);
    if (!decoded) return undefined;
    for (const c of this.contacts.values()) {
      if (decoded.server === 'lid' ? c.lid === `${decoded.user}@lid` : c.number === decoded.user) return c;
    }
    return undefined;
  }

  private usyncUser(conn: C, userPart: string): UsyncUser | undefined {
    const contact = this.contacts.get(userPart) ?? [...this.contacts.values()].find(c => c.lid === `${userPart}@lid`);
    if (contact) return { jid: contact.jid, lid: contact.lid, devices: [0] };
    if (userPart === this.host.accountNumber) {
      // Only the asking device itself: other companions' sessions are not simulated.
      const device = jidDecode(conn.jid)?.device ?? 0;
      return { jid: `${userPart}${S_WHATSAPP_NET}`, lid: null, devices: [device] };
    }
    return undefined;
  }

  /**
   * Answers the IQs that concern contacts (usync, pre-key fetch) and records pre-key uploads.
   * Returns the reply, or undefined to let the general IQ table answer.
   */
  answerIq(conn: C, iq: BinaryNode, nowSeconds: number): BinaryNode | undefined {
    const result = (content: BinaryNode[]): BinaryNode => ({
      tag: 'iq',
      attrs: { from: S_WHATSAPP_NET, type: 'result', id: iq.attrs.id ?? '' },
      content,
    });
    if (iq.attrs.xmlns === 'usync') {
      return result([answerUsync(iq, user => this.usyncUser(conn, user), nowSeconds)]);
    }
    if (iq.attrs.xmlns !== 'encrypt') return undefined;
    const key = children(iq, 'key')[0];
    if (iq.attrs.type === 'get' && key) {
      const users = children(key, 'user').flatMap(u => {
        const contact = this.byJid(u.attrs.jid);
        const device = jidDecode(u.attrs.jid)?.device ?? 0;
        return contact && device === 0 ? [contact.signal.bundleNode(u.attrs.jid ?? '')] : [];
      });
      return result([{ tag: 'list', attrs: {}, content: users }]);
    }
    if (iq.attrs.type === 'set' && children(iq, 'list').length && conn.jid) {
      const bundle = recordPreKeyUpload(this.bundles.get(conn.jid), iq);
      if (bundle) this.bundles.set(conn.jid, bundle);
    }
    return undefined;
  }

  /** Takes the client's <message>/<receipt> to a contact; false for stanzas that are not ours. */
  onStanza(conn: C, node: BinaryNode, nowSeconds: number): boolean {
    const contact = this.byJid(node.attrs.to);
    if (!contact) return false;
    const id = node.attrs.id ?? '';
    if (node.tag === 'receipt') {
      contact.recordReceipt(id, node.attrs.type);
      for (const item of children(children(node, 'list')[0], 'item')) contact.recordReceipt(item.attrs.id ?? '', node.attrs.type);
      return true;
    }
    if (node.tag !== 'message') return false;
    const from = conn.jid ?? '';
    const encs = [
      ...children(node, 'enc'),
      ...children(children(node, 'participants')[0], 'to')
        .filter(to => this.byJid(to.attrs.jid) === contact)
        .flatMap(to => children(to, 'enc')),
    ];
    // The server acknowledges at once; the contact's phone answers once it has decrypted.
    const ack: BinaryNode = { tag: 'ack', attrs: { class: 'message', id, from: node.attrs.to ?? contact.jid, t: String(nowSeconds) } };
    if (contact.refuseWith !== null) {
      ack.attrs.error = contact.refuseWith;
      this.host.send(conn, ack);
      return true;
    }
    this.host.send(conn, ack);
    this.queue = this.queue.then(async () => {
      let decrypted = false;
      for (const enc of encs) {
        const type = enc.attrs.type;
        if ((type === 'pkmsg' || type === 'msg') && enc.content instanceof Uint8Array) {
          decrypted = (await contact.receive(id, from, type, Buffer.from(enc.content))) || decrypted;
        }
      }
      if (!decrypted) {
        this.host.note(`message ${id} to contact ${contact.number} had nothing it could decrypt`);
        return;
      }
      const t = String(Math.floor(this.host.now() / 1000));
      if (contact.receiptMode !== 'none') this.host.send(conn, { tag: 'receipt', attrs: { id, from: contact.jid, t } });
      if (contact.receiptMode === 'read') this.host.send(conn, { tag: 'receipt', attrs: { id, from: contact.jid, t, type: 'read' } });
    });
    return true;
  }

  private async deliver(build: (deviceJid: string) => Promise<BinaryNode>): Promise<void> {
    const conn = [...this.host.connections()].reverse()
      .find(c => c.state === 'logged-in' && jidDecode(c.jid)?.user === this.host.accountNumber);
    if (!conn?.jid) throw new Error('no logged-in device of the account to deliver to');
    this.host.send(conn, await build(conn.jid));
  }
}
