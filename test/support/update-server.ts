// A generic update server as electron-updater's generic provider expects one (electron-builder
// publishes the same files): latest*.yml naming the release file with its sha512 and size, and the
// file itself. Tests change what it offers between checks, and can make latest.yml lie.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Release {
  version: string;
  bytes: Buffer;
  /** what latest-linux.yml claims; the release's own sha512 unless a test lies */
  sha512?: string;
}

export const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('base64');
/** A release that is a shell script: installing it (an AppImage install runs the new file) writes `marker`. */
export const fakeRelease = (version: string, marker: string) => Buffer.from(`#!/bin/sh\necho "installed ${version} silent=$APPIMAGE_SILENT_INSTALL" > '${marker}'\n`);

/** A generic update server: latest*.yml describes `release`; the release file is served as published. */
export async function updateServer(release: () => Release): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const r = release();
    const file = `Session-Keeper-${r.version}.AppImage`;
    if (/^\/updates\/latest[\w-]*\.yml$/.test(path)) {
      const sum = r.sha512 ?? sha512(r.bytes);
      res.setHeader('content-type', 'text/yaml');
      res.end(`version: ${r.version}\nfiles:\n  - url: ${file}\n    sha512: ${sum}\n    size: ${r.bytes.length}\npath: ${file}\nsha512: ${sum}\nreleaseDate: '2026-12-01T00:00:00.000Z'\n`);
    } else if (path === `/updates/${file}`) {
      res.setHeader('content-length', String(r.bytes.length));
      res.end(r.bytes);
    } else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/updates`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
