// The IPC channel names alone: what the sandboxed preload needs at run time. The payload
// schemas (valibot) live in contract.ts and run in main only, so the preload bundle stays a few KB.

/** renderer → main, answered (ipcRenderer.invoke / ipcMain.handle) */
export const INVOKE_CHANNEL = {
  getStatuses: 'keeper:get-statuses',
  getLog: 'keeper:get-log',
  reconnect: 'keeper:reconnect',
  requestQr: 'keeper:request-qr',
  requestPairingCode: 'keeper:request-pairing-code',
  logout: 'keeper:logout',
  backupNow: 'keeper:backup-now',
  listBackups: 'keeper:list-backups',
  checkBackupTarget: 'keeper:check-backup-target',
  restore: 'keeper:restore',
  keepAliveNow: 'keeper:keep-alive-now',
  pauseKeepAlive: 'keeper:pause-keep-alive',
  resumeKeepAlive: 'keeper:resume-keep-alive',
  resumeSending: 'keeper:resume-sending',
  importSession: 'keeper:import-session',
  getSettings: 'settings:get',
  setSettings: 'settings:set',
  updateSettings: 'settings:update',
  setSecret: 'secrets:set',
  getEnvironment: 'app:get-environment',
  exportRecoveryKey: 'keeper:export-recovery-key',
  getUptime: 'keeper:get-uptime',
  getApiState: 'api:get-state',
  newApiSecret: 'api:new-secret',
  exportLog: 'keeper:export-log',
} as const;

/** main → renderer, pushed (webContents.send / ipcRenderer.on) */
export const PUSH = {
  status: 'keeper:status',
  log: 'keeper:log',
  settings: 'settings:changed',
  /** e.g. a notification click: show this phone's QR */
  focusPhone: 'app:focus-phone',
  /** the update line (UpdateLine | null) whenever it changes */
  update: 'app:update',
} as const;

export type InvokeName = keyof typeof INVOKE_CHANNEL;
