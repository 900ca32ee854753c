// The one FakeMessagingPort (the gate's, the local API's and the window's tests run on it), held
// to the same MessagingPort contract as the real keeper's port.
import { FakeMessagingPort } from '../../../support/fake-messaging-port.js';
import { messagingPortContract } from './messaging-port-contract.js';

const KNOWN = '491555000400';

messagingPortContract('FakeMessagingPort (test/support/fake-messaging-port.ts)', async () => {
  const port = new FakeMessagingPort({ phoneIds: ['p1'], onWhatsApp: [KNOWN], contactReceipts: true });
  return {
    port,
    phoneId: 'p1',
    unknownPhoneId: 'nobody',
    knownNumber: KNOWN,
    unknownNumber: '491555000499',
    contactWrites: async (text) => port.receive('p1', KNOWN, text).waId,
    contactReads: async () => port.sends.filter((s) => s.jid === `${KNOWN}@s.whatsapp.net`).map((s) => s.text),
    closePhone: async () => port.setOpen('p1', false),
    dispose: async () => {},
  };
});
