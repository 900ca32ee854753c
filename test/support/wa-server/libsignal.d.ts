// libsignal (Baileys' Signal implementation) ships no types for these parts; only what the WA test
// server's simulated contact uses.
declare module 'libsignal' {
  export interface KeyPair {
    /** 33 bytes: 0x05 then the Curve25519 public key. */
    pubKey: Buffer;
    privKey: Buffer;
  }
  export interface SignedPreKey {
    keyId: number;
    keyPair: KeyPair;
    signature: Buffer;
  }
  export interface PreKeyBundle {
    identityKey: Buffer;
    registrationId: number;
    signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
    preKey?: { keyId: number; publicKey: Buffer };
  }
  export class SessionRecord {
    static deserialize(data: unknown): SessionRecord;
    serialize(): unknown;
    haveOpenSession(): boolean;
  }
  export interface SignalStorage {
    loadSession(id: string): Promise<SessionRecord | undefined>;
    storeSession(id: string, record: SessionRecord): Promise<void>;
    isTrustedIdentity(id: string, key: Buffer): boolean | Promise<boolean>;
    loadPreKey(id: number | undefined): Promise<KeyPair | undefined>;
    removePreKey(id: number): Promise<void>;
    loadSignedPreKey(id: number): KeyPair | undefined | Promise<KeyPair | undefined>;
    getOurRegistrationId(): number | Promise<number>;
    getOurIdentity(): KeyPair | Promise<KeyPair>;
  }
  export class ProtocolAddress {
    constructor(id: string, deviceId: number);
    toString(): string;
  }
  export class SessionBuilder {
    constructor(storage: SignalStorage, addr: ProtocolAddress);
    initOutgoing(bundle: PreKeyBundle): Promise<void>;
  }
  export class SessionCipher {
    constructor(storage: SignalStorage, addr: ProtocolAddress);
    /** type 3 = pre-key message (pkmsg), 1 = normal message (msg). */
    encrypt(data: Buffer): Promise<{ type: number; body: Buffer; registrationId: number }>;
    decryptPreKeyWhisperMessage(data: Buffer): Promise<Buffer>;
    decryptWhisperMessage(data: Buffer): Promise<Buffer>;
  }
  export const keyhelper: {
    generateIdentityKeyPair(): KeyPair;
    generateRegistrationId(): number;
    generateSignedPreKey(identity: KeyPair, keyId: number): SignedPreKey;
    generatePreKey(keyId: number): { keyId: number; keyPair: KeyPair };
  };
  const libsignal: {
    keyhelper: typeof keyhelper;
    ProtocolAddress: typeof ProtocolAddress;
    SessionBuilder: typeof SessionBuilder;
    SessionCipher: typeof SessionCipher;
    SessionRecord: typeof SessionRecord;
  };
  export default libsignal;
}
