// Reads a QR code back off a terminal: turns the half-block art that `qrcode` draws
// ('█' both halves dark, '▀' top, '▄' bottom) into pixels and lets jsQR scan them, so a test
// proves the printed code really scans.
import jsQRModule from 'jsqr';

// jsqr is CommonJS built from ES modules: under NodeNext its default export is the namespace.
type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = (jsQRModule as unknown as { default: JsQr }).default;

const ANSI = /\u001b\[[0-9;]*m/g;

export function terminalArtToModules(art: string): boolean[][] {
  const rows: boolean[][] = [];
  for (const raw of art.split('\n')) {
    // qrcode draws the bottom quiet zone as white-on-default '▀': light, not dark modules
    if (raw.includes('\u001b[37m')) continue;
    const line = raw.replace(ANSI, '');
    if (!/[█▀▄]/.test(line) && line.trim() !== '') continue;
    if (line === '') continue;
    const top: boolean[] = [];
    const bottom: boolean[] = [];
    for (const ch of line) {
      top.push(ch === '█' || ch === '▀');
      bottom.push(ch === '█' || ch === '▄');
    }
    rows.push(top, bottom);
  }
  return rows;
}

export function decodeTerminalQr(art: string, scale = 6): string | null {
  const modules = terminalArtToModules(art);
  const height = modules.length;
  const width = Math.max(0, ...modules.map((r) => r.length));
  if (height === 0 || width === 0) return null;
  const margin = 4;
  const w = (width + 2 * margin) * scale;
  const h = (height + 2 * margin) * scale;
  const data = new Uint8ClampedArray(w * h * 4).fill(255);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!modules[y]?.[x]) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const i = (((y + margin) * scale + dy) * w + (x + margin) * scale + dx) * 4;
          data[i] = data[i + 1] = data[i + 2] = 0;
        }
      }
    }
  }
  return jsQR(data, w, h)?.data ?? null;
}
