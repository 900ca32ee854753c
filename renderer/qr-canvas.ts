// Paints a pairing QR onto a canvas: black modules on white with the 4-module quiet zone the
// spec asks for, whole device pixels per module (no blur), big enough to scan across a desk.
import QRCode from 'qrcode';

const QUIET = 4;

export function drawQr(canvas: HTMLCanvasElement, text: string, cssSize = 320): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const cells = modules.size + 2 * QUIET;
  const dpr = Math.max(1, Math.round(window.devicePixelRatio || 1));
  const scale = Math.max(2, Math.floor((cssSize * dpr) / cells));
  const px = cells * scale;
  canvas.width = px;
  canvas.height = px;
  canvas.style.width = `${px / dpr}px`;
  canvas.style.height = `${px / dpr}px`;
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
