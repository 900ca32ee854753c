// The local API's fake messaging port held to the same contract as the real keeper's, so the
// API's tests cannot pass against a fake that behaves unlike the engine.
import { messagingPortContract, type MessagingPortSubject } from '../engine/messaging/messaging-port-contract.js';
import { FakeMessagingPort } from '../../support/fake-messaging.js';

const KNOWN = '15551230001';

messagingPortContract('FakeMessagingPort (test/support/fake-messaging.ts)', async (): Promise<MessagingPortSubject> => {
  const port = new FakeMessagingPort({ phones: ['default'], onWhatsApp: [KNOWN], autoReceipts: true });
  let n = 0;
  return {
    port,
    phoneId: 'default',
    unknownPhoneId: 'ghost',
    knownNumber: KNOWN,
    unknownNumber: '15559999999',
    contactWrites: async (text) => port.receive({ phoneId: 'default', waId: `C${++n}`, chatJid: `${KNOWN}@s.whatsapp.net`, text }).waId,
    contactReads: async () => port.sent.filter((m) => m.jid === `${KNOWN}@s.whatsapp.net`).map((m) => m.text),
    closePhone: async () => {
      port.closed.add('default');
    },
    dispose: async () => undefined,
  };
});
