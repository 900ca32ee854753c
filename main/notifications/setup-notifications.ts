// Shows what the notification presenter decides, through Electron's Notification (thin).
import { Notification } from 'electron';
import type { PhoneStatus } from '../engine/types.js';
import { EMPTY_MEMORY, presentNotifications, type AppNotification, type NotifyMemory } from './notification-presenter.js';

export interface NotificationOptions {
  onClick: (n: AppNotification) => void;
  /**
   * The OS did not show it (macOS since Electron 42 without a signed app, Windows without the
   * AUMID shortcut): the caller brings the news another way, so it is never silently lost.
   */
  onFailed?: (n: AppNotification, error: string) => void;
  iconPath?: string;
  now?: () => number;
}

export function setupNotifications(opts: NotificationOptions): { onStatus(s: PhoneStatus): void } {
  const now = opts.now ?? Date.now;
  const memory = new Map<string, NotifyMemory>();
  // keep shown notifications referenced: a garbage-collected one loses its click handler
  const live = new Set<Notification>();
  return {
    onStatus(s) {
      const r = presentNotifications(memory.get(s.phoneId) ?? EMPTY_MEMORY, s, now());
      memory.set(s.phoneId, r.memory);
      if (!Notification.isSupported()) return;
      for (const n of r.notifications) {
        const shown = new Notification({ title: n.title, body: n.body, ...(opts.iconPath ? { icon: opts.iconPath } : {}) });
        live.add(shown);
        shown.on('click', () => opts.onClick(n));
        shown.on('close', () => live.delete(shown));
        shown.on('failed', (_event, error) => {
          live.delete(shown);
          opts.onFailed?.(n, error);
        });
        shown.show();
      }
    },
  };
}
