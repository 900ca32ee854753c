// Paints a pairing QR onto a canvas: black modules on white with the 4-module quiet zone the
// spec asks for, whole device pixels per module (no blur), big enough to scan across a desk, and
// never wider than the panel it sits in (a 320 px window at 200 % zoom): when the panel narrows,
// the code is repainted with smaller whole-pixel modules instead of being cut off or blurred.
import QRCode from 'qrcode';

const QUIET = 4;
/** Below this many device pixels per module the canvas is only scaled down by CSS (max-width). */
const MIN_MODULE_PX = 2;

interface Painted {
  text: string;
  maxCssSize: number;
  scale: number;
}

const painted = new WeakMap<HTMLCanvasElement, Painted>();
const canvasOfPanel = new WeakMap<Element, HTMLCanvasElement>();
let panelWatcher: ResizeObserver | null = null;

export function drawQr(canvas: HTMLCanvasElement, text: string, maxCssSize = 320): void {
  paint(canvas, text, maxCssSize, true);
  const panel = canvas.parentElement?.parentElement;
  if (panel && canvasOfPanel.get(panel) !== canvas) {
    canvasOfPanel.set(panel, canvas);
    panelWatcher ??= new ResizeObserver((entries) => {
      for (const e of entries) {
        const c = canvasOfPanel.get(e.target);
        const last = c && painted.get(c);
        if (c && last) paint(c, last.text, last.maxCssSize, false);
      }
    });
    panelWatcher.observe(panel);
  }
}

/** The CSS width the code may take: its panel's content box less the frame's padding and border (null while not laid out). */
function room(canvas: HTMLCanvasElement): number | null {
  const frame = canvas.parentElement;
  const panel = frame?.parentElement;
  if (!frame || !panel || panel.clientWidth === 0) return null;
  const p = getComputedStyle(panel);
  const f = getComputedStyle(frame);
  const px = (v: string) => parseFloat(v) || 0;
  return panel.clientWidth - px(p.paddingLeft) - px(p.paddingRight) - px(f.paddingLeft) - px(f.paddingRight) - px(f.borderLeftWidth) - px(f.borderRightWidth);
}

function paint(canvas: HTMLCanvasElement, text: string, maxCssSize: number, force: boolean): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const cells = modules.size + 2 * QUIET;
  const dpr = Math.max(1, Math.round(window.devicePixelRatio || 1));
  const cssSize = Math.min(maxCssSize, room(canvas) ?? maxCssSize);
  const scale = Math.max(MIN_MODULE_PX, Math.floor((cssSize * dpr) / cells));
  if (!force && painted.get(canvas)?.scale === scale) return;
  painted.set(canvas, { text, maxCssSize, scale });
  const px = cells * scale;
  canvas.width = px;
  canvas.height = px;
  // width only: styles.css caps it at 100 % and keeps the square (height: auto)
  canvas.style.width = `${px / dpr}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, px, px);
  ctx.fillStyle = '#000000';
  for (let r = 0; r < modules.size; r++) {
    for (let c = 0; c < modules.size; c++) {
      if (modules.get(r, c)) ctx.fillRect((c + QUIET) * scale, (r + QUIET) * scale, scale, scale);
    }
  }
}
