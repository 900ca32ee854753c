// Public surface of the Electron-free engine (built to dist/main/engine/index.js).
export { createKeeper, Keeper, UnknownPhoneError, type KeeperOptions, type KeeperEvents } from './keeper.js';
export type { LogEntry, LogLevel, PhoneConfig, PhoneState, PhoneStatus } from './types.js';
export { PHONE_STATES } from './types.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { InvalidPhoneIdError } from './paths.js';
export { formatSessionAge, formatSessionDuration } from './session-age.js';
