// What the primary phone does when it scans a QR: parse the QR payload and build the
// pair-success stanza that Baileys' configureSuccessfulPairing() accepts (HMAC keyed by the
// adv secret over the signed identity; account signature by the phone's identity key).
import {
  Curve,
  hmacSign,
  proto,
  S_WHATSAPP_NET,
  WA_ADV_ACCOUNT_SIG_PREFIX,
  WA_ADV_DEVICE_SIG_PREFIX,
  type BinaryNode,
  type KeyPair,
} from '@whiskeysockets/baileys';

// Baileys' own check, taken when this module loads: a keeper in the same test process puts its
// compiled check in Curve.verify's place (compiled-signature-check.ts), and the server must not
// judge the client with the code under test.
const baileysVerify = Curve.verify;

export interface ScannedQr {
  ref: string;
  noiseKey: Buffer;
  identityKey: Buffer;
  advSecret: Buffer;
  platformId: string;
}

/** Parses the string Baileys builds in buildPairingQRData(). */
export function parsePairingQr(qr: string): ScannedQr {
  const hash = qr.includes('#') ? qr.slice(qr.indexOf('#') + 1) : qr;
  const parts = hash.split(',');
  const [ref, noise, identity, adv, platformId] = parts;
  if (parts.length < 4 || !ref || !noise || !identity || !adv) throw new Error('not a pairing QR');
  return {
    ref,
    noiseKey: Buffer.from(noise, 'base64'),
    identityKey: Buffer.from(identity, 'base64'),
    advSecret: Buffer.from(adv, 'base64'),
    platformId: platformId ?? '',
  };
}

export interface PairSuccessInput {
  iqId: string;
  jid: string;
  lid: string;
  keyIndex: number;
  phoneIdentity: KeyPair;
  scanned: ScannedQr;
  /** Delivered as <biz name>, the only pair-success field Baileys copies into creds.me.name. */
  pushName: string | undefined;
  platform: string;
  nowSeconds: number;
  /** signed by a key other than the phone's, which the stanza still names (a forged link) */
  forgedAccountSignature?: boolean;
}

export function buildPairSuccess(input: PairSuccessInput): BinaryNode {
  const deviceDetails = proto.ADVDeviceIdentity.encode({
    rawId: 1,
    timestamp: input.nowSeconds,
    keyIndex: input.keyIndex,
  }).finish();
  const accountSignature = Curve.sign(
    input.forgedAccountSignature ? Curve.generateKeyPair().private : input.phoneIdentity.private,
    Buffer.concat([WA_ADV_ACCOUNT_SIG_PREFIX, deviceDetails, input.scanned.identityKey]),
  );
  const signed = proto.ADVSignedDeviceIdentity.encode({
    details: deviceDetails,
    accountSignatureKey: input.phoneIdentity.public,
    accountSignature,
  }).finish();
  const hmac = hmacSign(signed, input.scanned.advSecret);
  const identityHmac = proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac }).finish();
  const children: BinaryNode[] = [
    { tag: 'device-identity', attrs: {}, content: identityHmac },
    { tag: 'platform', attrs: { name: input.platform } },
    { tag: 'device', attrs: { jid: input.jid, lid: input.lid } },
  ];
  if (input.pushName) children.push({ tag: 'biz', attrs: { name: input.pushName } });
  return {
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'set', id: input.iqId, xmlns: 'md', t: String(input.nowSeconds) },
    content: [{ tag: 'pair-success', attrs: {}, content: children }],
  };
}

/**
 * Checks the companion's <pair-device-sign> reply: its device signature must be made with the
 * identity key from the QR over prefix + details + identity key + account key.
 */
export function verifyPairDeviceSign(reply: BinaryNode, companionIdentity: Buffer, phoneIdentityPublic: Buffer): boolean {
  const sign = Array.isArray(reply.content) ? reply.content.find(n => n.tag === 'pair-device-sign') : undefined;
  const identityNode = Array.isArray(sign?.content) ? sign.content.find(n => n.tag === 'device-identity') : undefined;
  if (!(identityNode?.content instanceof Uint8Array)) return false;
  const account = proto.ADVSignedDeviceIdentity.decode(identityNode.content);
  if (!account.details || !account.deviceSignature) return false;
  const msg = Buffer.concat([WA_ADV_DEVICE_SIG_PREFIX, account.details, companionIdentity, phoneIdentityPublic]);
  return baileysVerify(companionIdentity, msg, account.deviceSignature);
}
