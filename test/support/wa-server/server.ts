// A local stand-in for WhatsApp's chat server that the real Baileys client talks to over
// ws://: Noise XX responder, QR pairing through a simulated phone, login, IQ answers,
// presence capture and fault injection. See index.ts for the API overview.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  Curve,
  decodeBinaryNode,
  encodeBinaryNode,
  NOISE_WA_HEADER,
  proto,
  S_WHATSAPP_NET,
  type BinaryNode,
  type KeyPair,
} from '@whiskeysockets/baileys';
import { systemClock, type Clock } from '../../../main/engine/clock.js';
import { buildCertChain, type CertChainMode } from './certs.js';
import type { SimulatedContact } from './contact.js';
import { ContactHub, type ContactOptions } from './contact-hub.js';
import { faultNode, type FailureReason, type Fault, type StreamFault } from './faults.js';
import { answerIq } from './iq-replies.js';
import { LinkedDeviceClocks, type LinkedDeviceClockOptions } from './linked-device-clocks.js';
import { encodeFrame, FrameReader, NoiseResponder } from './noise.js';
import { buildPairSuccess, parsePairingQr, verifyPairDeviceSign, type ScannedQr } from './pairing.js';
import { finishResult, helloResult, isWellFormedCode, linkCodeError, linkCodeStage, normalizeTypedCode, openKeyBundle, parseCompanionHello, primaryHello, type CompanionHello, type LinkCodeStage } from './pairing-code.js';
import { WebSocketServer, WS_OPEN, type WsSocket } from './ws-module.js';

export interface WaServerOptions {
  /** 0 (default) picks a free port on 127.0.0.1. */
  port?: number;
  /** Refs sent in pair-device; Baileys shows one QR per ref, then ends with 408. Default 6. */
  qrRefs?: number;
  /** The simulated phone's number (the account). Default '15550000001'. */
  phoneNumber?: string;
  /** The account's LID user part. Default '100000000000001'. */
  lidUser?: string;
  /** Push name delivered at pairing; null withholds it (Baileys then drops presence updates). */
  pushName?: string | null;
  /** Serve a correct chain, or one with a single forgery (see certs.ts). Default 'valid'. */
  certChain?: CertChainMode;
  /** Reported for `encrypt/count`. Default 50: enough that Baileys skips the upload (whose 30 s timer it never clears). */
  preKeysOnServer?: number;
  /** Send <ib><offline count=0/></ib> after the client's `passive active`, as the real server does. Default true. */
  sendOffline?: boolean;
  /** Timestamps for records (presence times, success t). Default systemClock. */
  clock?: Clock;
  /** Refuse clients announcing an older WhatsApp Web version with a 405 failure. Default: accept any. */
  minVersion?: WaVersion;
  /** The client revision the version document (GET versionUrl) names; null serves 404. Default null. */
  webRevision?: number | null;
  /** WhatsApp's two linked-device clocks (linked-device-clocks.ts) on `clock`. Default: off. */
  linkedDeviceClocks?: LinkedDeviceClockOptions;
}

/** A WhatsApp Web version as Baileys announces it: [2, 3000, client revision]. */
export type WaVersion = [number, number, number];

export type ConnectionState = 'handshake' | 'pairing' | 'logged-in' | 'closed';

export interface PresenceRecord {
  /** The `type` attr ('available' | 'unavailable'), or undefined for a bare name announcement. */
  type: string | undefined;
  name: string | undefined;
  at: number;
}

export interface WaConnection {
  readonly id: number;
  readonly state: ConnectionState;
  /** 'registration' when the client had no creds.me, else 'login'. */
  readonly kind: 'registration' | 'login' | undefined;
  /** Device JID once logged in or paired. */
  readonly jid: string | undefined;
  /** Refs sent in pair-device. */
  readonly refs: readonly string[];
  readonly presences: readonly PresenceRecord[];
  /** Last 500 decoded stanzas from the client, for assertions. */
  readonly received: readonly BinaryNode[];
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly framesIn: number;
  readonly framesOut: number;
  readonly openedAt: number;
  readonly closedAt: number | undefined;
  /** The WhatsApp Web version the client announced in its handshake, e.g. '2.3000.1043857760'. */
  readonly appVersion: string | undefined;
  /** True while the server ignores this connection's IQs and pings. */
  readonly silent: boolean;
  /** True while the server answers this connection's pings and drops everything else (Baileys 7's "deaf" socket). */
  readonly deaf: boolean;
  /** The account a companion_hello asked to link to by code (pairing-code.ts), else undefined. */
  readonly linkCodeFor: string | undefined;
}

