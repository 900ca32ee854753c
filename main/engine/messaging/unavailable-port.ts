// The messaging port a keeper uses until it is given one (`KeeperOptions.messaging`): every
// send and lookup answers 'not-open', so the outbound queue keeps messages queued (and says
// why) instead of losing them.
import { KeeperError } from '../errors.js';
import type { MessagingPort } from './types.js';

const notOpen = (): Promise<never> => Promise.reject(new KeeperError('not-open', 'No WhatsApp messaging connection is available to this keeper.'));

export const unavailableMessagingPort: MessagingPort = {
  sendText: notOpen,
  lookup: notOpen,
  on: () => undefined,
  off: () => undefined,
};
