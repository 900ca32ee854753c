// Tiny element builder: text goes in as text nodes (never innerHTML), so nothing from the engine
// or the log can inject markup, and no inline style attribute ever reaches the CSP.
type Child = Node | string | null | false;

export interface ElProps {
  class?: string;
  text?: string;
  attrs?: Record<string, string | boolean>;
  on?: Partial<Record<'click' | 'input' | 'change' | 'keydown' | 'scroll' | 'submit', (ev: Event) => void>>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElProps = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) {
    if (v === false) continue;
    node.setAttribute(k, v === true ? '' : v);
  }
  for (const [ev, fn] of Object.entries(props.on ?? {})) node.addEventListener(ev, fn);
  for (const c of children) if (c !== null && c !== false) node.append(c);
  return node;
}

export function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from index.html`);
  return node as T;
}

/** Sets text only when it changed, so screen readers and layout are not disturbed every tick. */
export function setText(node: Element, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}
