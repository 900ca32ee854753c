// A simulated WhatsApp contact for the test server: a separate account with its own Signal
// identity, signed pre-key and one-time pre-keys (libsignal, the same library Baileys uses), so
// the real Baileys client builds real sessions with it. The client's messages are decrypted and
// kept as plaintext for assertions; the contact's messages are encrypted for the client with the
// bundle the client gave the server (at pairing, plus any pre-key upload).
import {
  encodeBigEndian,
  encodeWAMessage,
  generateMessageIDV2,
  proto,
  unpadRandomMax16,
  type BinaryNode,
} from '@whiskeysockets/baileys';
import libsignal, { type KeyPair, type PreKeyBundle, type SessionRecord, type SignalStorage } from 'libsignal';

/** What the server knows of a linked device's Signal keys (public parts only). */
export interface ClientBundle {
  registrationId: number;
  /** 32-byte Curve25519 keys, as on the wire. */
  identityKey: Buffer;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  /** One-time pre-keys from the client's upload, not yet handed out. */
  preKeys: Map<number, Buffer>;
}

/** A message the client sent to the contact, decrypted. */
export interface ContactInbound {
  id: string;
  /** The client device that sent it. */
  from: string;
  encType: 'pkmsg' | 'msg';
  /** conversation or extendedTextMessage.text; null for other kinds. */
  text: string | null;
  message: proto.IMessage;
  at: number;
}

/** A message the contact sent to the client. */
export interface ContactOutbound {
  id: string;
  to: string;
  encType: 'pkmsg' | 'msg';
  /** The client's one-time pre-key this message's new session used (from its upload), if any. */
  preKeyId: number | null;
  at: number;
}

/** A receipt the client sent for a message from the contact. */
export interface ClientReceipt {
  id: string;
  /** The raw `type` attr (absent = delivered; Baileys sends 'inactive' while not marked online). */
  type: string | undefined;
  kind: 'delivered' | 'read' | 'other';
  at: number;
}

/** After the server acks a client's message: which receipts the contact sends back. */
export type ReceiptMode = 'read' | 'delivered' | 'none';

const SIGNED_PRE_KEY_ID = 1;

function withPrefix(key: Buffer): Buffer {
  return key.length === 33 ? key : Buffer.concat([Buffer.from([5]), key]);
}

function withoutPrefix(key: Buffer): Buffer {
  return key.length === 33 ? key.subarray(1) : key;
}

function bigEndian(buf: Uint8Array | undefined | null): number {
  if (!buf) return 0;
  let n = 0;
  for (const b of buf) n = n * 256 + b;
  return n;
}

/** The public bundle a companion registers with at pairing (ClientPayload.devicePairingData). */
export function bundleFromRegistration(reg: proto.ClientPayload.IDevicePairingRegistrationData): ClientBundle | undefined {
  if (!reg.eIdent || !reg.eSkeyVal || !reg.eSkeySig) return undefined;
  return {
    registrationId: bigEndian(reg.eRegid),
    identityKey: Buffer.from(reg.eIdent),
    signedPreKey: { keyId: bigEndian(reg.eSkeyId), publicKey: Buffer.from(reg.eSkeyVal), signature: Buffer.from(reg.eSkeySig) },
    preKeys: new Map(),
  };
}

function childBuffer(node: BinaryNode | undefined, tag: string): Buffer | undefined {
  const c = Array.isArray(node?.content) ? node.content.find(n => n.tag === tag)?.content : undefined;
  return c instanceof Uint8Array ? Buffer.from(c) : undefined;
}

function childNode(node: BinaryNode | undefined, tag: string): BinaryNode | undefined {
  return Array.isArray(node?.content) ? node.content.find(n => n.tag === tag) : undefined;
}

/** Folds a client's pre-key upload (`iq xmlns=encrypt type=set`) into its bundle. */
export function recordPreKeyUpload(bundle: ClientBundle | undefined, iq: BinaryNode): ClientBundle | undefined {
  const identity = childBuffer(iq, 'identity');
  const skey = childNode(iq, 'skey');
  const skeyValue = childBuffer(skey, 'value');
  const skeySig = childBuffer(skey, 'signature');
  if (!identity || !skeyValue || !skeySig) return bundle;
  const next: ClientBundle = {
    registrationId: bigEndian(childBuffer(iq, 'registration')),
    identityKey: identity,
    signedPreKey: { keyId: bigEndian(childBuffer(skey, 'id')), publicKey: skeyValue, signature: skeySig },
    preKeys: bundle?.preKeys ?? new Map(),
  };
  const list = childNode(iq, 'list');
  for (const key of Array.isArray(list?.content) ? list.content : []) {
    const value = childBuffer(key, 'value');
    if (value) next.preKeys.set(bigEndian(childBuffer(key, 'id')), value);
  }
  return next;
}

export function messageText(m: proto.IMessage | null | undefined): string | null {
  return m?.conversation ?? m?.extendedTextMessage?.text ?? null;
}

function receiptKind(type: string | undefined): ClientReceipt['kind'] {
  if (type === undefined || type === 'inactive') return 'delivered';
  if (type === 'read' || type === 'read-self') return 'read';
  return 'other';
}

