// When the tray app cannot start, the person must see why: a tray app that exits with only a
// line on stderr just vanishes (issue 12 item 4). These sentences are what the error box says.
import type { SettingsProblem } from './engine/settings-schema.js';
import { unreadableReason } from './headless-settings.js';

export const STARTUP_FAILURE_TITLE = 'Session Keeper could not start';
export const INVALID_SETTINGS_TITLE = 'Session Keeper: settings file ignored';

/** A failure at start with the step that failed, already in a person's words. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

export function settingsUnreadable(file: string, err: unknown): StartupError {
  return new StartupError(`The settings file ${file} ${unreadableReason(err)}. Fix or move it away, then start Session Keeper again.`, { cause: err });
}

export function loggerUnavailable(logsDir: string, err: unknown): StartupError {
  return new StartupError(`The log folder ${logsDir} cannot be written (${err instanceof Error ? err.message : String(err)}).`, { cause: err });
}

/** The error box's text: the reason, and where to look for more (the log, when there is one). */
export function startupFailureText(err: unknown, logsDir: string | null): string {
  const reason = err instanceof StartupError ? err.message : `Unexpected error: ${err instanceof Error ? err.message : String(err)}`;
  return logsDir ? `${reason}\n\nDetails may be in the log: ${logsDir}` : reason;
}

/** A settings file that fails the schema: the app runs on defaults and says so, naming each field. */
export function invalidSettingsText(file: string, problems: readonly SettingsProblem[]): string {
  const lines = problems.map((p) => `• ${p.path || '(file)'}: ${p.message}`);
  return `${file} has problems, so Session Keeper runs on default settings until they are fixed (saving settings from the window replaces the file):\n${lines.join('\n')}`;
}
