// The live log: entries kept oldest first (cheap appends, capped), shown newest first through a
// windowed list: a spacer as tall as every row, and only the rows in view in the DOM, each at a
// fixed height so the scroll maths is one division (view-model/log-window.ts).
import type { KeeperApi } from '../main/ipc/contract.js';
import type { LogEntry, LogLevel } from '../main/engine/types.js';
import { byId, el, setText } from './dom.js';
import { errorText } from './view-model/error-text.js';
import { appendCapped, filterLog, logText, NO_FILTER, phoneChoices, visibleRows, type LogFilter } from './view-model/log-window.js';
import { isoText } from './view-model/time-text.js';

/** Must match .log-row's height in styles.css. */
export const ROW_HEIGHT = 26;

export class LogView {
  private readonly entries: LogEntry[] = [];
  private shown: LogEntry[] = [];
  private filter: LogFilter = { ...NO_FILTER };
  private readonly phoneIds = new Set<string>();
  private refilterQueued = false;
  private drawQueued = false;
  private readonly viewport = byId<HTMLDivElement>('log-viewport');
  private readonly spacer = byId<HTMLDivElement>('log-spacer');
  private readonly rows = byId<HTMLDivElement>('log-rows');
  private readonly count = byId<HTMLParagraphElement>('log-count');
  private readonly phoneSelect = byId<HTMLSelectElement>('log-phone');

  constructor(private readonly keeper: KeeperApi) {
    this.viewport.addEventListener('scroll', () => this.queueDraw(), { passive: true });
    new ResizeObserver(() => this.queueDraw()).observe(this.viewport);
    this.phoneSelect.addEventListener('change', () => this.setFilter({ phone: this.phoneSelect.value }));
    const level = byId<HTMLSelectElement>('log-level');
    level.addEventListener('change', () => this.setFilter({ level: level.value as LogLevel | 'all' }));
    const text = byId<HTMLInputElement>('log-text');
    text.addEventListener('input', () => this.setFilter({ text: text.value }));
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

  private draw(): void {
    const w = visibleRows({ total: this.shown.length, rowHeight: ROW_HEIGHT, scrollTop: this.viewport.scrollTop, viewportHeight: this.viewport.clientHeight });
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
    const page = this.viewport.clientHeight - ROW_HEIGHT;
    const by: Record<string, number> = { ArrowDown: ROW_HEIGHT, ArrowUp: -ROW_HEIGHT, PageDown: page, PageUp: -page };
    if (ev.key === 'Home') this.viewport.scrollTop = 0;
    else if (ev.key === 'End') this.viewport.scrollTop = this.viewport.scrollHeight;
    else if (by[ev.key] !== undefined) this.viewport.scrollTop += by[ev.key] ?? 0;
    else return;
    ev.preventDefault();
  }

  private async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(logText(this.shown));
      setText(this.count, `Copied ${this.shown.length.toLocaleString('en')} entries.`);
    } catch (err) {
      setText(this.count, `Could not copy: ${errorText(err)}`);
    }
  }

  private async export(): Promise<void> {
    try {
      const phone = this.filter.phone === 'all' ? undefined : this.filter.phone === 'app' ? null : this.filter.phone;
      const path = await this.keeper.exportLog(phone);
      setText(this.count, path === null ? 'Export cancelled.' : `Log saved to ${path}`);
    } catch (err) {
      setText(this.count, `Could not export: ${errorText(err)}`);
    }
  }
}
