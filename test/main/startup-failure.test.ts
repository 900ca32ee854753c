import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invalidSettingsText, loggerUnavailable, settingsUnreadable, startupFailureText } from '../../main/startup-failure.js';

test('the startup error box names the file and the reason, and where the log is', () => {
  const eacces = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  const text = startupFailureText(settingsUnreadable('/home/j/.config/Session Keeper/settings.json', eacces), '/home/j/logs');
  assert.match(text, /settings\.json no permission to read or write it/);
  assert.match(text, /Details may be in the log: \/home\/j\/logs/);
  assert.match(startupFailureText(settingsUnreadable('/s.json', new SyntaxError('Unexpected token')), null), /^The settings file \/s\.json not valid JSON/);
  assert.match(startupFailureText(loggerUnavailable('/ro/logs', new Error('EROFS')), null), /log folder \/ro\/logs cannot be written \(EROFS\)/);
  assert.equal(startupFailureText(new Error('boom'), null), 'Unexpected error: boom');
});

test('an invalid settings file is shown with each field and its problem', () => {
  const text = invalidSettingsText('/p/settings.json', [{ path: 'keepAlive.intervalHours', message: 'between 6 and 24' }, { path: '', message: 'bad' }]);
  assert.match(text, /^\/p\/settings\.json has problems/);
  assert.match(text, /• keepAlive\.intervalHours: between 6 and 24/);
  assert.match(text, /• \(file\): bad/);
});
