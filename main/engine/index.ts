// Public surface of the Electron-free engine (built to dist/main/engine/index.js).
export { createKeeper, Keeper, UnknownPhoneError, type KeeperOptions, type KeeperEvents, type PhoneStartResult } from './keeper.js';
export { InvalidSettingsError } from './keeper.js';
export { KeepAliveRefusedError, type ManualPulseResult, type BackupHook, type KeepAliveView } from './keepalive-scheduler.js';
export { parseKeepAliveSettings, type KeepAliveSettings, type KeepAliveSettingsInput } from './settings-schema.js';
export type { LogEntry, LogLevel, PhoneConfig, PhoneState, PhoneStatus, KeepAliveMode } from './types.js';
export { PHONE_STATES } from './types.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { InvalidPhoneIdError } from './phone-id.js';
export { formatSessionAge, formatSessionDuration } from './session-age.js';
export { OutboundQueue, type OutboundQueueOptions, type OutboundQueueEvents } from './messaging/outbound-queue.js';
export type { MessageRecord, MessageState, MessagingPort, OutboundService, SendRequest } from './messaging/types.js';
export { parseOutboundSettings, type OutboundSettings, type OutboundSettingsInput } from './settings-schema.js';
export type { OutboundStop } from './types.js';
export { computeUptime, UPTIME_DEFAULT_DAYS, UPTIME_MAX_DAYS, type UptimeReport, type UptimeCell, type UptimeInterval, type UptimeCondition, type DownReason } from './uptime/uptime.js';
