import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHECK_INTERVAL_MS,
  RETRY_AFTER_ERROR_MS,
  classifyUpdateError,
  compareVersions,
  installMode,
  plainHttpUpdatesAllowed,
  nextCheckInMs,
  nextUpdateState,
  takesOffer,
  updateLine,
  updatePlan,
  type UpdateState,
  type UpdaterEvent,
} from '../../../main/updates/update-policy.js';

test('updates run only with an update URL and only in an installed build', () => {
  assert.deepEqual(updatePlan({ updateUrl: '', isPackaged: true, plainHttpAllowed: false }), { enabled: false, reason: 'no-url' });
  assert.deepEqual(updatePlan({ updateUrl: '  ', isPackaged: true, plainHttpAllowed: false }), { enabled: false, reason: 'no-url' });
  assert.deepEqual(updatePlan({ updateUrl: 'https://u.example/sk', isPackaged: false, plainHttpAllowed: true }), { enabled: false, reason: 'not-installed' });
  assert.deepEqual(updatePlan({ updateUrl: ' https://u.example/sk ', isPackaged: true, plainHttpAllowed: false }), { enabled: true, feedUrl: 'https://u.example/sk' });
});

test('an installed build takes no updates over plain http, even from this machine (another user could serve that port), unless the test env allows it', () => {
  const local = 'http://127.0.0.1:8080/updates';
  assert.deepEqual(updatePlan({ updateUrl: local, isPackaged: true, plainHttpAllowed: false }), { enabled: false, reason: 'insecure-url' });
  assert.deepEqual(updatePlan({ updateUrl: local, isPackaged: true, plainHttpAllowed: true }), { enabled: true, feedUrl: local });
  assert.deepEqual(updateLine({ kind: 'off', reason: 'insecure-url' }), { text: 'Updates off: an installed build takes updates over https only', tone: 'problem' });
  assert.equal(plainHttpUpdatesAllowed({ isPackaged: true, env: {} }), false);
  assert.equal(plainHttpUpdatesAllowed({ isPackaged: true, env: { SESSION_KEEPER_TEST_HTTP_UPDATES: 'yes' } }), false, 'only the exact value');
  assert.equal(plainHttpUpdatesAllowed({ isPackaged: true, env: { SESSION_KEEPER_TEST_HTTP_UPDATES: '1' } }), true);
  assert.equal(plainHttpUpdatesAllowed({ isPackaged: false, env: {} }), true, 'a checkout (it runs no updates anyway)');
});

test('a package installed as root (deb, rpm, pacman) is not installed on quit: the person is told where to download it; an AppImage still installs on quit', () => {
  assert.equal(installMode('deb'), 'manual');
  assert.equal(installMode('rpm'), 'manual');
  assert.equal(installMode('pacman'), 'manual');
  assert.equal(installMode('appimage'), 'on-quit');
  assert.equal(installMode('other'), 'on-quit');
  const offered = nextUpdateState({ kind: 'idle' }, { kind: 'offered', version: '2.0.0', from: 'https://u.example/sk' });
  assert.deepEqual(offered, { kind: 'available', version: '2.0.0', from: 'https://u.example/sk' });
  assert.deepEqual(updateLine(offered), { text: 'Update available: download version 2.0.0 from https://u.example/sk', tone: 'ready' });
  assert.equal(nextUpdateState(offered, { kind: 'checking' }), offered, 'a later check keeps saying it');
  assert.equal(nextUpdateState(offered, { kind: 'error', error: { message: 'x' }, at: 1 }), offered);
});

test('versions compare by semver precedence, pre-releases below their release', () => {
  assert.equal(compareVersions('0.2.0', '0.1.9'), 1);
  assert.equal(compareVersions('0.10.0', '0.9.0'), 1, 'numeric, not text');
  assert.equal(compareVersions('1.0.0', '1.0.0+build.7'), 0);
  assert.equal(compareVersions('1.0.0-beta.2', '1.0.0'), -1);
  assert.equal(compareVersions('1.0.0-beta.10', '1.0.0-beta.2'), 1);
  assert.equal(compareVersions('1.0.0-alpha', '1.0.0-alpha.1'), -1);
  assert.equal(compareVersions('1.0.0-rc.1', '1.0.0-beta.9'), 1);
  assert.equal(compareVersions('latest', '1.0.0'), null);
});