export interface DeviceRecord {
  jid: string;
  lid: string;
  identityKey: Buffer;
  noiseKey: Buffer;
  pairedAt: number;
  preKeysUploaded: number;
}

/**
 * 'reset': drop the TCP socket at the HTTP upgrade (Baileys closes at once).
 * 'http-503': answer the upgrade with HTTP 503. Baileys listens to ws 'unexpected-response'
 *   without handling it, so its socket then hangs in 'connecting' (a Baileys quirk worth testing).
 * 'close-on-open': accept the websocket, then destroy it before the handshake.
 */
export type RefuseMode = 'none' | 'reset' | 'http-503' | 'close-on-open';

export interface SimulatedPhone {
  readonly number: string;
  readonly jid: string;
  /** Scans a QR from Baileys' connection.update; resolves once the companion signed and got 515. */
  scan(qr: string): Promise<{ jid: string; lid: string; connection: WaConnection }>;
  /**
   * Types a pairing code under Linked devices → Link with phone number. Resolves once the
   * companion is linked (pair-success signed, 515 sent); rejects for a wrong code (the key bundle
   * does not open) or when no companion of this number waits any more (its socket closed).
   */
  enterCode(code: string): Promise<{ jid: string; lid: string; connection: WaConnection }>;
}

export interface WaServer {
  readonly url: string;
  /** http://…/sw.js: the WhatsApp Web version document, like web.whatsapp.com/sw.js */
  readonly versionUrl: string;
  /** how often the version document was asked for */
  readonly versionRequests: number;
  readonly port: number;
  readonly phone: SimulatedPhone;
  readonly connections: readonly WaConnection[];
  readonly devices: ReadonlyMap<string, DeviceRecord>;
  /** Unknown IQs and protocol oddities, one line each (never key material). */
  readonly log: readonly string[];
  /** HTTP upgrades refused while refuseConnections('reset' | 'http-503') was on. */
  readonly rejectedUpgrades: number;
  /** Resolves with the first non-undefined value of check(), re-evaluated on every server event. */
  waitFor<T>(check: () => T | undefined | false, timeoutMs?: number, what?: string): Promise<T>;
  nextConnection(timeoutMs?: number): Promise<WaConnection>;
  nextLogin(timeoutMs?: number): Promise<WaConnection>;
  waitForPresence(conn: WaConnection, type: string | undefined, timeoutMs?: number): Promise<PresenceRecord>;
  waitForClose(conn: WaConnection, timeoutMs?: number): Promise<void>;
  /** Waits until the client sent nothing for quietMs (so all its queries got their answers). */
  waitForQuiet(conn: WaConnection, quietMs?: number, timeoutMs?: number): Promise<void>;
  injectFailure(target: WaConnection | 'next-login', reason: FailureReason, attrs?: Record<string, string>): void;
  injectStreamError(target: WaConnection | 'next-login', fault: StreamFault): void;
  /** Destroys the TCP socket with no closing handshake. */
  destroy(conn: WaConnection): void;
  setSilent(conn: WaConnection, silent?: boolean): void;
  /** Answers only keep-alive pings (iq xmlns w:p) on this connection from now on; drops every other stanza. */
  setDeaf(conn: WaConnection, deaf?: boolean): void;
  refuseConnections(mode: RefuseMode): void;
  /** From the next handshake on, refuse older versions with 405 (null: accept any). */
  requireVersion(min: WaVersion | null): void;
  /** The revision the version document names from now on (null: 404). */
  serveWebRevision(revision: number | null): void;
  setQrRefs(count: number): void;
  setPushName(name: string | null): void;
  /** The chain served from the next handshake on (e.g. a forged one after a valid pairing). */
  setCertChain(mode: CertChainMode): void;
  /** From the next scan on, the pair-success's account signature is made by another key than the phone's. */
  forgeAccountSignature(forged: boolean): void;
  removeDevice(jid: string): boolean;
  /** The two linked-device clocks, when turned on (their removals say who went and why). */
  readonly deviceClocks: LinkedDeviceClocks | null;
  /** The phone is used: its 14-day clock starts over, and every logged-in companion gets a receipt from it. */
  phoneOnline(): void;
  sendNode(conn: WaConnection, node: BinaryNode): void;
  /** A simulated contact with its own Signal identity (see contact.ts); other numbers are not on WhatsApp. */
  addContact(opts: ContactOptions): SimulatedContact;
  readonly contacts: ReadonlyMap<string, SimulatedContact>;
  close(): Promise<void>;
}

