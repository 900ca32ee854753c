// The icons as the OS reads them: real files under build/, decoded pixel by pixel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { decodePng, isPng, type Png } from '../support/png.js';
import { repoRoot } from '../support/repo-root.js';

const root = repoRoot();
const build = join(root, 'build');
const HEALTHS = ['ok', 'attention', 'broken', 'paused'] as const;
const HEALTH_RGB: Record<(typeof HEALTHS)[number], [number, number, number]> = {
  ok: [34, 197, 94],
  attention: [245, 158, 11],
  broken: [239, 68, 68],
  paused: [148, 163, 184],
};

async function png(rel: string): Promise<Png> {
  return decodePng(await readFile(join(build, rel)));
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

function opaquePixels(img: Png): number {
  let n = 0;
  for (let i = 3; i < img.rgba.length; i += 4) if ((img.rgba[i] ?? 0) > 0) n++;
  return n;
}

test('the committed icons are exactly what scripts/make-icons.mjs draws', async () => {
  const out = await mkdtemp(join(tmpdir(), 'sk-icons-'));
  try {
    await promisify(execFile)(process.execPath, [join(root, 'scripts', 'make-icons.mjs'), '--out', out]);
    const fresh = await listFiles(out);
    assert.deepEqual(await listFiles(build), fresh, 'build/ holds the same files the generator writes');
    for (const rel of fresh) {
      assert.ok((await readFile(join(out, rel))).equals(await readFile(join(build, rel))), `${rel} is stale: run npm run icons`);
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('every health has a 16 px tray icon, a 32 px @2x one and macOS template images of the same sizes', async () => {
  for (const h of HEALTHS) {
    for (const [suffix, size] of [['', 16], ['@2x', 32]] as const) {
      for (const name of [`${h}${suffix}.png`, `${h}Template${suffix}.png`]) {
        const img = await png(`tray/${name}`);
        assert.equal(img.width, size, name);
        assert.equal(img.height, size, name);
        assert.ok(opaquePixels(img) > size * size * 0.3, `${name} is not mostly empty`);
      }
    }
  }
});

test('macOS template images are black and alpha only, as the menu bar requires to recolour them', async () => {
  for (const h of HEALTHS) {
    for (const name of [`${h}Template.png`, `${h}Template@2x.png`]) {
      const { rgba } = await png(`tray/${name}`);
      for (let i = 0; i < rgba.length; i += 4) {
        assert.deepEqual([rgba[i], rgba[i + 1], rgba[i + 2]], [0, 0, 0], `${name} pixel ${i / 4} is not black`);
      }
    }
  }
});

test('the four states differ by shape, so even the monochrome 16 px template icons tell them apart', async () => {
  const alphas = await Promise.all(HEALTHS.map(async (h) => {
    const { rgba } = await png(`tray/${h}Template.png`);
    return Array.from({ length: rgba.length / 4 }, (_, i) => rgba[i * 4 + 3] ?? 0);
  }));
  for (let a = 0; a < HEALTHS.length; a++) {
    for (let b = a + 1; b < HEALTHS.length; b++) {
      const differing = alphas[a]?.filter((v, i) => Math.abs(v - (alphas[b]?.[i] ?? 0)) > 128).length ?? 0;
      assert.ok(differing >= 6, `${HEALTHS[a]} and ${HEALTHS[b]} differ in only ${differing} pixels`);
    }
  }
});

test('each colour tray icon shows its health colour in the status badge and no other health colour', async () => {
  for (const h of HEALTHS) {
    const { rgba } = await png(`tray/${h}.png`);
    const count = (rgb: [number, number, number]) => {
      let n = 0;
      for (let i = 0; i < rgba.length; i += 4) {
        if ((rgba[i + 3] ?? 0) === 255 && rgb.every((c, k) => Math.abs((rgba[i + k] ?? 0) - c) <= 2)) n++;
      }
      return n;
    };
    for (const other of HEALTHS) {
      if (other === h) assert.ok(count(HEALTH_RGB[other]) >= 8, `${h}.png shows its colour`);
      else assert.equal(count(HEALTH_RGB[other]), 0, `${h}.png shows no ${other} colour`);
    }
  }
});

test('the Linux icon set and icon.png are square PNGs of the size their names say', async () => {
  const main = await png('icon.png');
  assert.deepEqual([main.width, main.height], [512, 512]);
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
    const img = await png(`icons/${size}x${size}.png`);
    assert.deepEqual([img.width, img.height], [size, size]);
  }
});

test('icon.ico holds 16, 32 and 48 px 32-bit bitmaps and a 256 px PNG, each where the directory says', async () => {
  const ico = await readFile(join(build, 'icon.ico'));
  assert.equal(ico.readUInt16LE(0), 0);
  assert.equal(ico.readUInt16LE(2), 1, 'type 1 = icon');
  const count = ico.readUInt16LE(4);
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const e = 6 + 16 * i;
    const size = ico[e] === 0 ? 256 : (ico[e] ?? -1);
    const length = ico.readUInt32LE(e + 8);
    const offset = ico.readUInt32LE(e + 12);
    assert.equal(ico.readUInt16LE(e + 6), 32, 'bits per pixel');
    const data = ico.subarray(offset, offset + length);
    assert.equal(data.length, length, `entry ${size} lies inside the file`);
    if (isPng(data)) {
      const img = decodePng(data);
      assert.deepEqual([img.width, img.height], [size, size]);
    } else {
      assert.equal(data.readUInt32LE(0), 40, 'BITMAPINFOHEADER');
      assert.equal(data.readInt32LE(4), size);
      assert.equal(data.readInt32LE(8), size * 2, 'height counts colour + mask');
      const maskStride = Math.ceil(size / 32) * 4;
      assert.equal(length, 40 + size * size * 4 + maskStride * size);
    }
    sizes.push(size);
  }
  assert.deepEqual(sizes, [16, 32, 48, 256]);
});

test('icon.icns is a well-formed container whose PNG entries have the sizes their types stand for', async () => {
  const icns = await readFile(join(build, 'icon.icns'));
  assert.equal(icns.toString('ascii', 0, 4), 'icns');
  assert.equal(icns.readUInt32BE(4), icns.length);
  const SIZE: Record<string, number> = { ic11: 32, ic12: 64, ic07: 128, ic13: 256, ic08: 256, ic14: 512, ic09: 512, ic10: 1024 };
  const seen: string[] = [];
  for (let off = 8; off < icns.length;) {
    const type = icns.toString('ascii', off, off + 4);
    const len = icns.readUInt32BE(off + 4);
    assert.ok(len > 8 && off + len <= icns.length, `${type} lies inside the file`);
    const img = decodePng(icns.subarray(off + 8, off + len));
    assert.equal(img.width, SIZE[type], type);
    seen.push(type);
    off += len;
  }
  assert.deepEqual(seen.sort(), Object.keys(SIZE).sort());
});
