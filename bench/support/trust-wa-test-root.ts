// Preloaded (`node --import`) into the processes of a bench's `npm run headless`: in the headless
// runner only, Baileys trusts the WA test server's certificate root (hex in WA_TEST_ROOT), as
// test/support/headless-under-test.ts does for the tests. npm, tsc and esbuild pass through
// untouched, so a build inside the timed run costs what it costs a person.
const entry = process.argv[1] ?? '';
const root = process.env.WA_TEST_ROOT;
if (root && /headless-entry\.js$/.test(entry)) {
  const { WA_CERT_DETAILS } = await import('@whiskeysockets/baileys');
  (WA_CERT_DETAILS as { PUBLIC_KEY: Uint8Array }).PUBLIC_KEY = Buffer.from(root, 'hex');
}
