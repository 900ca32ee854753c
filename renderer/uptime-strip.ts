// A phone's 30-day uptime strip: one SVG cell per day, coloured AND patterned by tone (solid,
// stripes, cross-hatch, dots, dashed outline) so it reads without colour; each cell is a link to
// that day's log, named by the day's sentence, which hover or focus also shows. (A link, not a
// button: it goes somewhere, and "reconnected twice" must not answer to the Reconnect button.) The
// sentences and tones come from main's uptime presenter: the page only draws them.
import type { UptimeDayView, UptimeTone, UptimeView } from '../main/presenters/uptime-presenter.js';
import { TONE_WORDS } from '../main/presenters/uptime-presenter.js';
import { el, setText } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const CELL = 16;
const GAP = 3;
const HEIGHT = 32;
const TONES: UptimeTone[] = ['ok', 'degraded', 'outage', 'not-linked', 'none'];
const HINT = 'Hover or focus a day for what happened; click it to see that day in the log.';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** The patterns every strip and legend swatch fills with, defined once per page. */
function ensurePatterns(): void {
  if (document.getElementById('uptime-patterns')) return;
  const root = svg('svg', { id: 'uptime-patterns', width: 0, height: 0, 'aria-hidden': 'true', focusable: 'false' });
  root.classList.add('uptime-defs');
  const defs = svg('defs');
  const pattern = (tone: UptimeTone, draw: (p: SVGPatternElement) => void) => {
    const p = svg('pattern', { id: `uptime-pattern-${tone}`, width: 6, height: 6, patternUnits: 'userSpaceOnUse' });
    const bg = svg('rect', { width: 6, height: 6 });
    bg.classList.add('pattern-bg', `tone-${tone}`);
    p.append(bg);
    draw(p);
    defs.append(p);
  };
  const line = (p: SVGPatternElement, x1: number, y1: number, x2: number, y2: number) => {
    const l = svg('line', { x1, y1, x2, y2 });
    l.classList.add('pattern-ink');
    p.append(l);
  };
  pattern('degraded', (p) => line(p, 0, 6, 6, 0));
  pattern('outage', (p) => {
    line(p, 0, 6, 6, 0);
    line(p, 0, 0, 6, 6);
  });
  pattern('not-linked', (p) => {
    const dot = svg('circle', { cx: 3, cy: 3, r: 1.3 });
    dot.classList.add('pattern-dot');
    p.append(dot);
  });
  root.append(defs);
  document.body.append(root);
}

function swatch(tone: UptimeTone): SVGSVGElement {
  const s = svg('svg', { width: 14, height: 14, viewBox: '0 0 14 14', 'aria-hidden': 'true', focusable: 'false' });
  const r = svg('rect', { x: 1, y: 1, width: 12, height: 12, rx: 2 });
  r.classList.add('uptime-cell', `tone-${tone}`);
  s.append(r);
  return s;
}

export class UptimeStrip {
  readonly root: HTMLElement;
  private readonly strip: SVGSVGElement;
  private readonly detail: HTMLElement;
  private readonly percents: Map<string, HTMLElement> = new Map();
  private cells: SVGRectElement[] = [];
  private days: UptimeDayView[] = [];
  private active = -1;
  private shownKey = '';

