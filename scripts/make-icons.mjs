// Draws every icon the app ships (tray per health, app icon in PNG/ICO/ICNS) from a few shapes,
// in pure Node, so anyone can regenerate them with `npm run icons` and no image tool installed.
// Shapes are signed distance functions: one edge formula gives anti-aliasing at every size.
//
// Tray: a chat bubble with a status badge at the bottom right. The badge differs in SHAPE as well
// as colour (ok ●, attention ▲, broken ✕, paused ❚❚) so the state reads in a monochrome macOS menu
// bar and for colour-blind users. macOS template images are black + alpha only (the system
// recolours them); a transparent gap separates badge from bubble so they never merge at 16 px.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// `--out <dir>` draws elsewhere: the test compares a fresh drawing with the committed files.
const outFlag = process.argv.indexOf('--out');
const build = outFlag > 0 && process.argv[outFlag + 1] ? process.argv[outFlag + 1] : join(root, 'build');

// ---- shapes (signed distance: < 0 inside, in design units) ----------------------------------

const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) - r;

const roundRect = (x0, y0, x1, y1, r) => {
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, hw = (x1 - x0) / 2, hh = (y1 - y0) / 2;
  return (x, y) => {
    const qx = Math.abs(x - cx) - hw + r, qy = Math.abs(y - cy) - hh + r;
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
  };
};

const capsule = (ax, ay, bx, by, r) => (x, y) => {
  const pax = x - ax, pay = y - ay, bax = bx - ax, bay = by - ay;
  const h = Math.min(1, Math.max(0, (pax * bax + pay * bay) / (bax * bax + bay * bay)));
  return Math.hypot(pax - bax * h, pay - bay * h) - r;
};

// Exact distance to a simple polygon (winding test for the sign).
const polygon = (pts) => (x, y) => {
  let d = Infinity, inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i], [xj, yj] = pts[j];
    const ex = xj - xi, ey = yj - yi, wx = x - xi, wy = y - yi;
    const h = Math.min(1, Math.max(0, (wx * ex + wy * ey) / (ex * ex + ey * ey)));
    d = Math.min(d, Math.hypot(wx - ex * h, wy - ey * h));
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside ? -d : d;
};

const union = (...fs) => (x, y) => Math.min(...fs.map((f) => f(x, y)));
const grow = (f, k) => (x, y) => f(x, y) - k;

// ---- raster -----------------------------------------------------------------------------------

/**
 * Paints layers onto a size×size canvas. A layer is { sdf, color: [r,g,b,a] | (x,y) => [r,g,b,a] }
 * (source-over) or { sdf, clear: true } (punches a transparent hole). Design units span `grid`.
 * Returns straight (non-premultiplied) RGBA bytes.
 */
function render(size, grid, layers) {
  const s = size / grid;
  const px = new Float64Array(size * size * 4); // premultiplied
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = (x + 0.5) / s, dy = (y + 0.5) / s;
      const i = (y * size + x) * 4;
      for (const layer of layers) {
        const cov = Math.min(1, Math.max(0, 0.5 - layer.sdf(dx, dy) * s));
        if (cov === 0) continue;
        if (layer.clear) {
          for (let c = 0; c < 4; c++) px[i + c] *= 1 - cov;
          continue;
        }
        const [r, g, b, a] = typeof layer.color === 'function' ? layer.color(dx, dy) : layer.color;
        const sa = (a / 255) * cov;
        px[i] = (r / 255) * sa + px[i] * (1 - sa);
        px[i + 1] = (g / 255) * sa + px[i + 1] * (1 - sa);
        px[i + 2] = (b / 255) * sa + px[i + 2] * (1 - sa);
        px[i + 3] = sa + px[i + 3] * (1 - sa);
      }
    }
  }
  const out = Buffer.alloc(size * size * 4);
  for (let i = 0; i < out.length; i += 4) {
    const a = px[i + 3];
    out[i + 3] = Math.round(a * 255);
    for (let c = 0; c < 3; c++) out[i + c] = a === 0 ? 0 : Math.round(Math.min(1, px[i + c] / a) * 255);
  }
  return out;
}

