// The patched Curve.verify is what makes the Noise certificate chain and the pairing account
// signature mean anything, and the patched handshake binds the chain to the server's static key;
// these tests prove both with the real client against the test server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Curve } from '@whiskeysockets/baileys';
import pino from 'pino';
import { ensureBaileysPatched, certificateBindingWorks, patchedFilesInstalled, signatureVerificationWorks } from '../../../main/engine/baileys-guard.js';
import { connectClient } from '../../support/wa-server/baileys-client.js';
import { EXPIRED_NOT_AFTER, installTestRoot, startWaServer, uninstallTestRoot, type CertChainMode } from '../../support/wa-server/index.js';

test('Curve.verify refuses a tampered signature and accepts the real one', async () => {
  const pair = Curve.generateKeyPair();
  const msg = Buffer.from('hello');
  const sig = Buffer.from(Curve.sign(pair.private, msg));
  assert.equal(Curve.verify(pair.public, msg, sig), true);
  const bad = Buffer.from(sig);
  bad[0] = (bad[0] ?? 0) ^ 0xff;
  assert.equal(Curve.verify(pair.public, msg, bad), false);
  assert.equal(Curve.verify(pair.public, Buffer.from('hellO'), sig), false);
  assert.equal(signatureVerificationWorks(), true);
  await assert.doesNotReject(ensureBaileysPatched());
});

test('the fast start path knows the installed, patched files, and the self-tests it skips agree they are patched', async () => {
  // stale hashes (patches/ changed) would only make every start pay for the self-tests again
  assert.equal(await patchedFilesInstalled(), true, 'update PATCHED_FILES_SHA256 in main/engine/baileys-guard.ts');
  assert.equal(signatureVerificationWorks(), true);
  assert.equal(certificateBindingWorks(), true);
});

interface Handshake {
  statusCode: number | undefined;
  message: string;
  /** the server got the client's ClientFinish, i.e. a login or registration payload */
  loggedIn: boolean;
  /** Baileys' warn-level log lines */
  warnings: Array<Record<string, unknown>>;
}

async function handshakeWith(mode: CertChainMode): Promise<Handshake> {
  installTestRoot();
  const server = await startWaServer({ certChain: mode });
  const dir = await mkdtemp(join(tmpdir(), 'cert-'));
  const warnings: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      warnings.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  try {
    const client = await connectClient(server.url, dir, { logger: pino({ level: 'warn' }, sink) });
    const outcome = await Promise.race([
      client.closed.then((c) => ({ statusCode: c.statusCode, message: c.message })),
      client.nextQr().then(() => ({ statusCode: undefined, message: 'qr' })),
    ]);
    await client.end();
    return { ...outcome, loggedIn: server.connections.some((c) => c.kind !== undefined), warnings };
  } finally {
    await server.close();
    uninstallTestRoot();
    await rm(dir, { recursive: true, force: true });
  }
}

test('the guard drives the real noise handler and finds the certificate binding patch active', async () => {
  assert.equal(certificateBindingWorks(), true);
  await assert.doesNotReject(ensureBaileysPatched());
});

test('a server replaying a correctly signed chain whose leaf names another key is refused before any login', async () => {
  const r = await handshakeWith('foreign-leaf-key');
  assert.equal(r.statusCode, 400);
  assert.match(r.message, /leaf certificate key does not match the server static key/);
  assert.equal(r.loggedIn, false, 'the client never sent its login payload');
});

test('a correctly signed leaf that names another intermediate as its issuer is refused before any login', async () => {
  const r = await handshakeWith('wrong-leaf-issuer-serial');
  assert.equal(r.statusCode, 400);
  assert.match(r.message, /leaf certificate issuer serial does not match the intermediate serial/);
  assert.equal(r.loggedIn, false);
});

test('an expired chain still connects (a wrong clock must not cost the session) and logs a warning', async () => {
  const r = await handshakeWith('expired');
  assert.equal(r.message, 'qr', 'the handshake completed and pairing started');
  const dated = r.warnings.filter((w) => typeof w.msg === 'string' && /validity period/.test(w.msg));
  assert.deepEqual(dated.map((w) => w.certificate).sort(), ['intermediate', 'leaf']);
  assert.equal(dated[0]?.notAfter, EXPIRED_NOT_AFTER);
  const valid = await handshakeWith('valid');
  assert.equal(valid.warnings.filter((w) => typeof w.msg === 'string' && /validity period/.test(w.msg)).length, 0, 'no warning for an undated chain');
});

test('a server whose leaf certificate signature is bad is refused before any login', async () => {
  const r = await handshakeWith('bad-leaf-signature');
  assert.equal(r.statusCode, 400);
  assert.match(r.message, /noise certificate signature invalid/);
  assert.equal(r.loggedIn, false);
});

test('a server whose intermediate certificate is not signed by the trusted root is refused', async () => {
  const r = await handshakeWith('bad-intermediate-signature');
  assert.equal(r.statusCode, 400);
  assert.match(r.message, /intermediate certificate signature invalid/);
  assert.equal(r.loggedIn, false);
});

test('a correctly signed chain under the installed test root is accepted and pairing starts', async () => {
  const r = await handshakeWith('valid');
  assert.equal(r.message, 'qr');
});

test('without the test root installed, even the correctly signed test chain is refused', async () => {
  const server = await startWaServer({ certChain: 'valid' });
  const dir = await mkdtemp(join(tmpdir(), 'cert-'));
  try {
    const client = await connectClient(server.url, dir);
    const closed = await client.closed;
    assert.equal(closed.statusCode, 400);
    assert.match(closed.message, /intermediate certificate signature invalid/);
    await client.end();
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