const RECEIVED_CAP = 500;

function compareVersion(a: WaVersion, b: WaVersion): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

class Connection implements WaConnection {
  state: ConnectionState = 'handshake';
  kind: 'registration' | 'login' | undefined;
  jid: string | undefined;
  refs: string[] = [];
  presences: PresenceRecord[] = [];
  received: BinaryNode[] = [];
  bytesIn = 0;
  bytesOut = 0;
  framesIn = 0;
  framesOut = 0;
  closedAt: number | undefined;
  appVersion: string | undefined;
  silent = false;
  deaf = false;
  lastFrameAt: number;
  noise: NoiseResponder;
  reader = new FrameReader(NOISE_WA_HEADER);
  queue: Promise<void> = Promise.resolve();
  replyWaiters = new Map<string, { resolve: (node: BinaryNode) => void; fail: (why: string) => void }>();

  failWaiters(why: string): void {
    for (const w of [...this.replyWaiters.values()]) w.fail(why);
    this.replyWaiters.clear();
  }
  registration: proto.ClientPayload.IDevicePairingRegistrationData | undefined;
  /** Present once the phone scanned this connection's QR. */
  scanned: ScannedQr | undefined;
  /** The companion's hello when it asked to link by code. */
  linkCode: CompanionHello | undefined;
  /** The phone's wait for the companion_finish that answers its notification. */
  linkCodeFinish: ((iq: BinaryNode) => void) | undefined;

  get linkCodeFor(): string | undefined {
    return this.linkCode?.jid;
  }

  constructor(
    readonly id: number,
    readonly ws: WsSocket,
    readonly openedAt: number,
    staticKey: KeyPair,
  ) {
    this.lastFrameAt = Date.now();
    this.noise = new NoiseResponder(NOISE_WA_HEADER, staticKey);
  }
}

class WaTestServer implements WaServer {
  readonly connections: Connection[] = [];
  readonly devices = new Map<string, DeviceRecord>();
  readonly log: string[] = [];
  rejectedUpgrades = 0;
  versionRequests = 0;
  readonly phone: SimulatedPhone;
  url = '';
  versionUrl = '';
  port = 0;