// ---- PNG / ICO / ICNS containers ----------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1)); // filter byte 0 (None) per row
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// 32-bit BMP (DIB) entry: small sizes as BMP because older Windows shells and some installer
// tools read only BMP entries; 256 as PNG (Vista+), which keeps the file small.
function icoBmp(size, rgba) {
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8); // XOR + AND masks
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  const maskStride = Math.ceil(size / 32) * 4;
  const pixels = Buffer.alloc(size * size * 4);
  const mask = Buffer.alloc(maskStride * size);
  for (let y = 0; y < size; y++) {
    const row = size - 1 - y; // bottom-up
    for (let x = 0; x < size; x++) {
      const s = (y * size + x) * 4, d = (row * size + x) * 4;
      pixels[d] = rgba[s + 2];
      pixels[d + 1] = rgba[s + 1];
      pixels[d + 2] = rgba[s];
      pixels[d + 3] = rgba[s + 3];
      if (rgba[s + 3] === 0) mask[row * maskStride + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  header.writeUInt32LE(pixels.length + mask.length, 20);
  return Buffer.concat([header, pixels, mask]);
}

function ico(images) {
  const dir = Buffer.alloc(6 + 16 * images.length);
  dir.writeUInt16LE(1, 2); // type: icon
  dir.writeUInt16LE(images.length, 4);
  let offset = dir.length;
  images.forEach(({ size, data }, i) => {
    const e = 6 + 16 * i;
    dir[e] = size >= 256 ? 0 : size; // 0 means 256
    dir[e + 1] = size >= 256 ? 0 : size;
    dir.writeUInt16LE(1, e + 4); // planes
    dir.writeUInt16LE(32, e + 6); // bits per pixel
    dir.writeUInt32LE(data.length, e + 8);
    dir.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([dir, ...images.map((i) => i.data)]);
}

// Only PNG-bearing types (macOS 10.7+): 1x 16/32 are left to the system's downscale of the @2x
// entries rather than risk the less-documented icp4/icp5 or the RLE ARGB types.
function icns(entries) {
  const parts = entries.map(({ type, data }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

// ---- designs ------------------------------------------------------------------------------------

const HEALTH = {
  ok: [34, 197, 94, 255], // green
  attention: [245, 158, 11, 255], // amber
  broken: [239, 68, 68, 255], // red
  paused: [148, 163, 184, 255], // grey
};
const BUBBLE = [59, 130, 246, 255]; // blue: reads on light and dark panels alike
const BLACK = [0, 0, 0, 255];

// Tray, on a 16-unit grid (1 unit = 1 px at 16×16): edges sit on pixel boundaries where possible.
const trayBubble = union(roundRect(1, 1, 15, 11, 4), polygon([[3, 9], [7, 9], [1.5, 15]]));
const trayBadge = {
  ok: circle(12, 12, 4),
  attention: grow(polygon([[12, 8.8], [15.5, 15.5], [8.5, 15.5]]), 0.5),
  broken: union(capsule(9.5, 9.5, 14.5, 14.5, 1.3), capsule(14.5, 9.5, 9.5, 14.5, 1.3)),
  paused: union(roundRect(9, 9, 11, 16, 0.4), roundRect(13, 9, 15, 16, 0.4)),
};

function trayLayers(health, template) {
  const badge = trayBadge[health];
  return [
    { sdf: trayBubble, color: template ? BLACK : BUBBLE },
    { sdf: grow(badge, 1), clear: true },
    { sdf: badge, color: template ? BLACK : HEALTH[health] },
  ];
}

// App icon, on a 1024-unit grid: a blue tile, a white chat bubble holding a phone, a green dot.
const TOP = [96, 165, 250], BOTTOM = [37, 99, 235];
const tileGradient = (_x, y) => {
  const t = Math.min(1, Math.max(0, (y - 100) / 824));
  return [...TOP.map((c, i) => c + (BOTTOM[i] - c) * t), 255];
};
const WHITE = [255, 255, 255, 255];
const PHONE = [37, 99, 235, 255];

function appLayers(size) {
  // Small sizes fill the square (Linux panels, Windows title bars); large ones keep the macOS
  // margin. Below 48 px the phone inside the bubble would be mush, so it is left out.
  const m = size <= 32 ? 24 : 100;
  const layers = [
    { sdf: roundRect(m, m, 1024 - m, 1024 - m, size <= 32 ? 200 : 185), color: tileGradient },
    {
      sdf: union(roundRect(210, 230, 814, 690, 150), polygon([[290, 600], [480, 600], [230, 830]])),
      color: WHITE,
    },
  ];
  if (size >= 48) {
    layers.push(
      { sdf: roundRect(420, 290, 604, 630, 38), color: PHONE },
      { sdf: roundRect(442, 330, 582, 560, 10), color: WHITE },
      { sdf: circle(512, 595, 17), color: WHITE },
    );
  }
  layers.push(
    { sdf: circle(770, 740, size <= 32 ? 175 : 150), color: WHITE },
    { sdf: circle(770, 740, size <= 32 ? 135 : 112), color: HEALTH.ok },
  );
  return layers;
}

// ---- write ----------------------------------------------------------------------------------------

function write(rel, data) {
  const file = join(build, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data);
  return rel;
}

const written = [];
for (const health of Object.keys(HEALTH)) {
  for (const [suffix, size] of [['', 16], ['@2x', 32]]) {
    written.push(write(`tray/${health}${suffix}.png`, png(size, render(size, 16, trayLayers(health, false)))));
    written.push(write(`tray/${health}Template${suffix}.png`, png(size, render(size, 16, trayLayers(health, true)))));
  }
}

const app = new Map();
const appPixels = (size) => {
  if (!app.has(size)) app.set(size, render(size, 1024, appLayers(size)));
  return app.get(size);
};
written.push(write('icon.png', png(512, appPixels(512))));
for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
  written.push(write(`icons/${size}x${size}.png`, png(size, appPixels(size))));
}
written.push(write('icon.ico', ico([
  ...[16, 32, 48].map((size) => ({ size, data: icoBmp(size, appPixels(size)) })),
  { size: 256, data: png(256, appPixels(256)) },
])));
written.push(write('icon.icns', icns([
  ['ic11', 32], ['ic12', 64], ['ic07', 128], ['ic13', 256], ['ic08', 256], ['ic14', 512], ['ic09', 512], ['ic10', 1024],
].map(([type, size]) => ({ type, data: png(size, appPixels(size)) })))));

console.log(`wrote ${written.length} files under ${build}`);
