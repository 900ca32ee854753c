// The README's settings.json example is what a headless user copies: it must validate and show
// the real defaults (the time zone aside, which defaults to the system's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultAppSettings, parseAppSettings } from '../../main/settings/schema.js';

const README = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md');

test('the README settings.json example validates and shows every section with its default', async () => {
  const text = await readFile(README, 'utf8');
  const section = text.split('### The settings file')[1] ?? '';
  const json = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
  assert.ok(json, 'the section has a json example');
  const r = parseAppSettings(JSON.parse(json));
  assert.ok(r.ok, JSON.stringify(r));
  const defaults = defaultAppSettings();
  assert.deepEqual({ ...r.settings, keepAlive: { ...r.settings.keepAlive, timeZone: defaults.keepAlive.timeZone } }, defaults);
  assert.deepEqual(Object.keys(JSON.parse(json) as object), Object.keys(defaults), 'every section is shown');
});