  constructor(
    phoneId: string,
    title: string,
    private readonly onDay: (day: UptimeDayView) => void,
  ) {
    ensurePatterns();
    const headingId = `uptime-title-${phoneId}`;
    const dl = el('dl', { class: 'uptime-percents' });
    for (const [key, label] of [['h24', '24 h'], ['d7', '7 d'], ['d30', '30 d']] as const) {
      const value = el('dd', { attrs: { 'data-uptime': key }, text: '…' });
      dl.append(el('div', {}, el('dt', { text: `Uptime ${label}` }), value));
      this.percents.set(key, value);
    }
    this.strip = svg('svg', { class: 'uptime-strip', role: 'group', 'aria-label': `Uptime of ${title} per day, oldest first`, focusable: 'false' });
    this.detail = el('p', { class: 'uptime-detail muted', text: HINT });
    const legend = el('ul', { class: 'uptime-legend', attrs: { 'aria-label': 'Legend' } }, ...TONES.map((t) => el('li', {}, swatch(t), TONE_WORDS[t])));
    this.root = el('section', { class: 'uptime', attrs: { 'aria-labelledby': headingId } }, el('h4', { text: 'Uptime, last 30 days', attrs: { id: headingId } }), dl, this.strip, this.detail, legend);
    this.strip.addEventListener('mouseover', (ev) => this.explain(this.indexOf(ev.target)));
    this.strip.addEventListener('mouseleave', () => this.explain(this.strip.contains(document.activeElement) ? this.active : -1));
    this.strip.addEventListener('focusin', (ev) => {
      this.active = this.indexOf(ev.target);
      this.explain(this.active);
    });
    this.strip.addEventListener('focusout', () => this.explain(-1));
    this.strip.addEventListener('click', (ev) => this.open(this.indexOf(ev.target)));
    this.strip.addEventListener('keydown', (ev) => this.keys(ev));
  }

  show(view: UptimeView): void {
    for (const p of view.percents) {
      const node = this.percents.get(p.key);
      if (node) setText(node, p.text);
    }
    const key = JSON.stringify(view.days);
    if (key === this.shownKey) return;
    this.shownKey = key;
    const hadFocus = this.strip.contains(document.activeElement);
    this.days = view.days;
    const n = view.days.length;
    this.strip.setAttribute('viewBox', `0 0 ${n * (CELL + GAP) - GAP} ${HEIGHT + 8}`);
    this.cells = view.days.map((d, i) => {
      const r = svg('rect', { x: i * (CELL + GAP), y: 0, width: CELL, height: HEIGHT, rx: 2, role: 'link', 'aria-label': d.label, 'data-date': d.date, 'data-tone': d.tone });
      r.classList.add('uptime-cell', `tone-${d.tone}`);
      const tip = svg('title');
      tip.textContent = d.label;
      r.append(tip);
      return r;
    });
    const marks = view.days.flatMap((d, i) => {
      if (!d.flagged) return [];
      // a reconnect, warning or new link that day: a dot under the cell
      const c = svg('circle', { cx: i * (CELL + GAP) + CELL / 2, cy: HEIGHT + 5, r: 2.5, 'aria-hidden': 'true' });
      c.classList.add('uptime-flag');
      return [c];
    });
    this.strip.replaceChildren(...this.cells, ...marks);
    if (this.active < 0 || this.active >= n) this.active = n - 1;
    this.rove(this.active, hadFocus);
  }

  private indexOf(target: EventTarget | null): number {
    return target instanceof SVGRectElement ? this.cells.indexOf(target) : -1;
  }

  private explain(i: number): void {
    setText(this.detail, this.days[i]?.label ?? HINT);
  }

  private open(i: number): void {
    const day = this.days[i];
    if (day) this.onDay(day);
  }

  /** One tab stop for the whole strip; the arrow keys move between days. */
  private rove(i: number, focus: boolean): void {
    this.cells.forEach((c, j) => c.setAttribute('tabindex', j === i ? '0' : '-1'));
    this.active = i;
    if (focus) this.cells[i]?.focus();
  }

  private keys(ev: KeyboardEvent): void {
    const i = this.indexOf(ev.target);
    if (i < 0) return;
    const last = this.cells.length - 1;
    const to: Record<string, number> = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: last };
    if (ev.key === 'Enter' || ev.key === ' ') this.open(i);
    else if (to[ev.key] !== undefined) this.rove(Math.min(last, Math.max(0, to[ev.key] ?? i)), true);
    else return;
    ev.preventDefault();
  }
}
