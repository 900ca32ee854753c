// The live log: entries kept oldest first (cheap appends, capped), shown newest first through a
// windowed list: a spacer as tall as every row, and only the rows in view in the DOM, each at a
// fixed height so the scroll maths is one division (view-model/log-window.ts). The height comes
// from styles.css (--log-row-height): a narrow window gives each row two lines instead of one.
import type { KeeperApi } from '../main/ipc/contract.js';
import type { LogEntry, LogLevel } from '../main/engine/types.js';
import { byId, el, setText } from './dom.js';
import { errorText } from './view-model/error-text.js';
import { appendCapped, filterLog, logText, NO_FILTER, phoneChoices, visibleRows, type LogFilter } from './view-model/log-window.js';
import { isoText } from '../main/presenters/durations.js';

export class LogView {
  private readonly entries: LogEntry[] = [];
  private shown: LogEntry[] = [];
  private filter: LogFilter = { ...NO_FILTER };
  private readonly phoneIds = new Set<string>();
  private refilterQueued = false;
  private drawQueued = false;
  private rowHeight = 0;
  private readonly viewport = byId<HTMLDivElement>('log-viewport');
  private readonly spacer = byId<HTMLDivElement>('log-spacer');
  private readonly rows = byId<HTMLDivElement>('log-rows');
  private readonly count = byId<HTMLParagraphElement>('log-count');
  /** Copy's and Export's outcome, apart from the count, which every new entry rewrites. */
  private readonly result = byId<HTMLParagraphElement>('log-result');
  private readonly phoneSelect = byId<HTMLSelectElement>('log-phone');

  constructor(private readonly keeper: KeeperApi) {
    this.viewport.addEventListener('scroll', () => this.queueDraw(), { passive: true });
    new ResizeObserver(() => {
      this.rowHeight = 0; // a resize may cross the narrow-window breakpoint: read the height again
      this.queueDraw();
    }).observe(this.viewport);
    this.phoneSelect.addEventListener('change', () => this.setFilter({ phone: this.phoneSelect.value }));
    const level = byId<HTMLSelectElement>('log-level');
    level.addEventListener('change', () => this.setFilter({ level: level.value as LogLevel | 'all' }));
    const text = byId<HTMLInputElement>('log-text');
    text.addEventListener('input', () => this.setFilter({ text: text.value }));
    byId('log-day-clear').addEventListener('click', () => this.showDay(null));
    byId('log-copy').addEventListener('click', () => void this.copy());
    byId('log-export').addEventListener('click', () => void this.export());
    this.viewport.addEventListener('keydown', (ev) => this.keys(ev));
  }

  setPhones(ids: Iterable<string>): void {
    let changed = false;
    for (const id of ids) {
      if (this.phoneIds.has(id)) continue;
      this.phoneIds.add(id);
      changed = true;
    }
    if (!changed && this.phoneSelect.options.length > 0) return;
    const current = this.phoneSelect.value || 'all';
    this.phoneSelect.replaceChildren(...phoneChoices(this.phoneIds).map((c) => el('option', { text: c.label, attrs: { value: c.value } })));
    this.phoneSelect.value = current;
  }

  /** Shows one phone's entries of one day (an uptime strip cell), or every day again (null). */
  showDay(target: { phoneId: string; start: number; end: number; title: string } | null): void {
    const bar = byId('log-day');
    bar.hidden = target === null;
    if (target === null) {
      this.setFilter({ day: null });
      return;
    }
    this.setPhones([target.phoneId]);
    this.phoneSelect.value = target.phoneId;
    setText(byId('log-day-text'), `Showing ${target.phoneId} on ${target.title} only (the entries this window holds).`);
    this.setFilter({ phone: target.phoneId, day: { start: target.start, end: target.end, title: target.title } });
  }

  add(batch: readonly LogEntry[]): void {
    appendCapped(this.entries, batch);
    this.setPhones(batch.flatMap((e) => (e.phoneId === null ? [] : [e.phoneId])));
    this.queueRefilter();
  }

