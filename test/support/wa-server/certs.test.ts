import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as curve from 'libsignal/src/curve.js';
import { Curve, proto, WA_CERT_DETAILS } from '@whiskeysockets/baileys';
import { buildCertChain, EXPIRED_NOT_AFTER, installTestRoot, testRootPublicKey, uninstallTestRoot, type CertChainMode } from './certs.js';

// libsignal's own verdict (the boolean that a fixed Curve.verify must honour).
function verify(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  return curve.verifySignature(Buffer.concat([Buffer.from([5]), pub]), msg, sig);
}

interface ChainFacts {
  intermediate: boolean;
  leaf: boolean;
  serial: number;
  leafKey: Buffer;
  leafKeyIsStatic: boolean;
  leafIssuerIsIntermediate: boolean;
  notAfter: number[];
}

function check(mode: CertChainMode): ChainFacts {
  const staticKey = Curve.generateKeyPair();
  const chain = proto.CertChain.decode(buildCertChain(staticKey.public, mode));
  const inter = chain.intermediate!;
  const leaf = chain.leaf!;
  const interDetails = proto.CertChain.NoiseCertificate.Details.decode(inter.details!);
  const leafDetails = proto.CertChain.NoiseCertificate.Details.decode(leaf.details!);
  const leafKeyIsStatic = Buffer.from(leafDetails.key!).equals(Buffer.from(staticKey.public));
  return {
    intermediate: verify(testRootPublicKey(), inter.details!, inter.signature!),
    leaf: verify(interDetails.key!, leaf.details!, leaf.signature!),
    serial: interDetails.issuerSerial ?? -1,
    leafKey: leafKeyIsStatic ? Buffer.from(leafDetails.key!) : Buffer.alloc(0),
    leafKeyIsStatic,
    leafIssuerIsIntermediate: leafDetails.issuerSerial === interDetails.serial,
    notAfter: [Number(interDetails.notAfter), Number(leafDetails.notAfter)],
  };
}

test('the valid chain is signed root -> intermediate -> leaf naming the static noise key', () => {
  const r = check('valid');
  assert.equal(r.intermediate, true);
  assert.equal(r.leaf, true);
  assert.equal(r.serial, WA_CERT_DETAILS.SERIAL);
  assert.equal(r.leafKey.length, 32);
  assert.equal(r.leafIssuerIsIntermediate, true);
  assert.deepEqual(r.notAfter, [0, 0], 'no end date');
});

test('the bad chains carry well-formed signatures that do not verify', () => {
  const badLeaf = check('bad-leaf-signature');
  assert.deepEqual([badLeaf.intermediate, badLeaf.leaf], [true, false]);
  const badInter = check('bad-intermediate-signature');
  assert.deepEqual([badInter.intermediate, badInter.leaf], [false, true]);
});

test('each forged-binding chain is correctly signed and wrong in exactly one field', () => {
  const foreign = check('foreign-leaf-key');
  assert.deepEqual([foreign.intermediate, foreign.leaf, foreign.leafIssuerIsIntermediate, foreign.leafKeyIsStatic], [true, true, true, false]);
  const serial = check('wrong-leaf-issuer-serial');
  assert.deepEqual([serial.intermediate, serial.leaf, serial.leafIssuerIsIntermediate, serial.leafKeyIsStatic], [true, true, false, true]);
  const expired = check('expired');
  assert.deepEqual([expired.intermediate, expired.leaf, expired.leafIssuerIsIntermediate, expired.leafKeyIsStatic], [true, true, true, true]);
  assert.deepEqual(expired.notAfter, [EXPIRED_NOT_AFTER, EXPIRED_NOT_AFTER]);
  assert.ok(EXPIRED_NOT_AFTER * 1000 < Date.now(), 'ended in the past');
});

test('installTestRoot swaps the trusted root and uninstallTestRoot restores the original', () => {
  const original = Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY);
  installTestRoot();
  installTestRoot(); // idempotent: must still remember the real key
  assert.deepEqual(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY), testRootPublicKey());
  uninstallTestRoot();
  assert.deepEqual(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY), original);
});
