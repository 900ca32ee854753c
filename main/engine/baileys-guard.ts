// Baileys 7.0.0-rc14 ships a Curve.verify that answers true for any well-formed signature, and a
// Noise handshake that never checks that the leaf certificate names the server it is talking to.
// Our patches/ folder fixes both on install; this check refuses to run a session if that patch is
// missing (e.g. `npm install --ignore-scripts`), rather than run with verification silently off.
// Both checks exercise the real code: a signature round trip, and the real noise handler fed a
// forged server hello.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  aesEncryptGCM,
  Curve,
  hkdf,
  makeNoiseHandler,
  NOISE_MODE,
  NOISE_WA_HEADER,
  proto,
  sha256,
  type KeyPair,
} from '@whiskeysockets/baileys';
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';
import pino from 'pino';

/** the one check of this process; a failed one is tried again on the next start */
let checked: Promise<void> | null = null;

export class UnpatchedBaileysError extends Error {
  constructor(what: string) {
    super(
      `Baileys ${what} is not active (patches/ was not applied). ` +
        'Run `npm install` without --ignore-scripts so patch-package can apply it.',
    );
    this.name = 'UnpatchedBaileysError';
  }
}

// A signature made once with a throwaway key (XEdDSA signing in libsignal's pure-JS curve costs
// ~20-100 ms, the self-test runs on every start): verifying it proves as much as signing anew.
const SELF_TEST_PUBLIC = Buffer.from('9e39ac6fd017e8751023e39662aee2320b993d13d2de1698625b013b1a94146b', 'hex');
const SELF_TEST_MESSAGE = Buffer.from('session-keeper signature self-test');
const SELF_TEST_SIGNATURE = Buffer.from(
  '811c6476b483e717a2a8539f8589dc6e06cb84eaaf5273192d7ba6990feafe8c8f729013f1ddecc46fd56230aaa55538373d6bf213d0924960e2218a4520be83',
  'hex',
);

/**
 * True when `verify` (Curve.verify as installed, unless given) accepts a good signature and
 * refuses it with its R or its s tampered, or over another message: a check that skipped any of
 * the three would pass a single tampering.
 */