/** The Signal side of one contact: keys, sessions per client device, encrypt and decrypt. */
export class ContactSignal {
  private readonly identity: KeyPair = libsignal.keyhelper.generateIdentityKeyPair();
  private readonly registrationId = libsignal.keyhelper.generateRegistrationId();
  private readonly signedPreKey = libsignal.keyhelper.generateSignedPreKey(this.identity, SIGNED_PRE_KEY_ID);
  private readonly preKeys = new Map<number, KeyPair>();
  private readonly sessions = new Map<string, SessionRecord>();
  private nextPreKeyId = 1;
  private readonly storage: SignalStorage = {
    loadSession: async id => this.sessions.get(id),
    storeSession: async (id, record) => {
      this.sessions.set(id, record);
    },
    isTrustedIdentity: () => true,
    loadPreKey: async id => (id === undefined ? undefined : this.preKeys.get(id)),
    removePreKey: async id => {
      this.preKeys.delete(id);
    },
    loadSignedPreKey: id => (id === SIGNED_PRE_KEY_ID ? this.signedPreKey.keyPair : undefined),
    getOurRegistrationId: () => this.registrationId,
    getOurIdentity: () => this.identity,
  };

  /** The `<user>` node of a pre-key fetch reply, handing out a fresh one-time pre-key. */
  bundleNode(jid: string): BinaryNode {
    const id = this.nextPreKeyId++;
    const pre = libsignal.keyhelper.generatePreKey(id);
    this.preKeys.set(id, pre.keyPair);
    return {
      tag: 'user',
      attrs: { jid },
      content: [
        { tag: 'registration', attrs: {}, content: encodeBigEndian(this.registrationId, 4) },
        { tag: 'type', attrs: {}, content: Buffer.from([5]) },
        { tag: 'identity', attrs: {}, content: withoutPrefix(this.identity.pubKey) },
        {
          tag: 'skey',
          attrs: {},
          content: [
            { tag: 'id', attrs: {}, content: encodeBigEndian(SIGNED_PRE_KEY_ID, 3) },
            { tag: 'value', attrs: {}, content: withoutPrefix(this.signedPreKey.keyPair.pubKey) },
            { tag: 'signature', attrs: {}, content: this.signedPreKey.signature },
          ],
        },
        {
          tag: 'key',
          attrs: {},
          content: [
            { tag: 'id', attrs: {}, content: encodeBigEndian(id, 3) },
            { tag: 'value', attrs: {}, content: withoutPrefix(pre.keyPair.pubKey) },
          ],
        },
      ],
    };
  }

  async decrypt(user: string, device: number, encType: 'pkmsg' | 'msg', ciphertext: Buffer): Promise<proto.IMessage> {
    const cipher = new libsignal.SessionCipher(this.storage, new libsignal.ProtocolAddress(user, device));
    const padded = encType === 'pkmsg'
      ? await cipher.decryptPreKeyWhisperMessage(ciphertext)
      : await cipher.decryptWhisperMessage(ciphertext);
    return proto.Message.decode(unpadRandomMax16(padded));
  }

  /** Encrypts for a client device, starting a session from its bundle when there is none. */
  async encrypt(user: string, device: number, bundle: ClientBundle | undefined, message: proto.IMessage): Promise<{ encType: 'pkmsg' | 'msg'; body: Buffer; preKeyId: number | null }> {
    const addr = new libsignal.ProtocolAddress(user, device);
    let preKeyId: number | null = null;
    if (!this.sessions.get(addr.toString())?.haveOpenSession()) {
      if (!bundle) throw new Error(`no Signal bundle known for ${user}:${device} (pair it with this server first)`);
      const oneTime = bundle.preKeys.entries().next();
      const theirs: PreKeyBundle = {
        identityKey: withPrefix(bundle.identityKey),
        registrationId: bundle.registrationId,
        signedPreKey: { ...bundle.signedPreKey, publicKey: withPrefix(bundle.signedPreKey.publicKey) },
      };
      if (!oneTime.done) {
        const [keyId, publicKey] = oneTime.value;
        bundle.preKeys.delete(keyId);
        preKeyId = keyId;
        theirs.preKey = { keyId, publicKey: withPrefix(publicKey) };
      }
      await new libsignal.SessionBuilder(this.storage, addr).initOutgoing(theirs);
    }
    const { type, body } = await new libsignal.SessionCipher(this.storage, addr).encrypt(encodeWAMessage(message));
    return { encType: type === 3 ? 'pkmsg' : 'msg', body: Buffer.from(body), preKeyId };
  }
}