test('only a newer version is taken, and a pre-release only by an installation already on one', () => {
  assert.equal(takesOffer('0.1.0', '0.2.0'), true);
  assert.equal(takesOffer('0.1.0', '0.1.0'), false);
  assert.equal(takesOffer('0.2.0', '0.1.0'), false, 'no downgrade');
  assert.equal(takesOffer('0.1.0', '0.2.0-beta.1'), false, 'a beta published by mistake does not reach a release install');
  assert.equal(takesOffer('0.2.0-beta.1', '0.2.0-beta.2'), true);
  assert.equal(takesOffer('0.2.0-beta.1', '0.2.0'), true);
  assert.equal(takesOffer('0.1.0', 'v-next'), false);
});

const run = (events: UpdaterEvent[], from: UpdateState = { kind: 'idle' }): UpdateState => events.reduce(nextUpdateState, from);

test('a check that finds a newer version downloads it and ends ready to install on quit', () => {
  const s = run([{ kind: 'checking' }, { kind: 'available', version: '0.2.0' }, { kind: 'progress', percent: 41.6 }]);
  assert.deepEqual(s, { kind: 'downloading', version: '0.2.0', percent: 42 });
  assert.deepEqual(updateLine(s), { text: 'Downloading update 0.2.0 (42 %)…', tone: 'info' });
  const ready = nextUpdateState(s, { kind: 'downloaded', version: '0.2.0' });
  assert.deepEqual(updateLine(ready), { text: 'Update ready — installs when you quit (version 0.2.0)', tone: 'ready' });
});

test('no newer version: nothing to show; the next check comes after the regular interval', () => {
  const s = run([{ kind: 'checking' }, { kind: 'not-available', latest: '0.1.0', at: 5 }]);
  assert.deepEqual(s, { kind: 'up-to-date', latest: '0.1.0', at: 5 });
  assert.equal(updateLine(s), null);
  assert.equal(nextCheckInMs(s), CHECK_INTERVAL_MS);
});

test('a download that fails its sha512 check is shown as such and tried again sooner', () => {
  const s = run([{ kind: 'available', version: '0.2.0' }, { kind: 'error', error: { message: 'sha512 checksum mismatch, expected x, got y', code: 'ERR_CHECKSUM_MISMATCH' }, at: 9 }]);
  assert.deepEqual(s, { kind: 'error', problem: 'checksum', at: 9 });
  assert.deepEqual(updateLine(s), { text: 'Update failed: the download did not match its sha512 checksum and was discarded', tone: 'problem' });
  assert.equal(nextCheckInMs(s), RETRY_AFTER_ERROR_MS);
  assert.ok(RETRY_AFTER_ERROR_MS < CHECK_INTERVAL_MS);
});

test('errors are told apart: checksum, no latest.yml, server unreachable, anything else', () => {
  assert.equal(classifyUpdateError({ message: 'x', code: 'ERR_CHECKSUM_MISMATCH' }), 'checksum');
  assert.equal(classifyUpdateError({ message: 'Cannot find channel "latest.yml" update info: HttpError: 404', code: 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND' }), 'no-release-file');
  assert.equal(classifyUpdateError({ message: 'connect ECONNREFUSED 127.0.0.1:9', code: 'ECONNREFUSED' }), 'unreachable');
  assert.equal(classifyUpdateError({ message: 'net::ERR_INTERNET_DISCONNECTED' }), 'unreachable');
  assert.equal(classifyUpdateError({ message: 'EACCES: permission denied' }), 'other');
});

test('a ready update survives later failed or empty checks: it is verified and still installs on quit', () => {
  const ready: UpdateState = { kind: 'ready', version: '0.2.0' };
  assert.equal(run([{ kind: 'checking' }, { kind: 'error', error: { message: 'offline', code: 'ENOTFOUND' }, at: 1 }], ready), ready);
  assert.equal(run([{ kind: 'checking' }, { kind: 'not-available', latest: '0.2.0', at: 1 }], ready), ready);
  assert.deepEqual(run([{ kind: 'available', version: '0.3.0' }], ready), { kind: 'downloading', version: '0.3.0', percent: null }, 'an even newer release replaces it');
});

test('a build electron-updater cannot update (not an AppImage, deb or rpm) turns updates off and says so', () => {
  const s = run([{ kind: 'inactive' }]);
  assert.deepEqual(s, { kind: 'off', reason: 'unsupported-build' });
  assert.equal(nextCheckInMs(s), null);
  assert.match(updateLine(s)?.text ?? '', /cannot update itself/);
  assert.equal(updateLine({ kind: 'off', reason: 'no-url' }), null, 'updates left off by the person: no line');
});
