// Renderer bench: the built window (dist/renderer) in Debian's Chromium against a real keeper
// through the test bridge. Measures the engine's qr status event → QR painted, first paint, and
// the live log with 10,000 entries (filter + draw, and frame times while scrolling).
//   npm run build && node dist/bench/renderer.js [--runs=N]
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright';
import type { LogEntry, LogLevel } from '../main/engine/types.js';
import { startHarness } from '../test/support/keeper-harness.js';
import { startRendererServer } from '../test/support/renderer-bridge/bridge-server.js';
import { chromiumMissing, launchChromium } from '../test/support/renderer-bridge/chromium.js';
import { machineInfo, machineLine } from './support/machine.js';
import { markdownTable, median, ms, p95 } from './support/stats.js';

const ROOT = fileURLToPath(new URL('../renderer/', import.meta.url));
const runs = Number(/^--runs=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--runs=')) ?? '')?.[1] ?? 10);

interface Row {
  what: string;
  n: number;
  median: number;
  p95: number;
  max: number;
  note: string;
}
const row = (what: string, values: number[], note = ''): Row => ({ what, n: values.length, median: median(values), p95: p95(values), max: Math.max(...values), note });

async function open(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

/** qr status sent by the bridge (Node's clock) → the page's 'qr-painted' mark (same wall clock). */
async function qrLatency(browser: Browser): Promise<number[]> {
  const h = await startHarness();
  const server = await startRendererServer(h, ROOT);
  const out: number[] = [];
  try {
    await h.keeper.start();
    const page = await open(browser, server.url);
    // function form: a string predicate would need eval, which the page's CSP forbids
    await page.waitForFunction(() => performance.getEntriesByName('qr-painted').length > 0);
    // each run asks the engine for a fresh QR (a new unlinked connection) while the page watches
    for (let i = 0; i < runs; i++) {
      const count = await page.evaluate<number>(`performance.getEntriesByName('qr-painted').length`);
      await h.keeper.requestQr('default');
      await page.waitForFunction((n) => performance.getEntriesByName('qr-painted').length > n, count, { timeout: 10_000 });
      out.push(
        await page.evaluate<number>(`(() => {
          const sent = performance.getEntriesByName('bridge-qr').at(-1);
          const painted = performance.getEntriesByName('qr-painted').at(-1);
          return sent && painted ? performance.timeOrigin + painted.startTime - sent.detail.sentAt : NaN;
        })()`),
      );
    }
    await page.close();
  } finally {
    await server.close();
    await h.close();
  }
  return out;
}

async function firstPaint(browser: Browser): Promise<{ fcp: number[]; ready: number[] }> {
  const h = await startHarness();
  const server = await startRendererServer(h, ROOT);
  const fcp: number[] = [];
  const ready: number[] = [];
  try {
    await h.keeper.start();
    for (let i = 0; i < runs; i++) {
      const page = await open(browser, server.url);
      const t = await page.evaluate<{ fcp: number; ready: number }>(`({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        ready: performance.getEntriesByName('keeper-ready')[0]?.startTime ?? NaN,
      })`);
      fcp.push(t.fcp);
      ready.push(t.ready);
      await page.close();
    }
  } finally {
    await server.close();
    await h.close();
  }
  return { fcp, ready };
}

function syntheticLog(n: number): LogEntry[] {
  const levels: LogLevel[] = ['debug', 'info', 'info', 'warn', 'error'];
  const t0 = Date.now();
  return Array.from({ length: n }, (_, i) => ({
    at: t0 - (n - i) * 1000,
    phoneId: i % 3 === 0 ? 'shop' : 'default',
    level: levels[i % 5] ?? 'info',
    event: 'keepalive.sent',
    message: i % 7 === 0 ? `Backup generation ${i} uploaded to the local folder` : `💚 Session keep-alive sent (Session age: ${i % 30}d ${i % 24}h)`,
  }));
}

async function logBench(browser: Browser): Promise<Row[]> {
  const h = await startHarness();
  const server = await startRendererServer(h, ROOT, { seedLog: syntheticLog(10_000) });
  try {
    await h.keeper.start();
    const initial: number[] = [];
    const filter: number[] = [];
    const frames: number[] = [];
    let drawn = 0;
    for (let i = 0; i < Math.max(3, Math.ceil(runs / 2)); i++) {
      const page = await open(browser, server.url);
      await page.locator('nav').getByRole('button', { name: 'Log' }).click();
      await page.locator('#log-count', { hasText: /^10,000 of/ }).waitFor();
      const lastRender = `performance.getEntriesByName('log-render')[0]?.duration ?? NaN`;
      initial.push(await page.evaluate<number>(lastRender));
      for (const text of ['backup', 'session age: 3d', '']) {
        const before = await page.locator('#log-count').textContent();
        await page.locator('#log-text').fill(text);
        await page.locator('#log-count').filter({ hasNotText: before ?? '' }).waitFor();
        filter.push(await page.evaluate<number>(lastRender));
      }
      // scroll 240 frames at 600 px per frame and record the time between frames
      frames.push(
        ...(await page.evaluate<number[]>(`new Promise((resolve) => {
          const v = document.getElementById('log-viewport');
          const deltas = [];
          let last = performance.now();
          let n = 0;
          const step = (now) => {
            deltas.push(now - last);
            last = now;
            v.scrollTop += 600;
            if (++n < 240) requestAnimationFrame(step);
            else resolve(deltas.slice(1));
          };
          requestAnimationFrame(step);
        })`)),
      );
      drawn = Math.max(drawn, await page.locator('#log-rows .log-row').count());
      await page.close();
    }
    return [
      row('log: 10,000 entries, filter + first draw', initial, 'first filter + draw after the 10,000 entries load'),
      row('log: re-filter 10,000 on typing', filter, '3 searches per run'),
      row('log: frame time while scrolling', frames, `240 frames × runs, 600 px per frame, ≤ ${drawn} rows in the DOM`),
    ];
  } finally {
    await server.close();
    await h.close();
  }
}

async function main(): Promise<void> {
  const missing = chromiumMissing();
  if (missing) {
    console.log(`renderer bench skipped: ${missing}`);
    return;
  }
  if (!existsSync(join(ROOT, 'app.js'))) throw new Error(`no bundled renderer at ${ROOT}: run npm run build`);
  console.log(machineLine(machineInfo()));
  const browser = await launchChromium();
  try {
    const rows: Row[] = [];
    rows.push(row('engine qr event → QR painted', await qrLatency(browser), 'bridge send time → rAF after the canvas draw'));
    const fp = await firstPaint(browser);
    rows.push(row('first contentful paint', fp.fcp, 'fresh page, from navigation start'));
    rows.push(row('window ready (statuses, log, settings loaded)', fp.ready, 'from navigation start'));
    rows.push(...(await logBench(browser)));
    console.log(
      markdownTable(
        ['measure', 'n', 'median', 'p95', 'max', 'note'],
        rows.map((r) => [r.what, String(r.n), ms(r.median), ms(r.p95), ms(r.max), r.note]),
      ),
    );
  } finally {
    await browser.close();
  }
}

await main();
