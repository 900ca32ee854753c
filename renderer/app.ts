// The window's entry point: wires window.keeper (the preload's API, the only way to main) to the
// three views. The page never trusts its own copy of state: statuses and settings come from main.
import { overallHealth } from '../main/presenters/phone-health.js';
import type { KeeperApi, UpdateLine } from '../main/ipc/contract.js';
import { byId, setText } from './dom.js';
import { errorText } from './view-model/error-text.js';
import { LogView } from './log-view.js';
import { PhoneCards } from './phone-cards.js';
import { SettingsView } from './settings-view.js';
import { LocalApiView } from './local-api-view.js';

const OVERALL: Record<ReturnType<typeof overallHealth>, string> = {
  ok: 'All phones connected',
  attention: 'Something needs attention',
  broken: 'A phone needs you',
  paused: 'Paused',
};

type View = 'phones' | 'log' | 'settings';

function showView(view: View, focus: boolean): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('.nav-button')) {
    if (b.dataset.view === view) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
  for (const v of ['phones', 'log', 'settings'] as const) byId(`view-${v}`).hidden = v !== view;
  if (focus) byId('main').focus();
}

async function start(keeper: KeeperApi): Promise<void> {
  const overall = byId('overall');
  // Two live regions: the overall health line, and a hidden one that speaks per-phone state changes.
  const announcer = byId('announcer');
  const announce = (text: string) => setText(announcer, text);
  const log = new LogView(keeper);
  const cards = new PhoneCards(keeper, byId('cards'), announce, (phoneId, day) => {
    log.showDay({ phoneId, start: day.start, end: day.end, title: day.title });
    showView('log', true);
  });
  const settings = new SettingsView(keeper, byId('settings-root'));
  const localApi = new LocalApiView(keeper, byId('settings-root'));

  for (const b of document.querySelectorAll<HTMLButtonElement>('.nav-button')) {
    b.addEventListener('click', () => showView(b.dataset.view as View, false));
  }
  const summary = () => {
    const health = overallHealth(cards.all());
    overall.className = `overall health-${health}`;
    setText(overall, OVERALL[health]);
  };

  keeper.onStatus((s) => {
    cards.update(s);
    log.setPhones([s.phoneId]);
    summary();
  });
  keeper.onLog((e) => log.add([e]));
  keeper.onSettings((s) => {
    settings.load(s);
    localApi.load(s);
  });
  const updateLine = byId('update-line');
  const showUpdate = (line: UpdateLine | null) => {
    setText(updateLine, line?.text ?? '');
    updateLine.className = `update-line tone-${line?.tone ?? 'info'}`;
    updateLine.hidden = line === null;
  };
  keeper.onUpdate?.(showUpdate);
  keeper.onFocusPhone((id) => {
    showView('phones', false);
    cards.focus(id);
  });

  try {
    const [statuses, entries, appSettings, env] = await Promise.all([keeper.getStatuses(), keeper.getLog({ limit: 10_000 }), keeper.getSettings(), keeper.getEnvironment()]);
    for (const s of statuses) cards.update(s);
    log.setPhones(statuses.map((s) => s.phoneId));
    log.add(entries);
    settings.load(appSettings, true);
    localApi.load(appSettings, true);
    settings.showSecrets(env);
    showUpdate(env.update ?? null);
    summary();
  } catch (err) {
    const banner = byId('load-error');
    banner.textContent = `Could not reach the keeper: ${errorText(err)}`;
    banner.hidden = false;
  }
  // Countdowns tick each second; ages and "x min ago" follow from the same tick.
  setInterval(() => cards.tick(), 1000);
  document.body.dataset.ready = 'true';
  performance.mark('keeper-ready');
}

if (typeof window.keeper === 'undefined') {
  const banner = byId('load-error');
  banner.textContent = 'This page must be opened by Session Keeper (window.keeper is missing).';
  banner.hidden = false;
} else {
  void start(window.keeper);
}
