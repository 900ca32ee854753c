// "Start at login": macOS and Windows through app.setLoginItemSettings; Linux has no such API in
// Electron, so an XDG autostart entry in ~/.config/autostart. The entry's text is a pure
// function; writing it is a thin wrapper.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Started at login: open to the tray only, no window. */
export const HIDDEN_FLAG = '--hidden';
export const AUTOSTART_FILE_NAME = 'session-keeper.desktop';

/** Quotes one Exec argument per the Desktop Entry spec (then escapes `\` for the string value). */
export function quoteExecArg(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  const inner = arg.replace(/(["`$\\])/g, '\\$1');
  return `"${inner}"`.replace(/\\/g, '\\\\');
}

/** The program to launch: the AppImage itself when run from one (its mount path changes every run). */
export function autostartExecutable(execPath: string, env: NodeJS.ProcessEnv): string {
  return env.APPIMAGE ?? execPath;
}

export function autostartDesktopEntry(opts: { executable: string; args?: string[]; name?: string }): string {
  const exec = [opts.executable, ...(opts.args ?? [HIDDEN_FLAG])].map(quoteExecArg).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    `Name=${opts.name ?? 'Session Keeper'}`,
    'Comment=Keeps WhatsApp Web linked-device sessions alive',
    `Exec=${exec}`,
    'Icon=session-keeper',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** `$XDG_CONFIG_HOME/autostart` or `~/.config/autostart` */
export function autostartDir(env: NodeJS.ProcessEnv, home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'autostart');
}

export async function writeAutostartEntry(dir: string, enabled: boolean, content: string): Promise<void> {
  const file = join(dir, AUTOSTART_FILE_NAME);
  if (!enabled) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(file, content, { mode: 0o644 });
}

/** True when this launch came from the login item / autostart entry. */
export function launchedHidden(argv: readonly string[], wasOpenedAtLogin: boolean): boolean {
  return wasOpenedAtLogin || argv.includes(HIDDEN_FLAG);
}
