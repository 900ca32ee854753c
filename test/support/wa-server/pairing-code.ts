// What the primary phone and the server do when a companion links by phone number instead of a
// QR (Baileys' requestPairingCode, whatsmeow's PairPhone):
//   1. companion → server: <link_code_companion_reg stage="companion_hello"> with its ephemeral
//      public key wrapped under the 8-character code (PBKDF2-SHA256, 2<<16 rounds → AES-256-CTR);
//      the server answers with a pairing ref.
//   2. the person types the code on the phone; the phone unwraps the companion's key with it, wraps
//      its own ephemeral key the same way and the server passes it on in a
//      <notification type="link_code_companion_reg"> with the phone's identity key.
//   3. companion → server: stage="companion_finish" with a key bundle sealed (AES-256-GCM) under
//      the ephemeral shared secret. Only a phone that typed the right code unwrapped the right key,
//      so only then does the bundle open: a wrong code fails here, as on a real phone.
//   4. both sides derive the adv secret from the shared secrets; the phone's pair-success is then
//      the same stanza QR pairing ends with (pairing.ts).
// The phone side uses node:crypto, not Baileys' helpers, so a mismatch in either shows.
import { createCipheriv, createDecipheriv, hkdfSync, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Curve, S_WHATSAPP_NET, type BinaryNode, type KeyPair } from '@whiskeysockets/baileys';

const pbkdf2Async = promisify(pbkdf2);

/** 2 << 16 PBKDF2 rounds, as WhatsApp (and Baileys' derivePairingCodeKey) use. */
const CODE_KEY_ROUNDS = 2 << 16;
const BUNDLE_INFO = 'link_code_pairing_key_bundle_encryption_key';
const ADV_INFO = 'adv_secret';
/** Crockford-style alphabet of the code: no 0, O, I or U, so what is read is what is typed. */
const CODE_ALPHABET = /^[1-9A-HJ-NP-TV-Z]{8}$/;

export type LinkCodeStage = 'companion_hello' | 'companion_finish';

/** What the companion said in its hello; `ref` is the server's answer to it. */
export interface CompanionHello {
  /** the account the companion wants to link to, e.g. 15550000001@s.whatsapp.net */
  jid: string;
  /** salt(32) ‖ iv(16) ‖ AES-CTR(companion ephemeral public key) */
  wrappedEphemeral: Buffer;
  noiseKey: Buffer;
  platformId: string;
  platformDisplay: string;
  ref: string;
}

/** The phone's half of one code attempt, kept until the companion's finish arrives. */
export interface PrimaryAttempt {
  ephemeral: KeyPair;
  /** the companion's ephemeral key as unwrapped with the typed code (garbage if the code was wrong) */
  companionEphemeral: Buffer;
}

export type BundleVerdict =
  | { ok: true; identityKey: Buffer; advSecret: Buffer }
  | { ok: false; reason: string };

function regNode(iq: BinaryNode): BinaryNode | undefined {
  return Array.isArray(iq.content) ? iq.content.find(n => n.tag === 'link_code_companion_reg') : undefined;
}

function childBytes(node: BinaryNode | undefined, tag: string): Buffer | undefined {
  const child = Array.isArray(node?.content) ? node.content.find(n => n.tag === tag) : undefined;
  const content = child?.content;
  if (content instanceof Uint8Array) return Buffer.from(content);
  if (typeof content === 'string') return Buffer.from(content, 'utf-8');
  return undefined;
}

/** The stage of an md iq that belongs to code linking, or undefined for any other iq. */
export function linkCodeStage(iq: BinaryNode): LinkCodeStage | undefined {
  if (iq.tag !== 'iq' || iq.attrs.xmlns !== 'md' || iq.attrs.type !== 'set') return undefined;
  const stage = regNode(iq)?.attrs.stage;
  return stage === 'companion_hello' || stage === 'companion_finish' ? stage : undefined;
}

export function parseCompanionHello(iq: BinaryNode, ref: string): CompanionHello {
  const reg = regNode(iq);
  const wrappedEphemeral = childBytes(reg, 'link_code_pairing_wrapped_companion_ephemeral_pub');
  const noiseKey = childBytes(reg, 'companion_server_auth_key_pub');
  const jid = reg?.attrs.jid;
  if (!jid || !wrappedEphemeral || wrappedEphemeral.length !== 80 || !noiseKey) throw new Error('malformed companion_hello');
  return {
    jid,
    wrappedEphemeral,
    noiseKey,
    platformId: childBytes(reg, 'companion_platform_id')?.toString('utf-8') ?? '',
    platformDisplay: childBytes(reg, 'companion_platform_display')?.toString('utf-8') ?? '',
    ref,
  };
}

/** The server's answer to a hello: the ref the phone's notification will name. */
export function helloResult(iq: BinaryNode, ref: string): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'result', id: iq.attrs.id ?? '' },
    content: [{
      tag: 'link_code_companion_reg',
      attrs: {},
      content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(ref, 'utf-8') }],
    }],
  };
}

