// Baileys checks XEdDSA signatures (the Noise certificate chain on every connect, the account
// signature of every pairing) with libsignal's pure-JS curve25519: ~10-15 ms of CPU each, two on
// every connect. That was a third of a 1-phone start → open, and ~1.5 s of CPU when 50 phones
// start (docs/benchmarks.md, eighth pass). whatsapp-rust-bridge, which Baileys itself loads (md5,
// hkdf, app-state hashes), holds libsignal's Rust XEdDSA check compiled to wasm: ~0.1 ms. The
// keeper puts it in Curve.verify's place, once per process, only after it passed the same
// self-test the guard runs on Baileys' own (a good signature accepted, a tampered one refused);
// otherwise Baileys' own check stays.
import { Curve } from '@whiskeysockets/baileys';
import { verifySignature } from 'whatsapp-rust-bridge';
import { signatureVerificationWorks } from './baileys-guard.js';

/** libsignal's 33-byte form of a key: Baileys' own check prefixes 32-byte keys with 0x05 too */
const SIGNAL_KEY_TYPE = Buffer.from([0x05]);

/**
 * Curve.verify with the compiled XEdDSA check: true only for a valid signature. A malformed key
 * or signature is a refusal, as in (patched) Baileys, never an exception.
 */
export function compiledVerify(pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = pubKey.length === 33 ? pubKey : Buffer.concat([SIGNAL_KEY_TYPE, pubKey]);
    return verifySignature(key, message, signature) === true;
  } catch {
    return false;
  }
}

let installed = false;

/**
 * Puts `check` (the compiled one) in Curve.verify's place if it passes the guard's self-test;
 * true when it is in place. Once in place it stays for the process (Baileys' Curve is shared by
 * every socket); a refused one leaves Baileys' own and is tested again on the next call.
 * Run after ensureBaileysPatched, which checked Baileys' own.
 */
export function useCompiledSignatureCheck(check: typeof compiledVerify = compiledVerify): boolean {
  if (!installed && signatureVerificationWorks(check)) {
    Curve.verify = check;
    installed = true;
  }
  return installed;
}
