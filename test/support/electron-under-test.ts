// Entry point for the Electron e2e test: the real main process (dist/main/index.js), started
// from here so that test-only set-up stays in test code. The app code never sees the test
// server's certificate root: it is installed into Baileys here, before main loads, from the hex
// public key the test hands over (WA_TEST_ROOT), exactly as headless-under-test.ts does.
// userData goes to a temporary folder (SESSION_KEEPER_E2E_USER_DATA) so the test never touches
// the real profile's settings.
import { app } from 'electron';
import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';

const root = process.env.WA_TEST_ROOT;
if (root) (WA_CERT_DETAILS as { PUBLIC_KEY: Uint8Array }).PUBLIC_KEY = Buffer.from(root, 'hex');
const userData = process.env.SESSION_KEEPER_E2E_USER_DATA;
if (userData) app.setPath('userData', userData);

// A computed specifier: the main entry is written in parallel and must not break type-checking
// of the tests while it does not exist yet.
const entry = new URL('../../main/index.js', import.meta.url).href;
await import(entry);
