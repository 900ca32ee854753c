import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeeper } from '../../../main/engine/keeper.js';
import { historyDir, historyFile } from '../../../main/engine/uptime/history-store.js';
import { historyLine } from '../../../main/engine/uptime/history-record.js';
import { TrayUptime } from '../../../main/tray/tray-uptime.js';
import { presentTray } from '../../../main/tray/tray-presenter.js';
import { simulatedMonth } from '../../support/uptime-history.js';

test('the tray holds each phone\'s 30-day uptime from the keeper\'s history, asks at most once a minute, and re-renders when it changed', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tray-uptime-'));
  try {
    const m = simulatedMonth('UTC');
    await mkdir(historyDir(join(dataDir, 'logs')), { recursive: true });
    await writeFile(historyFile(join(dataDir, 'logs'), 'work'), m.records.map(historyLine).join(''));
    // a keeper that is never started: it reads the history file, connects nothing
    const keeper = createKeeper({ dataDir, phones: [{ id: 'work', label: 'Work' }], keepAlive: { timeZone: 'UTC' }, clock: { now: () => m.now, setTimeout: () => ({ id: 0 }), clearTimeout: () => {} } });
    let renders = 0;
    let changed!: () => void;
    const done = new Promise<void>((resolve) => (changed = resolve));
    const tray = new TrayUptime(() => {
      renders++;
      changed();
    });
    tray.refresh(keeper, m.now);
    await done;
    const share = tray.figures.get('work');
    assert.equal(share, (await keeper.uptime('work')).percent.d30);
    assert.ok(share !== null && share !== undefined && share < 1);
    tray.refresh(keeper, m.now + 30_000);
    assert.equal(renders, 1, 'not asked again within the minute');
    const status = keeper.status('work');
    assert.match(presentTray([status], { now: m.now, startAtLogin: false, uptime30: tray.figures }).tooltip, /Uptime 30 d: 99\.1 %/);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
