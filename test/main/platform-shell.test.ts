import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_USER_MODEL_ID, applicationMenuTemplate, appUserModelId, setupSecretsBackend, usePlainTextSecrets } from '../../main/platform-shell.js';
import { repoRoot } from '../support/repo-root.js';

test('the Windows AppUserModelID is electron-builder\'s appId, and only Windows sets one', () => {
  const builder = readFileSync(join(repoRoot(), 'electron-builder.yml'), 'utf8');
  assert.equal(/^appId:\s*(\S+)\s*$/m.exec(builder)?.[1], APP_USER_MODEL_ID);
  assert.equal(appUserModelId('win32'), APP_USER_MODEL_ID);
  assert.equal(appUserModelId('linux'), null);
  assert.equal(appUserModelId('darwin'), null);
});

test('plain-text secret encryption is opted into only on Linux with basic_text', () => {
  assert.equal(usePlainTextSecrets('linux', 'basic_text'), true);
  for (const b of ['gnome_libsecret', 'kwallet5', 'unknown']) assert.equal(usePlainTextSecrets('linux', b), false, b);
  assert.equal(usePlainTextSecrets('win32', 'basic_text'), false);
  const calls: boolean[] = [];
  const fake = (backend: 'basic_text' | 'gnome_libsecret') => ({ getSelectedStorageBackend: () => backend, setUsePlainTextEncryption: (v: boolean) => void calls.push(v) });
  assert.equal(setupSecretsBackend(fake('gnome_libsecret'), 'linux'), 'gnome_libsecret');
  assert.deepEqual(calls, []);
  assert.equal(setupSecretsBackend(fake('basic_text'), 'linux'), 'basic_text');
  assert.deepEqual(calls, [true]);
  assert.equal(setupSecretsBackend(fake('basic_text'), 'darwin'), null);
});

test('no application menu on Windows and Linux; on macOS only the app, Edit and Window menus (no View with Reload)', () => {
  assert.equal(applicationMenuTemplate('win32'), null);
  assert.equal(applicationMenuTemplate('linux'), null);
  assert.deepEqual(applicationMenuTemplate('darwin')?.map((m) => m.role), ['appMenu', 'editMenu', 'windowMenu']);
});
