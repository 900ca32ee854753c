// Noise certificate chain for the test server: a test root signs an intermediate, the
// intermediate signs a leaf that names the server's static noise key. Baileys checks the
// intermediate against WA_CERT_DETAILS.PUBLIC_KEY, which only tests swap via installTestRoot().
// The bad modes are each one forgery, every signature in them still correct unless named:
//   'foreign-leaf-key'          the leaf names another key (a replayed chain)
//   'wrong-leaf-issuer-serial'  the leaf claims another intermediate as issuer
//   'expired'                   both certificates ended in 2021 (a wrong clock must still connect)
import { Curve, proto, WA_CERT_DETAILS, type KeyPair } from '@whiskeysockets/baileys';

export type CertChainMode =
  | 'valid'
  | 'bad-leaf-signature'
  | 'bad-intermediate-signature'
  | 'foreign-leaf-key'
  | 'wrong-leaf-issuer-serial'
  | 'expired';

/** Validity of the 'expired' chain, in seconds since epoch. */
export const EXPIRED_NOT_BEFORE = Date.UTC(2020, 0, 1) / 1000;
export const EXPIRED_NOT_AFTER = Date.UTC(2021, 0, 1) / 1000;

/** One root per process: Baileys' trust anchor is a process-wide global. */
const testRoot: KeyPair = Curve.generateKeyPair();
let originalRootKey: typeof WA_CERT_DETAILS.PUBLIC_KEY | undefined;

/** Makes Baileys trust the test root (tests only; never call from app code). */
export function installTestRoot(): void {
  if (originalRootKey === undefined) originalRootKey = WA_CERT_DETAILS.PUBLIC_KEY;
  const key = Buffer.alloc(testRoot.public.byteLength);
  key.set(testRoot.public);
  WA_CERT_DETAILS.PUBLIC_KEY = key;
}

/** Restores WhatsApp's real root key. */
export function uninstallTestRoot(): void {
  if (originalRootKey !== undefined) WA_CERT_DETAILS.PUBLIC_KEY = originalRootKey;
  originalRootKey = undefined;
}

export function testRootPublicKey(): Buffer {
  return Buffer.from(testRoot.public);
}

/** Flips one bit so the signature stays well-formed (64 bytes) but no longer verifies. */
function corrupt(sig: Uint8Array): Uint8Array {
  const out = Uint8Array.from(sig);
  out[10] = (out[10] ?? 0) ^ 0x01;
  return out;
}

/** Encoded proto.CertChain for the given static noise public key. */
export function buildCertChain(staticNoisePublic: Uint8Array, mode: CertChainMode): Uint8Array {
  const intermediateKey = Curve.generateKeyPair();
  // 0 = no bound
  const validity = mode === 'expired' ? { notBefore: EXPIRED_NOT_BEFORE, notAfter: EXPIRED_NOT_AFTER } : { notBefore: 0, notAfter: 0 };
  const intermediateDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 1,
    issuerSerial: WA_CERT_DETAILS.SERIAL,
    key: intermediateKey.public,
    ...validity,
  }).finish();
  const leafDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 2,
    issuerSerial: mode === 'wrong-leaf-issuer-serial' ? 3 : 1,
    key: mode === 'foreign-leaf-key' ? Curve.generateKeyPair().public : staticNoisePublic,
    ...validity,
  }).finish();
  let intermediateSig = Curve.sign(testRoot.private, intermediateDetails);
  let leafSig = Curve.sign(intermediateKey.private, leafDetails);
  if (mode === 'bad-intermediate-signature') intermediateSig = corrupt(intermediateSig);
  if (mode === 'bad-leaf-signature') leafSig = corrupt(leafSig);
  return proto.CertChain.encode({
    intermediate: { details: intermediateDetails, signature: intermediateSig },
    leaf: { details: leafDetails, signature: leafSig },
  }).finish();
}