/** The contact as tests see it. */
export interface SimulatedContact {
  readonly number: string;
  /** `<number>@s.whatsapp.net` */
  readonly jid: string;
  /** `<lid user>@lid` */
  readonly lid: string;
  pushName: string;
  /** Receipts sent back for each message the client sends. Default 'read' (delivered, then read). */
  receiptMode: ReceiptMode;
  /**
   * While set, the server refuses the client's messages to this contact with this error code in
   * its <ack> (e.g. '463' restricted account, '479' invalid stanza) and delivers nothing. Default null.
   */
  refuseWith: string | null;
  /**
   * How the contact's messages name their sender: 'pn' (from=<number>@s.whatsapp.net, default)
   * or 'lid' (from=<lid>@lid with sender_pn, as WhatsApp addresses most chats now).
   */
  addressing: 'pn' | 'lid';
  /** What the client sent, decrypted, oldest first. */
  readonly inbox: readonly ContactInbound[];
  /** Receipts the client sent for the contact's messages. */
  readonly receipts: readonly ClientReceipt[];
  /** Decryption failures, one line each. */
  readonly failures: readonly string[];
  /** What the contact sent to the client, oldest first. */
  readonly outbox: readonly ContactOutbound[];
  /** Sends an encrypted text to the account's newest logged-in device; resolves with the message id. */
  send(text: string): Promise<string>;
  /** Sends a non-text message (e.g. a location) for "other kind" handling. */
  sendMessage(message: proto.IMessage): Promise<string>;
  /** Waits until the inbox holds `count` messages; resolves with the last of them. */
  waitForInbound(count?: number, timeoutMs?: number): Promise<ContactInbound>;
  /** Waits for a client receipt of this kind for message `id`. */
  waitForReceipt(id: string, kind: ClientReceipt['kind'], timeoutMs?: number): Promise<ClientReceipt>;
}

/** What a contact needs from the server it lives in. */
export interface ContactHost {
  now(): number;
  waitFor<T>(check: () => T | undefined | false, timeoutMs?: number, what?: string): Promise<T>;
  changed(): void;
  /** Builds a stanza for the account's newest logged-in device (given its JID) and delivers it there. */
  deliver(build: (deviceJid: string) => Promise<BinaryNode>): Promise<void>;
  bundleFor(deviceJid: string): ClientBundle | undefined;
}

export class Contact implements SimulatedContact {
  readonly jid: string;
  readonly lid: string;
  receiptMode: ReceiptMode = 'read';
  refuseWith: string | null = null;
  addressing: 'pn' | 'lid' = 'pn';
  readonly inbox: ContactInbound[] = [];
  readonly receipts: ClientReceipt[] = [];
  readonly failures: string[] = [];
  readonly outbox: ContactOutbound[] = [];
  readonly signal = new ContactSignal();

  constructor(
    readonly number: string,
    lidUser: string,
    public pushName: string,
    private readonly host: ContactHost,
  ) {
    this.jid = `${number}@s.whatsapp.net`;
    this.lid = `${lidUser}@lid`;
  }

  send(text: string): Promise<string> {
    return this.sendMessage({ conversation: text });
  }

  async sendMessage(message: proto.IMessage): Promise<string> {
    const id = generateMessageIDV2();
    const kind = message.conversation || message.extendedTextMessage ? 'text' : 'media';
    await this.host.deliver(async deviceJid => {
      const [userDevice = ''] = deviceJid.split('@');
      const [user = '', device = '0'] = userDevice.split(':');
      const { encType, body, preKeyId } = await this.signal.encrypt(user, Number(device), this.host.bundleFor(deviceJid), message);
      this.outbox.push({ id, to: deviceJid, encType, preKeyId, at: this.host.now() });
      const from: Record<string, string> = this.addressing === 'lid' ? { from: this.lid, sender_pn: this.jid, addressing_mode: 'lid' } : { from: this.jid };
      return {
        tag: 'message',
        attrs: { ...from, id, type: kind, t: String(Math.floor(this.host.now() / 1000)), notify: this.pushName },
        content: [{ tag: 'enc', attrs: { v: '2', type: encType }, content: body }],
      };
    });
    return id;
  }

  /** Decrypts and records one `<enc>` the client addressed to this contact. */
  async receive(id: string, deviceJid: string, encType: 'pkmsg' | 'msg', ciphertext: Buffer): Promise<boolean> {
    const [userDevice = ''] = deviceJid.split('@');
    const [user = '', device = '0'] = userDevice.split(':');
    try {
      const message = await this.signal.decrypt(user, Number(device), encType, ciphertext);
      this.inbox.push({ id, from: deviceJid, encType, text: messageText(message), message, at: this.host.now() });
      return true;
    } catch (err) {
      this.failures.push(`${id}: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    } finally {
      this.host.changed();
    }
  }

  recordReceipt(id: string, type: string | undefined): void {
    this.receipts.push({ id, type, kind: receiptKind(type), at: this.host.now() });
    this.host.changed();
  }

  waitForInbound(count = this.inbox.length + 1, timeoutMs = 5000): Promise<ContactInbound> {
    return this.host.waitFor(() => (this.inbox.length >= count ? this.inbox[count - 1] : undefined), timeoutMs, `${count} message(s) at contact ${this.number}`);
  }

  waitForReceipt(id: string, kind: ClientReceipt['kind'], timeoutMs = 5000): Promise<ClientReceipt> {
    return this.host.waitFor(() => this.receipts.find(r => r.id === id && r.kind === kind), timeoutMs, `${kind} receipt for ${id}`);
  }
}
