// Responder side of WhatsApp's Noise_XX_25519_AESGCM_SHA256 handshake, the mirror image of
// Baileys' lib/Utils/noise-handler.js (same hash chaining, HKDF key mixing and counters).
import {
  aesDecryptGCM,
  aesEncryptGCM,
  Curve,
  hkdf,
  NOISE_MODE,
  proto,
  sha256,
  type KeyPair,
} from '@whiskeysockets/baileys';

function iv(counter: number): Uint8Array {
  const out = new Uint8Array(12);
  new DataView(out.buffer).setUint32(8, counter);
  return out;
}

/** Symmetric state during the handshake; after finish() it encrypts transport frames. */
export class NoiseResponder {
  private hash: Buffer;
  private salt: Buffer;
  private key: Buffer;
  private counter = 0;
  private transport: { enc: Buffer; dec: Buffer; read: number; write: number } | undefined;
  private readonly ephemeral: KeyPair = Curve.generateKeyPair();
  /** The client's static noise public key, known after ClientFinish. */
  clientStatic: Buffer | undefined;

  constructor(
    prologue: Uint8Array,
    private readonly staticKey: KeyPair,
  ) {
    const mode = Buffer.from(NOISE_MODE);
    this.hash = mode.byteLength === 32 ? mode : sha256(mode);
    this.salt = this.hash;
    this.key = this.hash;
    this.authenticate(prologue);
  }

  private authenticate(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  private mixIntoKey(data: Uint8Array): void {
    const out = Buffer.from(hkdf(Buffer.from(data), 64, { salt: this.salt, info: '' }));
    this.salt = out.subarray(0, 32);
    this.key = out.subarray(32);
    this.counter = 0;
  }

  private encryptHs(plain: Uint8Array): Buffer {
    const out = aesEncryptGCM(plain, this.key, iv(this.counter++), this.hash);
    this.authenticate(out);
    return out;
  }

  private decryptHs(cipher: Uint8Array): Buffer {
    const out = aesDecryptGCM(cipher, this.key, iv(this.counter++), this.hash);
    this.authenticate(cipher);
    return out;
  }

  /** Consumes ClientHello, returns the encoded ServerHello carrying the cert chain. */
  serverHello(clientHello: proto.HandshakeMessage.IClientHello, certChain: Uint8Array): Uint8Array {
    const clientEphemeral = clientHello.ephemeral;
    if (!clientEphemeral || clientEphemeral.byteLength !== 32) throw new Error('bad client ephemeral');
    this.authenticate(clientEphemeral);
    this.authenticate(this.ephemeral.public);
    this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, clientEphemeral));
    const encStatic = this.encryptHs(this.staticKey.public);
    this.mixIntoKey(Curve.sharedKey(this.staticKey.private, clientEphemeral));
    const payload = this.encryptHs(certChain);
    return proto.HandshakeMessage.encode({
      serverHello: { ephemeral: this.ephemeral.public, static: encStatic, payload },
    }).finish();
  }

  /** Consumes ClientFinish, switches to transport keys and returns the ClientPayload. */
  clientFinish(finish: proto.HandshakeMessage.IClientFinish): proto.ClientPayload {
    if (!finish.static || !finish.payload) throw new Error('incomplete ClientFinish');
    this.clientStatic = this.decryptHs(finish.static);
    this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, this.clientStatic));
    const payload = proto.ClientPayload.decode(this.decryptHs(finish.payload));
    const keys = Buffer.from(hkdf(Buffer.alloc(0), 64, { salt: this.salt, info: '' }));
    // The client writes with the first half and reads with the second; we do the reverse.
    this.transport = { dec: keys.subarray(0, 32), enc: keys.subarray(32), read: 0, write: 0 };
    return payload;
  }

  get ready(): boolean {
    return this.transport !== undefined;
  }

  encrypt(plain: Uint8Array): Buffer {
    if (!this.transport) throw new Error('noise transport not ready');
    return aesEncryptGCM(plain, this.transport.enc, iv(this.transport.write++), Buffer.alloc(0));
  }

  decrypt(cipher: Uint8Array): Buffer {
    if (!this.transport) throw new Error('noise transport not ready');
    return aesDecryptGCM(cipher, this.transport.dec, iv(this.transport.read++), Buffer.alloc(0));
  }
}

/** Splits the client's byte stream into 3-byte-length-prefixed frames, dropping the intro header once. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private sawIntro = false;

  constructor(private readonly introHeader: Uint8Array) {}

  push(data: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
    if (!this.sawIntro) {
      if (this.buf.length < this.introHeader.length) return [];
      const head = this.buf.subarray(0, this.introHeader.length);
      if (!head.equals(Buffer.from(this.introHeader))) throw new Error('bad intro header');
      this.buf = this.buf.subarray(this.introHeader.length);
      this.sawIntro = true;
    }
    const frames: Buffer[] = [];
    while (this.buf.length >= 3) {
      const size = (this.buf[0]! << 16) | (this.buf[1]! << 8) | this.buf[2]!;
      if (this.buf.length < size + 3) break;
      frames.push(this.buf.subarray(3, size + 3));
      this.buf = this.buf.subarray(size + 3);
    }
    return frames;
  }
}

export function encodeFrame(data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(3 + data.byteLength);
  out[0] = (data.byteLength >>> 16) & 0xff;
  out[1] = (data.byteLength >>> 8) & 0xff;
  out[2] = data.byteLength & 0xff;
  out.set(data, 3);
  return out;
}
