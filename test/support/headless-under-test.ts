// Runs the real headless runner in a child process that trusts the test server's certificate
// root. The root is installed here, in test code only; the runner itself never sees it. Each
// process makes its own test root, so the parent hands over the public key of the root its
// server uses (WA_TEST_ROOT, hex).
import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';

const root = process.env.WA_TEST_ROOT;
if (root) (WA_CERT_DETAILS as { PUBLIC_KEY: Uint8Array }).PUBLIC_KEY = Buffer.from(root, 'hex');
// Tests run offline: the runner never asks WhatsApp's own address for the current Web version
// unless a test names an address (the WA test server serves one).
process.env.SESSION_KEEPER_WA_VERSION_URL ??= '';
await import('../../main/headless.js');