export function signatureVerificationWorks(verify: (pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean = Curve.verify): boolean {
  const flipped = (byte: number) => {
    const sig = Buffer.from(SELF_TEST_SIGNATURE);
    sig[byte] = (sig[byte] ?? 0) ^ 0x01;
    return sig;
  };
  return (
    verify(SELF_TEST_PUBLIC, SELF_TEST_MESSAGE, SELF_TEST_SIGNATURE) &&
    !verify(SELF_TEST_PUBLIC, SELF_TEST_MESSAGE, flipped(10)) &&
    !verify(SELF_TEST_PUBLIC, SELF_TEST_MESSAGE, flipped(40)) &&
    !verify(SELF_TEST_PUBLIC, Buffer.concat([SELF_TEST_MESSAGE, Buffer.from('!')]), SELF_TEST_SIGNATURE)
  );
}

/** The responder's half of the first Noise exchange, just far enough to deliver `chain`. */
function forgedServerHello(clientEphemeral: KeyPair, serverStatic: KeyPair, chain: Uint8Array): proto.HandshakeMessage {
  const serverEphemeral = Curve.generateKeyPair();
  const mode = Buffer.from(NOISE_MODE);
  let hash = mode.byteLength === 32 ? mode : sha256(mode);
  let salt = hash;
  let key = hash;
  let counter = 0;
  const authenticate = (data: Uint8Array) => {
    hash = sha256(Buffer.concat([hash, data]));
  };
  const mix = (data: Uint8Array) => {
    const out = Buffer.from(hkdf(Buffer.from(data), 64, { salt, info: '' }));
    salt = out.subarray(0, 32);
    key = out.subarray(32);
    counter = 0;
  };
  const encrypt = (plain: Uint8Array) => {
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(counter++, 8);
    const out = aesEncryptGCM(plain, key, iv, hash);
    authenticate(out);
    return out;
  };
  authenticate(NOISE_WA_HEADER);
  authenticate(clientEphemeral.public);
  authenticate(serverEphemeral.public);
  mix(Curve.sharedKey(serverEphemeral.private, clientEphemeral.public));
  const encStatic = encrypt(serverStatic.public);
  mix(Curve.sharedKey(serverStatic.private, clientEphemeral.public));
  const payload = encrypt(chain);
  return proto.HandshakeMessage.create({ serverHello: { ephemeral: serverEphemeral.public, static: encStatic, payload } });
}

/** The refusal message of Baileys' processHandshake for a server presenting `leaf`. */
function handshakeRefusal(leaf: { key: 'server' | 'foreign'; issuerSerial: number }): string {
  const serverStatic = Curve.generateKeyPair();
  const intermediateKey = Curve.generateKeyPair();
  const intermediate = proto.CertChain.NoiseCertificate.Details.encode({ serial: 7, issuerSerial: 0, key: intermediateKey.public }).finish();
  const leafKey = leaf.key === 'server' ? serverStatic.public : Curve.generateKeyPair().public;
  const leafDetails = proto.CertChain.NoiseCertificate.Details.encode({ serial: 8, issuerSerial: leaf.issuerSerial, key: leafKey }).finish();
  // Signatures no root made: the patched handler checks the binding before the signatures, so
  // these refusals are reachable without WhatsApp's private key or touching the trust anchor
  // (and without signing, which is slow); an unpatched handler refuses with another message.
  const chain = proto.CertChain.encode({
    intermediate: { details: intermediate, signature: randomBytes(64) },
    leaf: { details: leafDetails, signature: randomBytes(64) },
  }).finish();
  const clientEphemeral = Curve.generateKeyPair();
  const logger = pino({ level: 'silent' }) as unknown as ILogger;
  const noise = makeNoiseHandler({ keyPair: clientEphemeral, NOISE_HEADER: NOISE_WA_HEADER, logger });
  try {
    noise.processHandshake(forgedServerHello(clientEphemeral, serverStatic, chain), Curve.generateKeyPair());
    return 'accepted';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * True when the Noise handshake refuses a leaf that names another key than the server's static
 * key, and a leaf whose issuerSerial is not the intermediate's serial.
 */
export function certificateBindingWorks(): boolean {
  return (
    /leaf certificate key does not match/.test(handshakeRefusal({ key: 'foreign', issuerSerial: 7 })) &&
    /leaf certificate issuer serial/.test(handshakeRefusal({ key: 'server', issuerSerial: 6 }))
  );
}

/**
 * The two security-relevant files exactly as patches/ leaves them. Byte-identical files behave
 * as the patched ones, so the behavioural self-tests (~30-200 ms of pure-JS curve maths on every
 * start) run only when the installed files differ: another patch, another Baileys, or none.
 * test/main/engine/baileys-guard.test.ts fails when patches/ changes and these go stale.
 */
export const PATCHED_FILES_SHA256: Readonly<Record<string, string>> = {
  'lib/Utils/crypto.js': 'e8b72e9775e4a427f9968e516af00c6b562d8c717c0c51b32a125ed6dfbdb6c5',
  'lib/Utils/noise-handler.js': 'b2542bfb2126e74b671aa2139101195945928cccf801bd1b2f2f3c197b39b8a7',
};

/** True when the Baileys this module loads holds the patched files byte for byte. */
export async function patchedFilesInstalled(): Promise<boolean> {
  try {
    // Baileys' entry is lib/index.js; resolved by the ESM loader that has it cached (a
    // createRequire resolve of package.json cost ~0.5 ms of every start)
    const root = dirname(dirname(fileURLToPath(import.meta.resolve('@whiskeysockets/baileys'))));
    const hashes = await Promise.all(
      Object.keys(PATCHED_FILES_SHA256).map(
        (file) =>
          // the callback form: one read on the thread pool, where fs/promises takes four steps
          new Promise<string>((resolve, reject) =>
            readFile(join(root, file), (err, data) => (err ? reject(err) : resolve(createHash('sha256').update(data).digest('hex')))),
          ),
      ),
    );
    return Object.values(PATCHED_FILES_SHA256).every((sha, i) => hashes[i] === sha);
  } catch {
    return false; // cannot tell: the self-tests decide
  }
}

async function checkPatched(): Promise<void> {
  if (await patchedFilesInstalled()) return;
  if (!signatureVerificationWorks()) throw new UnpatchedBaileysError('signature verification');
  if (!certificateBindingWorks()) throw new UnpatchedBaileysError('Noise certificate binding (leaf key and issuer serial)');
}

/**
 * Resolves once the patch is known to be active; rejects with UnpatchedBaileysError otherwise.
 * Asynchronous, so a start reads the two files beside its own first reads instead of before them
 * (a synchronous read and hash held every start up by ~1.2 ms: docs/benchmarks.md, seventh pass).
 */
export function ensureBaileysPatched(): Promise<void> {
  checked ??= checkPatched().catch((err: unknown) => {
    checked = null;
    throw err;
  });
  return checked;
}