  private setFilter(part: Partial<LogFilter>): void {
    this.filter = { ...this.filter, ...part };
    this.queueRefilter();
  }

  // Live entries can arrive in bursts: filter and draw at most once per frame.
  private queueRefilter(): void {
    if (this.refilterQueued) return;
    this.refilterQueued = true;
    requestAnimationFrame(() => {
      this.refilterQueued = false;
      const start = performance.now();
      this.shown = filterLog(this.entries, this.filter);
      setText(this.count, `${this.shown.length.toLocaleString('en')} of ${this.entries.length.toLocaleString('en')} entries`);
      this.draw();
      // one timing entry, replaced each time (the timeline buffer is not capped), for the benchmark
      performance.clearMeasures('log-render');
      performance.measure('log-render', { start, end: performance.now(), detail: { shown: this.shown.length, total: this.entries.length } });
    });
  }

  private queueDraw(): void {
    if (this.drawQueued) return;
    this.drawQueued = true;
    requestAnimationFrame(() => {
      this.drawQueued = false;
      this.draw();
    });
  }

  /** One row's height in CSS px, as styles.css sets it for the current window width. */
  private rowPx(): number {
    if (this.rowHeight <= 0) this.rowHeight = parseFloat(getComputedStyle(this.viewport).getPropertyValue('--log-row-height')) || 26;
    return this.rowHeight;
  }

  private draw(): void {
    const w = visibleRows({ total: this.shown.length, rowHeight: this.rowPx(), scrollTop: this.viewport.scrollTop, viewportHeight: this.viewport.clientHeight });
    this.spacer.style.height = `${w.totalHeight}px`;
    this.rows.style.transform = `translateY(${w.offsetTop}px)`;
    const nodes: HTMLElement[] = [];
    for (let i = w.start; i < w.end; i++) {
      const e = this.shown[i];
      if (e) nodes.push(this.row(e, i));
    }
    this.rows.replaceChildren(...nodes);
  }

  private row(e: LogEntry, index: number): HTMLElement {
    return el(
      'div',
      { class: `log-row level-${e.level}`, attrs: { role: 'listitem', 'aria-setsize': String(this.shown.length), 'aria-posinset': String(index + 1), title: `${e.event}: ${e.message}` } },
      el('span', { class: 'log-time', text: isoText(e.at) }),
      el('span', { class: 'log-level', text: e.level }),
      el('span', { class: 'log-phone', text: e.phoneId ?? 'app' }),
      el('span', { class: 'log-message', text: e.message }),
    );
  }

  private keys(ev: KeyboardEvent): void {
    const row = this.rowPx();
    const page = this.viewport.clientHeight - row;
    const by: Record<string, number> = { ArrowDown: row, ArrowUp: -row, PageDown: page, PageUp: -page };
    if (ev.key === 'Home') this.viewport.scrollTop = 0;
    else if (ev.key === 'End') this.viewport.scrollTop = this.viewport.scrollHeight;
    else if (by[ev.key] !== undefined) this.viewport.scrollTop += by[ev.key] ?? 0;
    else return;
    ev.preventDefault();
  }

  private async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(logText(this.shown));
      this.report(`Copied ${this.shown.length.toLocaleString('en')} entries.`);
    } catch (err) {
      this.report(`Could not copy the log (${errorText(err)}). Use Export… to save it to a file instead.`, true);
    }
  }

  private async export(): Promise<void> {
    try {
      const phone = this.filter.phone === 'all' ? undefined : this.filter.phone === 'app' ? null : this.filter.phone;
      const path = await this.keeper.exportLog(phone);
      this.report(path === null ? 'Export cancelled.' : `Log saved to ${path}`);
    } catch (err) {
      this.report(`Could not export the log: ${errorText(err)}`, true);
    }
  }

  private report(text: string, bad = false): void {
    this.result.textContent = text;
    this.result.classList.toggle('tone-bad', bad);
  }
}