/** What a person types may carry the dash the screen shows, spaces or lower case. */
export function normalizeTypedCode(typed: string): string {
  return typed.replace(/[\s-]/g, '').toUpperCase();
}

export function isWellFormedCode(code: string): boolean {
  return CODE_ALPHABET.test(code);
}

async function codeKey(code: string, salt: Buffer): Promise<Buffer> {
  return pbkdf2Async(Buffer.from(code, 'utf-8'), salt, CODE_KEY_ROUNDS, 32, 'sha256');
}

function ctr(data: Buffer, key: Buffer, iv: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/**
 * The phone after the person typed `code`: unwraps the companion's ephemeral key, wraps its own,
 * and builds the notification the server sends the companion.
 */
export async function primaryHello(input: {
  hello: CompanionHello;
  code: string;
  phoneIdentity: KeyPair;
  notificationId: string;
  nowSeconds: number;
}): Promise<{ notification: BinaryNode; attempt: PrimaryAttempt }> {
  const { hello, code } = input;
  const wrapped = hello.wrappedEphemeral;
  const companionEphemeral = ctr(wrapped.subarray(48, 80), await codeKey(code, wrapped.subarray(0, 32)), wrapped.subarray(32, 48));
  const ephemeral = Curve.generateKeyPair();
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const ownWrapped = Buffer.concat([salt, iv, ctr(Buffer.from(ephemeral.public), await codeKey(code, salt), iv)]);
  const notification: BinaryNode = {
    tag: 'notification',
    attrs: { from: S_WHATSAPP_NET, type: 'link_code_companion_reg', id: input.notificationId, t: String(input.nowSeconds) },
    content: [{
      tag: 'link_code_companion_reg',
      attrs: {},
      content: [
        { tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(hello.ref, 'utf-8') },
        { tag: 'primary_identity_pub', attrs: {}, content: Buffer.from(input.phoneIdentity.public) },
        { tag: 'link_code_pairing_wrapped_primary_ephemeral_pub', attrs: {}, content: ownWrapped },
      ],
    }],
  };
  return { notification, attempt: { ephemeral, companionEphemeral } };
}

/**
 * The phone opens the companion's key bundle. It opens only when both sides hold the same
 * ephemeral secret, i.e. when the phone typed the code the companion showed.
 */
export function openKeyBundle(finish: BinaryNode, hello: CompanionHello, attempt: PrimaryAttempt, phoneIdentity: KeyPair): BundleVerdict {
  const reg = regNode(finish);
  const bundle = childBytes(reg, 'link_code_pairing_wrapped_key_bundle');
  const announced = childBytes(reg, 'companion_identity_public');
  const ref = childBytes(reg, 'link_code_pairing_ref')?.toString('utf-8');
  if (!bundle || bundle.length < 32 + 12 + 16 || !announced) return { ok: false, reason: 'malformed companion_finish' };
  if (ref !== hello.ref) return { ok: false, reason: 'companion_finish names another pairing ref' };
  const shared = Buffer.from(Curve.sharedKey(attempt.ephemeral.private, attempt.companionEphemeral));
  const key = Buffer.from(hkdfSync('sha256', shared, bundle.subarray(0, 32), BUNDLE_INFO, 32));
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bundle.subarray(32, 44));
    decipher.setAuthTag(bundle.subarray(bundle.length - 16));
    plain = Buffer.concat([decipher.update(bundle.subarray(44, bundle.length - 16)), decipher.final()]);
  } catch {
    return { ok: false, reason: 'the key bundle does not open: the code typed on the phone is not the one the companion showed' };
  }
  if (plain.length !== 96) return { ok: false, reason: 'key bundle of unexpected length' };
  const identityKey = plain.subarray(0, 32);
  if (!identityKey.equals(announced)) return { ok: false, reason: 'key bundle names another companion identity' };
  if (!plain.subarray(32, 64).equals(Buffer.from(phoneIdentity.public))) return { ok: false, reason: 'key bundle names another primary identity' };
  const identityShared = Buffer.from(Curve.sharedKey(phoneIdentity.private, identityKey));
  const advSecret = Buffer.from(hkdfSync('sha256', Buffer.concat([shared, identityShared, plain.subarray(64, 96)]), Buffer.alloc(0), ADV_INFO, 32));
  return { ok: true, identityKey: Buffer.from(identityKey), advSecret };
}

/** An iq error reply (our choice for a refused step: the real server's exact answer is unknown). */
export function linkCodeError(iq: BinaryNode, code: number, text: string): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: S_WHATSAPP_NET, type: 'error', id: iq.attrs.id ?? '' },
    content: [{ tag: 'error', attrs: { code: String(code), text } }],
  };
}

/** The bare iq result that acknowledges a companion_finish the phone accepted. */
export function finishResult(iq: BinaryNode): BinaryNode {
  return { tag: 'iq', attrs: { from: S_WHATSAPP_NET, type: 'result', id: iq.attrs.id ?? '' } };
}
