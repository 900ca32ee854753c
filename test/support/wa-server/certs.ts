// Noise certificate chain for the test server: a test root signs an intermediate, the
// intermediate signs a leaf that names the server's static noise key. Baileys checks the
// intermediate against WA_CERT_DETAILS.PUBLIC_KEY, which only tests swap via installTestRoot().
import { Curve, proto, WA_CERT_DETAILS, type KeyPair } from '@whiskeysockets/baileys';

export type CertChainMode = 'valid' | 'bad-leaf-signature' | 'bad-intermediate-signature';

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
  const intermediateDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 1,
    issuerSerial: WA_CERT_DETAILS.SERIAL,
    key: intermediateKey.public,
    notBefore: 0,
    notAfter: 0,
  }).finish();
  const leafDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 2,
    issuerSerial: 1,
    key: staticNoisePublic,
    notBefore: 0,
    notAfter: 0,
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
