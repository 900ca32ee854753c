// Which engine log entries are API events. The keeper already logs every keep-alive that went
// out and every backup result with its facts in `data`; this table reads them, so the engine
// needs no second event channel for the API.
import type { LogEntry } from '../engine/types.js';
import type { ApiEventData } from './schemas.js';

export type LogEvent =
  | { type: 'keepalive.sent'; phoneId: string; data: ApiEventData<'keepalive.sent'> }
  | { type: 'backup.done'; phoneId: string; data: ApiEventData<'backup.done'> };

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

export function apiEventFromLog(e: LogEntry): LogEvent | null {
  if (e.phoneId === null) return null;
  const d = e.data ?? {};
  switch (e.event) {
    case 'keepalive.sent': {
      const mode = d.mode === 'reduced' || d.mode === 'sleep' ? d.mode : 'active';
      return { type: 'keepalive.sent', phoneId: e.phoneId, data: { trigger: str(d.trigger) ?? 'due', mode, nextAt: num(d.nextAt) } };
    }
    case 'backup.uploaded':
      return { type: 'backup.done', phoneId: e.phoneId, data: { outcome: 'uploaded', generation: str(d.generation), error: null } };
    case 'backup.unchanged':
      return { type: 'backup.done', phoneId: e.phoneId, data: { outcome: 'unchanged', generation: str(d.generation), error: null } };
    case 'backup.failed':
      return { type: 'backup.done', phoneId: e.phoneId, data: { outcome: 'failed', generation: null, error: e.message } };
    default:
      return null;
  }
}