  private readonly logins: Connection[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly nextLoginFaults: Fault[] = [];
  private readonly staticKey = Curve.generateKeyPair();
  private readonly phoneIdentity = Curve.generateKeyPair();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly http: Server;
  private readonly clock: Clock;
  private qrRefs: number;
  private pushName: string | null;
  private certChain: CertChainMode;
  /** the chain served in each mode, built on its first handshake */
  private readonly certChains = new Map<CertChainMode, Uint8Array>();
  private forgedAccountSignature = false;
  private refuse: RefuseMode = 'none';
  private minVersion: WaVersion | null;
  private webRevision: number | null;
  private nextDevice = 1;
  private nextId = 1;
  private closing = false;
  readonly deviceClocks: LinkedDeviceClocks | null;
  private readonly hub: ContactHub<Connection>;

  constructor(private readonly opts: WaServerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.qrRefs = opts.qrRefs ?? 6;
    this.pushName = opts.pushName === undefined ? 'Test Phone' : opts.pushName;
    this.certChain = opts.certChain ?? 'valid';
    this.minVersion = opts.minVersion ?? null;
    this.webRevision = opts.webRevision ?? null;
    const number = opts.phoneNumber ?? '15550000001';
    this.phone = {
      number,
      jid: `${number}${S_WHATSAPP_NET}`,
      scan: qr => this.scan(qr),
      enterCode: code => this.enterCode(code),
    };
    this.deviceClocks = opts.linkedDeviceClocks
      ? new LinkedDeviceClocks(this.clock, {
          deviceJids: () => [...this.devices.keys()],
          removeCompanion: jid => this.removeCompanion(jid),
        }, opts.linkedDeviceClocks)
      : null;
    this.hub = new ContactHub<Connection>({
      now: () => this.clock.now(),
      waitFor: (check, timeoutMs, what) => this.waitFor(check, timeoutMs, what),
      changed: () => this.changed(),
      note: line => this.note(line),
      send: (conn, node) => this.send(conn, node),
      connections: () => this.connections,
      accountNumber: number,
    });
    this.http = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/sw.js') {
        this.versionRequests++;
        this.changed();
        if (this.webRevision === null) {
          res.writeHead(404).end();
          return;
        }
        // the shape of web.whatsapp.com/sw.js: the revision sits in escaped JSON inside the script
        const body = `self.__swData=JSON.parse(/*BTDS*/"{\\"dynamic_data\\":{\\"SiteData\\":{\\"client_revision\\":${this.webRevision}}}}");`;
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
        return;
      }
      res.writeHead(426).end();
    });
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.port = (this.http.address() as AddressInfo).port;
    this.url = `ws://127.0.0.1:${this.port}/ws/chat`;
    this.versionUrl = `http://127.0.0.1:${this.port}/sw.js`;
  }

  private get nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  private note(line: string): void {
    this.log.push(line);
  }

  private changed(): void {
    for (const w of [...this.waiters]) w();
  }

  // ---- transport ---------------------------------------------------------------------------

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closing || this.refuse === 'reset' || this.refuse === 'http-503') {
      this.rejectedUpgrades++;
      if (this.refuse === 'http-503' && !this.closing) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      } else {
        socket.destroy();
      }
      this.changed();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, ws => this.onSocket(ws));
  }

  private onSocket(ws: WsSocket): void {
    const conn = new Connection(this.nextId++, ws, this.clock.now(), this.staticKey);
    this.connections.push(conn);
    ws.on('message', data => {
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      conn.bytesIn += buf.byteLength;
      conn.lastFrameAt = Date.now();
      conn.queue = conn.queue
        .then(() => this.onBytes(conn, buf))
        .catch((err: unknown) => {
          this.note(`conn#${conn.id} protocol error: ${err instanceof Error ? err.message : String(err)}`);
          conn.ws.terminate();
        });
    });
    ws.on('close', () => {
      conn.failWaiters(`conn#${conn.id} closed before replying`);
      conn.state = 'closed';
      conn.closedAt = this.clock.now();
      this.changed();
    });
    ws.on('error', err => this.note(`conn#${conn.id} socket error: ${err.message}`));
    if (this.refuse === 'close-on-open') {
      ws.terminate();
    }
    this.changed();
  }

  private sendRaw(conn: Connection, data: Uint8Array, then?: () => void): void {
    if (conn.ws.readyState !== WS_OPEN) return;
    const frame = encodeFrame(data);
    conn.bytesOut += frame.byteLength;
    conn.framesOut++;
    conn.ws.send(frame, () => then?.());
  }

  private send(conn: Connection, node: BinaryNode, then?: () => void): void {
    this.sendRaw(conn, conn.noise.encrypt(encodeBinaryNode(node)), then);
  }

  /** Sends a final stanza, then closes the socket the way the real server does. */
  private sendAndClose(conn: Connection, node: BinaryNode): void {
    if (conn.ws.readyState !== WS_OPEN) return;
    this.send(conn, node, () => conn.ws.close());
  }

  private async onBytes(conn: Connection, buf: Buffer): Promise<void> {
    for (const frame of conn.reader.push(buf)) {
      conn.framesIn++;
      if (!conn.noise.ready) {
        this.onHandshakeFrame(conn, frame);
        continue;
      }
      const node = await decodeBinaryNode(conn.noise.decrypt(frame));
      conn.received.push(node);
      if (conn.received.length > RECEIVED_CAP) conn.received.shift();
      this.onNode(conn, node);
      this.changed();
    }
  }

  private onHandshakeFrame(conn: Connection, frame: Buffer): void {
    const msg = proto.HandshakeMessage.decode(frame);
    if (msg.clientHello) {
      // WhatsApp's chain certifies its long-lived static key: one chain for every handshake, as
      // there (built per handshake, its two pure-JS signatures, ~20 ms, made this stand-in the
      // bottleneck of a 50-phone start: docs/benchmarks.md, eighth pass)
      let chain = this.certChains.get(this.certChain);
      if (!chain) {
        chain = buildCertChain(this.staticKey.public, this.certChain);
        this.certChains.set(this.certChain, chain);
      }
      this.sendRaw(conn, conn.noise.serverHello(msg.clientHello, chain));
      return;
    }
    if (!msg.clientFinish) throw new Error('unexpected handshake message');
    const payload = conn.noise.clientFinish(msg.clientFinish);
    const v = payload.userAgent?.appVersion;
    const announced: WaVersion = [v?.primary ?? 0, v?.secondary ?? 0, v?.tertiary ?? 0];
    conn.appVersion = announced.join('.');
    if (this.minVersion && compareVersion(announced, this.minVersion) < 0) {
      // as the real server does with a retired version: <failure reason="405"/>, then close
      this.note(`conn#${conn.id} refused outdated version ${conn.appVersion}`);
      this.sendAndClose(conn, faultNode({ kind: 'failure', reason: 405 }, this.nowSeconds));
      this.changed();
      return;
    }
    if (payload.devicePairingData) {
      conn.kind = 'registration';
      conn.registration = payload.devicePairingData;
      this.startPairing(conn);
    } else {
      conn.kind = 'login';
      this.login(conn, payload);
    }
    this.changed();
  }

  // ---- pairing -----------------------------------------------------------------------------

  private startPairing(conn: Connection): void {
    conn.state = 'pairing';
    conn.refs = Array.from({ length: this.qrRefs }, () => `2@${randomBytes(24).toString('base64')}`);
    this.send(conn, {
      tag: 'iq',
      attrs: { from: S_WHATSAPP_NET, type: 'set', id: this.newId(), xmlns: 'md' },
      content: [{
        tag: 'pair-device',
        attrs: {},
        content: conn.refs.map(ref => ({ tag: 'ref', attrs: {}, content: Buffer.from(ref, 'utf-8') })),
      }],
    });
  }

  private newId(): string {
    return randomBytes(6).toString('hex');
  }

  private async scan(qr: string): Promise<{ jid: string; lid: string; connection: WaConnection }> {
    const scanned = parsePairingQr(qr);
    const conn = this.connections.find(c => c.state === 'pairing' && c.refs.includes(scanned.ref));
    if (!conn) throw new Error('no pairing connection holds this QR ref (expired or closed)');
    const registered = conn.registration?.eIdent;
    if (!registered || !Buffer.from(registered).equals(scanned.identityKey)) {
      throw new Error('QR identity key does not match the registration payload');
    }
    if (!conn.noise.clientStatic?.equals(scanned.noiseKey)) {
      throw new Error('QR noise key does not match the connection');
    }
    return this.completePairing(conn, scanned);
  }

  /** The phone's pair-success, the companion's signature, then 515: the end of every pairing. */
  private async completePairing(conn: Connection, scanned: ScannedQr): Promise<{ jid: string; lid: string; connection: WaConnection }> {
    conn.scanned = scanned;
    const device = this.nextDevice++;
    const number = this.phone.number;
    const lidUser = this.opts.lidUser ?? '100000000000001';
    const jid = `${number}:${device}${S_WHATSAPP_NET}`;
    const lid = `${lidUser}:${device}@lid`;
    const iqId = this.newId();
    const reply = this.awaitReply(conn, iqId);
    this.send(conn, buildPairSuccess({
      iqId,
      jid,
      lid,
      keyIndex: device,
      phoneIdentity: this.phoneIdentity,
      scanned,
      pushName: this.pushName ?? undefined,
      platform: 'android',
      nowSeconds: this.nowSeconds,
      forgedAccountSignature: this.forgedAccountSignature,
    }));
    const signed = await reply;
    if (!verifyPairDeviceSign(signed, scanned.identityKey, Buffer.from(this.phoneIdentity.public))) {
      this.sendAndClose(conn, faultNode({ kind: 'failure', reason: 401 }, this.nowSeconds));
      throw new Error('companion returned an invalid pair-device-sign');
    }
    this.devices.set(jid, {
      jid,
      lid,
      identityKey: scanned.identityKey,
      noiseKey: scanned.noiseKey,
      pairedAt: this.clock.now(),
      preKeysUploaded: 0,
    });
    this.hub.paired(jid, conn.registration);
    conn.jid = jid;
    this.deviceClocks?.primaryOnline(); // the phone scanned: it is in use
    this.deviceClocks?.companionActive(jid);
    // As the real server: the companion must reconnect and log in with its new identity.
    this.sendAndClose(conn, faultNode({ kind: 'stream-error', fault: 515 }, this.nowSeconds));
    this.changed();
    return { jid, lid, connection: conn };
  }

  // ---- pairing by code (pairing-code.ts) ---------------------------------------------------

  private onLinkCode(conn: Connection, iq: BinaryNode, stage: LinkCodeStage): void {
    if (stage === 'companion_finish') {
      const waiting = conn.linkCodeFinish;
      conn.linkCodeFinish = undefined;
      if (waiting) {
        waiting(iq);
      } else {
        this.note(`conn#${conn.id} companion_finish with no code typed on the phone`);
        this.send(conn, linkCodeError(iq, 400, 'bad-request'));
      }
      return;
    }
    let hello: CompanionHello;
    try {
      if (conn.state !== 'pairing') throw new Error('companion_hello outside pairing');
      hello = parseCompanionHello(iq, `2@${randomBytes(24).toString('base64')}`);
      if (!conn.noise.clientStatic?.equals(hello.noiseKey)) throw new Error('companion_hello noise key does not match the connection');
    } catch (err) {
      this.note(`conn#${conn.id} ${err instanceof Error ? err.message : String(err)}`);
      this.send(conn, linkCodeError(iq, 400, 'bad-request'));
      return;
    }
    conn.linkCode = hello;
    this.send(conn, helloResult(iq, hello.ref));
  }

  private async enterCode(typed: string): Promise<{ jid: string; lid: string; connection: WaConnection }> {
    const code = normalizeTypedCode(typed);
    if (!isWellFormedCode(code)) throw new Error(`"${typed}" is not an 8-character pairing code`);
    // the newest companion still pairing that asked for this account
    const conn = [...this.connections].reverse().find(c => c.state === 'pairing' && c.linkCode?.jid === this.phone.jid);
    const hello = conn?.linkCode;
    if (!conn || !hello) throw new Error('no companion waits for a code for this number (expired or never asked)');
    const { notification, attempt } = await primaryHello({
      hello,
      code,
      phoneIdentity: this.phoneIdentity,
      notificationId: this.newId(),
      nowSeconds: this.nowSeconds,
    });
    const finish = new Promise<BinaryNode>((resolve, reject) => {
      const timer = setTimeout(() => {
        conn.linkCodeFinish = undefined;
        reject(new Error('the companion did not answer the code notification'));
      }, 10_000);
      conn.linkCodeFinish = iq => {
        clearTimeout(timer);
        resolve(iq);
      };
    });
    this.send(conn, notification);
    const finishIq = await finish;
    const verdict = openKeyBundle(finishIq, hello, attempt, this.phoneIdentity);
    if (!verdict.ok) {
      this.send(conn, linkCodeError(finishIq, 401, 'not-authorized'));
      throw new Error(`wrong code: ${verdict.reason}`);
    }
    this.send(conn, finishResult(finishIq));
    return this.completePairing(conn, {
      ref: hello.ref,
      noiseKey: hello.noiseKey,
      identityKey: verdict.identityKey,
      advSecret: verdict.advSecret,
      platformId: hello.platformId,
    });
  }

  private awaitReply(conn: Connection, id: string, timeoutMs = 5000): Promise<BinaryNode> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        conn.replyWaiters.delete(id);
        reject(new Error(`no reply to ${id}`));
      }, timeoutMs);
      conn.replyWaiters.set(id, {
        resolve: node => {
          clearTimeout(timer);
          resolve(node);
        },
        fail: why => {
          clearTimeout(timer);
          reject(new Error(why));
        },
      });
    });
  }

  // ---- login -------------------------------------------------------------------------------

  private login(conn: Connection, payload: proto.ClientPayload): void {
    const user = String(payload.username ?? '');
    const device = payload.device ?? 0;
    const jid = device ? `${user}:${device}${S_WHATSAPP_NET}` : `${user}${S_WHATSAPP_NET}`;
    conn.jid = jid;
    const fault = this.nextLoginFaults.shift();
    if (fault) {
      this.sendAndClose(conn, faultNode(fault, this.nowSeconds));
      return;
    }
    if (this.devices.has(jid) && this.deviceClocks?.refuseLogin(jid)) this.note(`conn#${conn.id} companion idle too long: logged out`);
    const record = this.devices.get(jid);
    if (!record || !conn.noise.clientStatic?.equals(record.noiseKey)) {
      this.note(`conn#${conn.id} login for unknown device`);
      this.sendAndClose(conn, faultNode({ kind: 'failure', reason: 401 }, this.nowSeconds));
      return;
    }
    conn.state = 'logged-in';
    this.deviceClocks?.companionActive(jid);
    this.logins.push(conn);
    this.send(conn, {
      tag: 'success',
      attrs: {
        t: String(this.nowSeconds),
        props: '1',
        abprops: '1',
        location: 'test',
        lid: record.lid,
        creation: String(Math.floor(record.pairedAt / 1000)),
      },
    });
  }

  // ---- stanzas -----------------------------------------------------------------------------

  private onNode(conn: Connection, node: BinaryNode): void {
    if (conn.deaf && !(node.tag === 'iq' && node.attrs.xmlns === 'w:p')) return;
    if (node.tag === 'presence') {
      conn.presences.push({ type: node.attrs.type, name: node.attrs.name, at: this.clock.now() });
      if (node.attrs.type === 'available' && conn.jid && conn.state === 'logged-in') this.deviceClocks?.companionActive(conn.jid);
      return;
    }
    if ((node.tag === 'message' || node.tag === 'receipt') && this.hub.onStanza(conn, node, this.nowSeconds)) return;
    if (node.tag !== 'iq') return;
    const id = node.attrs.id ?? '';
    const type = node.attrs.type;
    if (type === 'result' || type === 'error') {
      const waiter = conn.replyWaiters.get(id);
      conn.replyWaiters.delete(id);
      waiter?.resolve(node);
      return;
    }
    if (conn.silent) return;
    const linkStage = linkCodeStage(node);
    if (linkStage) {
      this.onLinkCode(conn, node, linkStage);
      return;
    }
    const contactReply = this.hub.answerIq(conn, node, this.nowSeconds);
    if (contactReply) {
      this.send(conn, contactReply);
      return;
    }
    const { reply, effect } = answerIq(node, { preKeysOnServer: this.preKeysFor(conn) });
    this.send(conn, reply);
    switch (effect.kind) {
      case 'pre-keys-uploaded': {
        const record = conn.jid ? this.devices.get(conn.jid) : undefined;
        if (record) record.preKeysUploaded += effect.count;
        break;
      }
      case 'logout':
        this.devices.delete(effect.jid);
        break;
      case 'unknown':
        this.note(`conn#${conn.id} unknown iq xmlns=${effect.xmlns} child=${effect.child} (answered empty)`);
        break;
      case 'none':
        break;
    }
    if (node.attrs.xmlns === 'passive' && this.opts.sendOffline !== false) {
      const first = Array.isArray(node.content) ? node.content[0]?.tag : undefined;
      if (first === 'active') {
        this.send(conn, { tag: 'ib', attrs: { from: S_WHATSAPP_NET }, content: [{ tag: 'offline', attrs: { count: '0' } }] });
      }
    }
  }

  private preKeysFor(conn: Connection): number {
    if (this.opts.preKeysOnServer !== undefined) return this.opts.preKeysOnServer;
    const record = conn.jid ? this.devices.get(conn.jid) : undefined;
    return Math.max(50, record?.preKeysUploaded ?? 0);
  }

  // ---- waiting -----------------------------------------------------------------------------

  waitFor<T>(check: () => T | undefined | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const first = check();
      if (first !== undefined && first !== false) {
        resolve(first);
        return;
      }
      const waiter = (): void => {
        let value: T | undefined | false;
        try {
          value = check();
        } catch (err) {
          done();
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        if (value !== undefined && value !== false) {
          done();
          resolve(value);
        } else if (this.closing) {
          done();
          reject(new Error(`wa-server closed while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`wa-server: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  nextConnection(timeoutMs?: number): Promise<WaConnection> {
    const seen = this.connections.length;
    return this.waitFor(() => this.connections[seen], timeoutMs, 'next connection');
  }

  nextLogin(timeoutMs?: number): Promise<WaConnection> {
    const seen = this.logins.length;
    return this.waitFor(() => this.logins[seen], timeoutMs, 'next login');
  }

  waitForPresence(conn: WaConnection, type: string | undefined, timeoutMs?: number): Promise<PresenceRecord> {
    return this.waitFor(() => conn.presences.find(p => p.type === type), timeoutMs, `presence ${type ?? '(no type)'}`);
  }

  waitForClose(conn: WaConnection, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => (conn.state === 'closed' ? true : undefined), timeoutMs, `close of conn#${conn.id}`).then(() => undefined);
  }

  async waitForQuiet(conn: WaConnection, quietMs = 50, timeoutMs = 5000): Promise<void> {
    const c = this.own(conn);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() - c.lastFrameAt < quietMs) {
      if (Date.now() > deadline) throw new Error(`wa-server: conn#${c.id} never went quiet`);
      await new Promise(r => setTimeout(r, quietMs));
    }
  }

  // ---- faults ------------------------------------------------------------------------------

  private own(conn: WaConnection): Connection {
    const c = this.connections.find(x => x === conn);
    if (!c) throw new Error('connection does not belong to this server');
    return c;
  }

  private inject(target: WaConnection | 'next-login', fault: Fault): void {
    if (target === 'next-login') {
      this.nextLoginFaults.push(fault);
      return;
    }
    const c = this.own(target);
    if (!c.noise.ready) throw new Error('cannot send a stanza before the handshake finished');
    this.sendAndClose(c, faultNode(fault, this.nowSeconds));
  }

  injectFailure(target: WaConnection | 'next-login', reason: FailureReason, attrs?: Record<string, string>): void {
    this.inject(target, attrs ? { kind: 'failure', reason, attrs } : { kind: 'failure', reason });
  }

  injectStreamError(target: WaConnection | 'next-login', fault: StreamFault): void {
    this.inject(target, { kind: 'stream-error', fault });
  }

  destroy(conn: WaConnection): void {
    this.own(conn).ws.terminate();
  }

  setSilent(conn: WaConnection, silent = true): void {
    this.own(conn).silent = silent;
  }

  setDeaf(conn: WaConnection, deaf = true): void {
    this.own(conn).deaf = deaf;
  }

  refuseConnections(mode: RefuseMode): void {
    this.refuse = mode;
  }

  requireVersion(min: WaVersion | null): void {
    this.minVersion = min;
  }

  serveWebRevision(revision: number | null): void {
    this.webRevision = revision;
  }

  setQrRefs(count: number): void {
    this.qrRefs = count;
  }

  setPushName(name: string | null): void {
    this.pushName = name;
  }

  setCertChain(mode: CertChainMode): void {
    this.certChain = mode;
  }

  forgeAccountSignature(forged: boolean): void {
    this.forgedAccountSignature = forged;
  }

  removeDevice(jid: string): boolean {
    return this.devices.delete(jid);
  }

  /** WhatsApp removed this companion: forget it and end its live connections as the real server does. */
  private removeCompanion(jid: string): void {
    this.devices.delete(jid);
    for (const c of this.connections) {
      if (c.jid === jid && c.state === 'logged-in') this.sendAndClose(c, faultNode({ kind: 'stream-error', fault: 'device_removed' }, this.nowSeconds));
    }
    this.changed();
  }

  phoneOnline(): void {
    this.deviceClocks?.primaryOnline();
    for (const c of this.connections) {
      if (c.state !== 'logged-in' || c.ws.readyState !== WS_OPEN) continue;
      this.send(c, { tag: 'receipt', attrs: { from: this.phone.jid, id: this.newId(), t: String(this.nowSeconds) } });
    }
    this.changed();
  }

  get contacts(): ReadonlyMap<string, SimulatedContact> {
    return this.hub.contacts;
  }

  addContact(opts: ContactOptions): SimulatedContact {
    return this.hub.add(opts);
  }

  sendNode(conn: WaConnection, node: BinaryNode): void {
    const c = this.own(conn);
    if (!c.noise.ready) throw new Error('cannot send a stanza before the handshake finished');
    this.send(c, node);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.deviceClocks?.stop();
    this.changed();
    for (const c of this.connections) {
      c.failWaiters('wa-server closed');
      c.ws.terminate();
    }
    await new Promise<void>(resolve => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>(resolve => this.http.close(() => resolve()));
  }
}

export async function startWaServer(opts: WaServerOptions = {}): Promise<WaServer> {
  const server = new WaTestServer(opts);
  await server.listen();
  return server;
}
