// The compiled XEdDSA check must answer as Baileys' own (patched) Curve.verify for every signature
// an honest signer makes and every tampering of one: it decides whether a server proved it is
// WhatsApp. Where the two differ (non-canonical scalars, low-order keys, input types Baileys never
// passes), each side's answer is pinned below. Signatures are made by libsignal's pure-JS signer,
// the one Baileys and our test server use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Curve } from '@whiskeysockets/baileys';
import { compiledVerify, useCompiledSignatureCheck } from '../../../main/engine/compiled-signature-check.js';

// Baileys' own check, taken before anything in this process could replace it
const baileysVerify = Curve.verify;

/** XEdDSA's group order L: s + L is the same scalar, written differently */
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function flipBit(b: Uint8Array, bit: number): Buffer {
  const out = Buffer.from(b);
  out[bit >> 3] = (out[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return out;
}

/** the signature with s replaced by s + times·L (its sign bit, the top bit of byte 63, kept) */
function malleated(sig: Uint8Array, times = 1n): Buffer {
  const out = Buffer.from(sig);
  const signBit = (out[63] ?? 0) & 0x80;
  let s = 0n;
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(i === 31 ? (out[32 + i] ?? 0) & 0x7f : (out[32 + i] ?? 0));
  const s2 = s + times * L;
  for (let i = 0; i < 32; i++) out[32 + i] = Number((s2 >> BigInt(8 * i)) & 0xffn);
  out[63] = (out[63] ?? 0) | signBit;
  return out;
}

test('the compiled check answers as Baileys\' own for good, tampered, malleated and malformed signatures', () => {
  const cases: Array<[string, Uint8Array, Uint8Array, Uint8Array]> = [];
  for (let k = 0; k < 6; k++) {
    const pair = Curve.generateKeyPair();
    const msg = randomBytes(k === 0 ? 0 : 1 + k * 37);
    const sig = Buffer.from(Curve.sign(pair.private, msg));
    const signalKey = Buffer.concat([Buffer.from([0x05]), pair.public]);
    cases.push(
      [`good ${k}`, pair.public, msg, sig],
      [`good, 33-byte key ${k}`, signalKey, msg, sig],
      [`R bit flipped ${k}`, pair.public, msg, flipBit(sig, 3 + k * 40)],
      [`s bit flipped ${k}`, pair.public, msg, flipBit(sig, 256 + 7 + k * 30)],
      [`sign bit flipped ${k}`, pair.public, msg, flipBit(sig, 511)],
      [`key bit flipped ${k}`, flipBit(pair.public, 9 + k * 41), msg, sig],
      [`key top bit set ${k}`, flipBit(pair.public, 255), msg, sig],
      [`message changed ${k}`, pair.public, Buffer.concat([msg, Buffer.from([k])]), sig],
      [`s + L ${k}`, pair.public, msg, malleated(sig)],
      [`33-byte key of another type ${k}`, Buffer.concat([Buffer.from([0x06]), pair.public]), msg, sig],
      [`short key ${k}`, pair.public.subarray(1), msg, sig],
      [`short signature ${k}`, pair.public, msg, sig.subarray(1)],
      [`long signature ${k}`, pair.public, msg, Buffer.concat([sig, Buffer.from([0])])],
      [`all-zero signature ${k}`, pair.public, msg, Buffer.alloc(64)],
    );
  }
  cases.push(['all-zero key', Buffer.alloc(32), Buffer.from('x'), Buffer.alloc(64)]);
  let accepted = 0;
  for (const [what, key, msg, sig] of cases) {
    const expected = baileysVerify(key, msg, sig);
    assert.equal(compiledVerify(key, msg, sig), expected, what);
    if (expected) accepted++;
  }
  // both answers occur: each good signature passes with its 32- and 33-byte key, with the key's
  // top bit set (X25519 keys are 255 bits: both ignore it) and as its s + L twin
  assert.equal(accepted, 6 * 4);
});

test('a check that fails the guard\'s self-test is not put in Baileys\' place; the compiled one is', () => {
  const acceptsAll = () => true;
  assert.equal(useCompiledSignatureCheck(acceptsAll), false);
  assert.equal(Curve.verify, baileysVerify, 'Baileys\' own check stays');
  assert.equal(useCompiledSignatureCheck(), true);
  assert.equal(Curve.verify, compiledVerify);
  const pair = Curve.generateKeyPair();
  const sig = Buffer.from(Curve.sign(pair.private, Buffer.from('hello')));
  assert.equal(Curve.verify(pair.public, Buffer.from('hello'), sig), true);
  assert.equal(Curve.verify(pair.public, Buffer.from('hellO'), sig), false);
});

/** little-endian bytes of a field element (X25519 keys are written this way) */
function le32(n: bigint): Buffer {
  const out = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

test('where the two checks differ, the compiled one refuses what Baileys\' own accepts, or the input is one Baileys never passes', () => {
  const pair = Curve.generateKeyPair();
  const msg = Buffer.from('where they differ');
  const sig = Buffer.from(Curve.sign(pair.private, msg));
  const P = (1n << 255n) - 19n;
  // the low-order forgeries below verify for some messages only (their hash decides): this is one
  const forgedMsg = Buffer.from('m8');
  const pinned: Array<{ what: string; key: Uint8Array; msg: Uint8Array; sig: Uint8Array; baileys: boolean; compiled: boolean }> = [
    // libsignal's Rust refuses an s with any of its top three bits set; curve25519-js reduces it
    { what: 's + 2L', key: pair.public, msg, sig: malleated(sig, 2n), baileys: true, compiled: false },
    // low-order keys: nobody holds their private key, so only a forger signs for them
    { what: 'an all-zero signature under the key u = p - 1', key: le32(P - 1n), msg: forgedMsg, sig: Buffer.alloc(64), baileys: true, compiled: false },
    // both accept this forgery: the key of a check must be trusted on its own (the chain's leaf
    // key is signed by the intermediate, whose key is signed by WhatsApp's fixed root)
    { what: 'an all-zero signature under the key u = 1', key: le32(1n), msg: forgedMsg, sig: Buffer.alloc(64), baileys: true, compiled: true },
    // libsignal-js wants a Buffer for a 33-byte key; Baileys hands it Buffers (protobufjs decodes to them)
    { what: 'a good signature, its 33-byte key a plain Uint8Array', key: new Uint8Array(Buffer.concat([Buffer.from([0x05]), pair.public])), msg, sig, baileys: false, compiled: true },
  ];
  for (const c of pinned) {
    assert.deepEqual({ baileys: baileysVerify(c.key, c.msg, c.sig), compiled: compiledVerify(c.key, c.msg, c.sig) }, { baileys: c.baileys, compiled: c.compiled }, c.what);
  }
});
