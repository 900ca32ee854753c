// Where a keeper keeps things under its data folder. One place, so backups, quarantine and
// the UI's "open folder" all agree.
import { join } from 'node:path';

export { assertPhoneId } from './phone-id.js';

export interface DataPaths {
  root: string;
  /** the folder that holds every phone's session folder (and what a restore leaves beside them) */
  sessions: string;
  /** Baileys-compatible session folder (creds.json + key files) */
  session(phoneId: string): string;
  /** keeper's own per-phone state (pairedAt, policy counters, keep-alive plan) */
  meta(phoneId: string): string;
  quarantine: string;
  logs: string;
  backups(phoneId: string): string;
}

export function dataPaths(root: string): DataPaths {
  const sessions = join(root, 'sessions');
  return {
    root,
    sessions,
    session: (id) => join(sessions, id),
    meta: (id) => join(root, 'state', id),
    quarantine: join(root, 'quarantine'),
    logs: join(root, 'logs'),
    backups: (id) => join(root, 'backups', id),
  };
}
