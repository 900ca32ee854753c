import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettingsFile, unreadableReason } from '../../main/headless-settings.js';

test('a settings file that is not JSON is a problem named with the file, not an exception', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'settings-bad-'));
  try {
    await writeFile(join(dir, 'settings.json'), '{"version": 1, oops');
    const { result, path } = loadSettingsFile(dir);
    assert.equal(path, join(dir, 'settings.json'));
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : (result.problems[0]?.message ?? ''), /^not valid JSON \(/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a folder where the settings file should be is a problem too', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'settings-dir-'));
  try {
    await mkdir(join(dir, 'settings.json'));
    const { result } = loadSettingsFile(dir);
    assert.deepEqual(result, { ok: false, problems: [{ path: '', message: 'a folder is where the file should be' }] });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('reasons for unreadable files are sentences', () => {
  assert.equal(unreadableReason(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })), 'no permission to read or write it');
  assert.equal(unreadableReason(new Error('disk on fire')), 'cannot be read (disk on fire)');
});

test('a file upgraded without "version" warns with the keys it dropped, by name', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'settings-drop-'));
  try {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ phones: [{ id: 'a' }], theme: 'dark' }));
    const { result, warnings } = loadSettingsFile(dir);
    assert.ok(result.ok);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /dropped: "theme"$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
