// The patched Curve.verify is what makes the Noise certificate chain and the pairing account
// signature mean anything; these tests prove it with the real client against the test server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Curve } from '@whiskeysockets/baileys';
import { assertBaileysPatched, signatureVerificationWorks } from '../../../main/engine/baileys-guard.js';
import { connectClient } from '../../support/wa-server/baileys-client.js';
import { installTestRoot, startWaServer, uninstallTestRoot, type CertChainMode } from '../../support/wa-server/index.js';

test('Curve.verify refuses a tampered signature and accepts the real one', () => {
  const pair = Curve.generateKeyPair();
  const msg = Buffer.from('hello');
  const sig = Buffer.from(Curve.sign(pair.private, msg));
  assert.equal(Curve.verify(pair.public, msg, sig), true);
  const bad = Buffer.from(sig);
  bad[0] = (bad[0] ?? 0) ^ 0xff;
  assert.equal(Curve.verify(pair.public, msg, bad), false);
  assert.equal(Curve.verify(pair.public, Buffer.from('hellO'), sig), false);
  assert.equal(signatureVerificationWorks(), true);
  assert.doesNotThrow(() => assertBaileysPatched());
});

async function handshakeWith(mode: CertChainMode): Promise<{ statusCode: number | undefined; message: string; loggedIn: boolean }> {
  installTestRoot();
  const server = await startWaServer({ certChain: mode });
  const dir = await mkdtemp(join(tmpdir(), 'cert-'));
  try {
    const client = await connectClient(server.url, dir);
    const outcome = await Promise.race([
      client.closed.then((c) => ({ statusCode: c.statusCode, message: c.message })),
      client.nextQr().then(() => ({ statusCode: undefined, message: 'qr' })),
    ]);
    await client.end();
    return { ...outcome, loggedIn: server.connections.some((c) => c.kind !== undefined) };
  } finally {
    await server.close();
    uninstallTestRoot();
    await rm(dir, { recursive: true, force: true });
  }
}

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
