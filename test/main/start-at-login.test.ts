import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autostartDesktopEntry, autostartDir, autostartExecutable, launchedHidden, quoteExecArg, writeAutostartEntry, AUTOSTART_FILE_NAME } from '../../main/start-at-login.js';

test('the autostart entry launches the app hidden in the tray', () => {
  const text = autostartDesktopEntry({ executable: '/opt/Session Keeper/session-keeper' });
  const lines = text.split('\n');
  assert.equal(lines[0], '[Desktop Entry]');
  assert.ok(lines.includes('Type=Application'));
  assert.ok(lines.includes('Name=Session Keeper'));
  assert.ok(lines.includes('Exec="/opt/Session Keeper/session-keeper" --hidden'));
  assert.ok(lines.includes('X-GNOME-Autostart-enabled=true'));
  assert.ok(text.endsWith('\n'));
});

test('Exec arguments are quoted and escaped per the Desktop Entry spec', () => {
  assert.equal(quoteExecArg('/usr/bin/app'), '/usr/bin/app');
  assert.equal(quoteExecArg('a b'), '"a b"');
  assert.equal(quoteExecArg('say "hi" $HOME'), '"say \\\\"hi\\\\" \\\\$HOME"');
  assert.equal(quoteExecArg(''), '""');
});

test('an AppImage autostarts itself, not its temporary mount', () => {
  assert.equal(autostartExecutable('/tmp/.mount_x/session-keeper', { APPIMAGE: '/home/u/Apps/SK.AppImage' }), '/home/u/Apps/SK.AppImage');
  assert.equal(autostartExecutable('/usr/bin/session-keeper', {}), '/usr/bin/session-keeper');
  assert.equal(autostartDir({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u'), '/x/cfg/autostart');
  assert.equal(autostartDir({}, '/home/u'), '/home/u/.config/autostart');
});

test('turning start at login on writes the entry and off removes it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shell-autostart-'));
  try {
    const auto = join(dir, 'autostart');
    await writeAutostartEntry(auto, true, 'X');
    assert.equal(await readFile(join(auto, AUTOSTART_FILE_NAME), 'utf8'), 'X');
    await writeAutostartEntry(auto, false, 'X');
    assert.deepEqual(await readdir(auto), []);
    await writeAutostartEntry(auto, false, 'X');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a login launch starts hidden', () => {
  assert.equal(launchedHidden(['electron', '.', '--hidden'], false), true);
  assert.equal(launchedHidden(['electron', '.'], true), true);
  assert.equal(launchedHidden(['electron', '.'], false), false);
});
