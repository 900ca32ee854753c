// The compiled XEdDSA check must answer exactly as Baileys' own (patched) Curve.verify: it decides
// whether a server proved it is WhatsApp. Signatures are made by libsignal's pure-JS signer,
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

/** the signature with s replaced by s + L (its sign bit, the top bit of byte 63, kept) */
function malleated(sig: Uint8Array): Buffer {
  const out = Buffer.from(sig);
  const signBit = (out[63] ?? 0) & 0x80;
  let s = 0n;
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(i === 31 ? (out[32 + i] ?? 0) & 0x7f : (out[32 + i] ?? 0));
  const s2 = s + L;
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
