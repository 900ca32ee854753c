// Baileys 7.0.0-rc14 ships a Curve.verify that answers true for any well-formed signature, so the
// Noise certificate chain and the pairing account signature are never really checked. Our
// patches/ folder fixes it on install; this check refuses to run a session if that patch is
// missing (e.g. `npm install --ignore-scripts`), rather than run with verification silently off.
import { Curve } from '@whiskeysockets/baileys';

let checked = false;

export class UnpatchedBaileysError extends Error {
  constructor() {
    super(
      'Baileys signature verification is not active (patches/ was not applied). ' +
        'Run `npm install` without --ignore-scripts so patch-package can apply it.',
    );
    this.name = 'UnpatchedBaileysError';
  }
}

/** True when Curve.verify accepts a good signature and refuses a tampered one. */
export function signatureVerificationWorks(): boolean {
  const pair = Curve.generateKeyPair();
  const message = Buffer.from('session-keeper signature self-test');
  const signature = Buffer.from(Curve.sign(pair.private, message));
  const tampered = Buffer.from(signature);
  tampered[10] = (tampered[10] ?? 0) ^ 0x01;
  return Curve.verify(pair.public, message, signature) && !Curve.verify(pair.public, message, tampered);
}

export function assertBaileysPatched(): void {
  if (checked) return;
  if (!signatureVerificationWorks()) throw new UnpatchedBaileysError();
  checked = true;
}
