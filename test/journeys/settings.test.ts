// Journey 6: the person changes the keep-alive interval and the time zone in Settings and saves;
// main stores them and restarts the sessions with them (the server sees the old socket close and a
// new login; the plan made under the old settings is replanned in the new zone, no pulse needed). An invalid value is refused with
// the field named — in the form, and by main if the page sends it anyway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { axeViolations, eventually, journeySkip, linkByScanningTheScreen, screenshot, standIn, startJourney } from '../support/journey.js';

const skip = journeySkip('settings');

interface PageKeeper {
  getLog(q: unknown): Promise<{ event: string; message: string }[]>;
  getSettings(): Promise<Record<string, unknown>>;
  getStatuses(): Promise<{ phoneId: string; nextKeepAliveAt: number | null }[]>;
  setSettings(s: unknown): Promise<unknown>;
}

async function nextKeepAliveAt(page: Page): Promise<number | null> {
  const statuses = await page.evaluate(() => (globalThis as unknown as { keeper: PageKeeper }).keeper.getStatuses());
  return statuses.find((s) => s.phoneId === 'default')?.nextKeepAliveAt ?? null;
}

function logOf(page: Page): Promise<{ event: string; message: string }[]> {
  return page.evaluate(() => (globalThis as unknown as { keeper: PageKeeper }).keeper.getLog({ limit: 200 }));
}

test('saving a new keep-alive interval and time zone restarts the sessions with them; an invalid interval is refused with the field named', { skip, timeout: 60_000 }, async () => {
  const j = await startJourney();
  try {
    await linkByScanningTheScreen(j);
    const page = await j.page();
    const live = j.server.connections.find((c) => c.state === 'logged-in');
    assert.ok(live);

    // the first keep-alive is planned under the old settings (12 h): at least 10.8 h ahead
    let oldPlan: number | null = null;
    for (const until = performance.now() + 10_000; oldPlan === null && performance.now() < until; await new Promise((r) => setTimeout(r, 200))) {
      oldPlan = await nextKeepAliveAt(page);
    }
    assert.ok(oldPlan !== null, 'a keep-alive is planned once linked');

    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const interval = page.getByLabel('Keep-alive interval (hours)');
    const save = page.getByRole('button', { name: 'Save settings' });

    // invalid: the form names the field and will not save
    await interval.fill('3');
    await page.locator('#error-intervalHours').filter({ hasText: /.+/ }).waitFor();
    assert.equal(await interval.getAttribute('aria-invalid'), 'true');
    assert.equal(await save.isDisabled(), true);
    assert.deepEqual(await axeViolations(page) ?? [], [], 'axe finds nothing on the settings view');
    await screenshot(page, 'settings-invalid', { fullPage: true });

    // main refuses it too, naming the field, if a page sends it anyway
    const refused = await page.evaluate(async () => {
      const k = (globalThis as unknown as { keeper: PageKeeper }).keeper;
      const s = await k.getSettings();
      try {
        await k.setSettings({ ...s, keepAlive: { ...(s.keepAlive as object), intervalHours: 3 } });
        return null;
      } catch (err) {
        return { message: (err as Error).message, problems: (err as { problems?: { path: string }[] }).problems?.map((p) => p.path) ?? [] };
      }
    });
    assert.ok(refused, 'main refused the invalid settings');
    assert.ok(refused.problems.some((p) => /intervalHours/.test(p)), `the refusal names the field: ${JSON.stringify(refused)}`);

    // valid: 8 hours, Asia/Jerusalem → saved, sessions restarted with them
    await interval.fill('8');
    await page.getByLabel('Time zone').fill('Asia/Jerusalem');
    await save.click();
    await page.locator('#settings-status', { hasText: 'Saved.' }).waitFor();
    const stored = JSON.parse(await readFile(join(j.profileDir, 'userData', 'settings.json'), 'utf8')) as { keepAlive: { intervalHours: number; timeZone: string } };
    assert.equal(stored.keepAlive.intervalHours, 8);
    assert.equal(stored.keepAlive.timeZone, 'Asia/Jerusalem');

    await j.server.waitFor(() => live.state === 'closed' || undefined, 15_000, 'the old session closed for the restart');
    await j.server.waitFor(() => j.server.connections.some((c) => c.id > live.id && c.state === 'logged-in') || undefined, 20_000, 'a new login after the restart');
    await eventually(() => standIn.tray().toolTip.includes('all healthy'), () => `tray tooltip: ${standIn.tray().toolTip}`, 15_000);
    // the restarted engine replans the old plan (beyond the new 8 h ± 10 %) in the new zone, with no pulse
    await page.getByRole('button', { name: 'Phones', exact: true }).click();
    await (await j.card()).locator('.badge', { hasText: 'Connected' }).waitFor({ timeout: 20_000 });
    let replanned: string | undefined;
    for (const until = performance.now() + 10_000; !replanned && performance.now() < until; await new Promise((r) => setTimeout(r, 200))) {
      replanned = (await logOf(page)).find((e) => e.event === 'keepalive.replanned' && e.message.includes('(Asia/Jerusalem)'))?.message;
    }
    assert.ok(replanned, 'the restarted engine replans keep-alives in the new time zone');
    assert.match(replanned, /settings changed/);
    const newPlan = await nextKeepAliveAt(page);
    assert.ok(newPlan !== null && newPlan !== oldPlan, `a new plan: ${String(oldPlan)} → ${String(newPlan)}`);
    assert.equal((await logOf(page)).filter((e) => e.event === 'keepalive.sent').length, 0, 'no keep-alive was sent to get there');
    assert.deepEqual(j.pageProblems, []);
  } finally {
    await j.close();
  }
});
