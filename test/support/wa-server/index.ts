/**
 * Local WhatsApp Web test server for the REAL Baileys client (tests only).
 *
 *   installTestRoot()                      // make Baileys trust the test cert root (tests only)
 *   const server = await startWaServer({ port?: 0, qrRefs?: 6, phoneNumber?: '15550000001',
 *     pushName?: 'Test Phone' | null, certChain?: 'valid' | 'bad-leaf-signature' |
 *     'bad-intermediate-signature' | 'foreign-leaf-key' | 'wrong-leaf-issuer-serial' | 'expired',
 *     preKeysOnServer?: 50, sendOffline?: true, clock?: Clock, minVersion?: [2, 3000, n], webRevision?: n | null })
 *   makeWASocket({ auth, waWebSocketUrl: server.url, ... })
 *   server.phone.scan(qr)                  // simulated phone: pair-success, then stream:error 515
 *   server.phone.enterCode('ABCD-EFGH')     // the same, by the code a companion's requestPairingCode shows (pairing-code.ts)
 *   server.connections / server.devices    // per-connection state, jid, presences[], bytes/frames in/out
 *   server.waitFor(check) / nextConnection() / nextLogin() / waitForPresence(conn, type)
 *   server.waitForClose(conn) / waitForQuiet(conn)   // quiet = every client query was answered
 *   server.injectFailure(conn | 'next-login', 401 | 402 | 403 | 405 | 406, attrs?)
 *   server.injectStreamError(conn | 'next-login', 'replaced' | 'device_removed' | 500 | 503 | 515)
 *   server.destroy(conn) / setSilent(conn) / refuseConnections('reset' | 'http-503' | 'close-on-open' | 'none')
 *   server.setDeaf(conn)                   // answer pings only, drop every other stanza (a "deaf" socket)
 *   server.requireVersion([2, 3000, n])    // refuse older clients with <failure reason=405> at the handshake
 *   server.serveWebRevision(n) / versionUrl / versionRequests   // GET /sw.js names client_revision n
 *   server.setQrRefs(n) / setPushName(name | null) / setCertChain(mode) / forgeAccountSignature(bool) / removeDevice(jid) / sendNode(conn, node)
 *   startWaServer({ clock, linkedDeviceClocks: { companionInactiveDays?: 30, primaryOfflineDays?: 14 } })
 *   server.phoneOnline() / deviceClocks.removals   // WhatsApp's two clocks (linked-device-clocks.ts)
 *   const contact = server.addContact({ number: '15550000002', lidUser?, pushName? })   // see contact.ts
 *   contact.inbox / waitForInbound(n)      // what the client sent, decrypted with the contact's own Signal session
 *   contact.send(text) / receipts / waitForReceipt(id, 'delivered' | 'read')   // and back, with the client's receipts
 *   contact.receiptMode = 'read' | 'delivered' | 'none'   // what the contact answers after the server's <ack>
 *   contact.refuseWith = '463' | '479' | null   // the server refuses the client's messages (ack error), delivers nothing
 *   contact.addressing = 'pn' | 'lid'       // how the contact's messages name their sender
 *   await server.close(); uninstallTestRoot()
 *
 * Protocol notes (mirrors Baileys 7.0.0-rc14):
 * - Noise XX responder with a cert chain: test root -> intermediate (issuerSerial =
 *   WA_CERT_DETAILS.SERIAL) -> leaf naming the server's static key.
 * - The push name reaches creds.me.name through <biz name> in pair-success: the only field
 *   of a plaintext stanza Baileys copies there (the others arrive Signal-encrypted from the phone).
 *   Without it Baileys silently drops sendPresenceUpdate('available' | 'unavailable').
 * - Unpatched, Baileys sends a bare <presence name=…/> (read as available) on every creds.update
 *   whose `me.name` differs; our patch makes it type="unavailable" and presence-hygiene.ts stops
 *   the partial updates, so a type-less presence record is a regression.
 * - Contacts: usync answers devices [0] and a LID for a contact, `contact type=out` for any other
 *   number; the pre-key fetch hands out the contact's bundle with a fresh one-time pre-key. The
 *   contact writes with the bundle the companion registered at pairing (plus uploaded pre-keys).
 * - `encrypt/count` reports 50 by default: a pre-key upload arms a 30 s Baileys timer that is
 *   never cleared and would keep the test process alive.
 */
export {
  installTestRoot,
  uninstallTestRoot,
  testRootPublicKey,
  EXPIRED_NOT_AFTER,
  EXPIRED_NOT_BEFORE,
  type CertChainMode,
} from './certs.js';
export { type FailureReason, type StreamFault } from './faults.js';
export { type DeviceRemoval, type LinkedDeviceClockOptions, type RemovalCause } from './linked-device-clocks.js';
export { type ClientReceipt, type ContactInbound, type ContactOutbound, type ReceiptMode, type SimulatedContact } from './contact.js';
export { type ContactOptions } from './contact-hub.js';
export {
  startWaServer,
  type ConnectionState,
  type DeviceRecord,
  type PresenceRecord,
  type RefuseMode,
  type SimulatedPhone,
  type WaConnection,
  type WaServer,
  type WaServerOptions,
  type WaVersion,
} from './server.js';
