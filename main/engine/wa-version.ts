// Which WhatsApp Web version the sessions announce. WhatsApp retires old versions and answers
// them with a 405 ("outdated"); the version bundled with Baileys ages with every day it is not
// updated. So the keeper learns the current one the way Baileys' `fetchLatestWaWebVersion` does
// (the `client_revision` in WhatsApp Web's service worker, same headers, same pattern), but from an
// address that can be configured (Baileys' is fixed), caches it on disk with its date, and falls
// back to the newest version it knows when the document cannot be had.
import { DEFAULT_CONNECTION_CONFIG, type WAVersion } from '@whiskeysockets/baileys';
import type { Clock } from './clock.js';
import { readStateFile, writeStateFile } from './state-file.js';

/** Where WhatsApp Web's service worker (which names the current client revision) lives. */
export const WA_VERSION_URL = 'https://web.whatsapp.com/sw.js';

/** The version this build of Baileys was released with. */
export const BUNDLED_WA_VERSION: WAVersion = DEFAULT_CONNECTION_CONFIG.version;

/** Asking for the document must never hold a start up for long. */
export const WA_VERSION_TIMEOUT_MS = 5_000;

/** A start asks again once the cached version is older than this. */
export const WA_VERSION_MAX_AGE_MS = 24 * 60 * 60_000;

const CACHE_FILE = 'wa-web-version.json';

/** The pattern Baileys' `fetchLatestWaWebVersion` reads (rc14, Utils/generics.js). */
const CLIENT_REVISION = /\\?"client_revision\\?":\s*(\d+)/;

export function versionFromDocument(text: string): WAVersion | null {
  const revision = CLIENT_REVISION.exec(text)?.[1];
  return revision ? [2, 3000, Number(revision)] : null;
}

export function compareVersions(a: WAVersion, b: WAVersion): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function versionText(v: WAVersion): string {
  return v.join('.');
}

export interface CachedWaVersion {
  version: WAVersion;
  /** when it was read from the document */
  fetchedAt: number;
  url: string;
}

function isCache(x: unknown): x is Partial<CachedWaVersion> {
  return typeof x === 'object' && x !== null;
}

function validCache(x: Partial<CachedWaVersion>): CachedWaVersion | null {
  const v = x.version;
  const ok = Array.isArray(v) && v.length === 3 && v.every((n) => Number.isInteger(n) && n >= 0);
  return ok && typeof x.fetchedAt === 'number' && typeof x.url === 'string' ? (x as CachedWaVersion) : null;
}

export interface WaVersionOptions {
  /** the version document (default WA_VERSION_URL) */
  url: string;
  /** the keeper's state folder: the cache lives there */
  stateDir: string;
  clock: Clock;
  timeoutMs?: number;
  log: (level: 'info' | 'warn', event: string, message: string, data?: Record<string, unknown>) => void;
}

/** What the sessions ask: the version to announce now, and a fresh look after a 405. */
export interface WaVersionSource {
  current(): WAVersion;
  /** reads the document again; resolves with the version to use from now on */
  refresh(why: 'start' | 'outdated'): Promise<WAVersion>;
}

export class LearnedWaVersion implements WaVersionSource {
  private cache: CachedWaVersion | null = null;

  constructor(private readonly o: WaVersionOptions) {}

  /** The newest version known: the cached one, or Baileys' own if that is newer. */
  current(): WAVersion {
    const cached = this.cache?.version;
    return cached && compareVersions(cached, BUNDLED_WA_VERSION) > 0 ? cached : BUNDLED_WA_VERSION;
  }

  /** At start: the cache, asked again when it is missing or older than a day. */
  async start(): Promise<WAVersion> {
    const { value } = await readStateFile(this.o.stateDir, CACHE_FILE, isCache, {}, this.o.clock.now());
    this.cache = validCache(value);
    const fresh = this.cache !== null && this.cache.url === this.o.url && this.o.clock.now() - this.cache.fetchedAt < WA_VERSION_MAX_AGE_MS;
    return fresh ? this.current() : this.refresh('start');
  }

  async refresh(why: 'start' | 'outdated'): Promise<WAVersion> {
    const { url } = this.o;
    try {
      const res = await fetch(url, {
        headers: {
          'sec-fetch-site': 'none',
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
        },
        signal: AbortSignal.timeout(this.o.timeoutMs ?? WA_VERSION_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const version = versionFromDocument(await res.text());
      if (!version) throw new Error('no client_revision in the document');
      this.cache = { version, fetchedAt: this.o.clock.now(), url };
      this.o.log('info', 'wa-version.learned', `Current WhatsApp Web version: ${versionText(version)} (asked at ${why}).`, { version: versionText(version), url });
      await writeStateFile(this.o.stateDir, CACHE_FILE, this.cache).catch((err: unknown) => {
        this.o.log('warn', 'wa-version.cache', `Could not cache the WhatsApp Web version: ${(err as Error).message}`);
      });
    } catch (err) {
      const cause = (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      this.o.log('warn', 'wa-version.unavailable', `Could not learn the current WhatsApp Web version from ${url} (${cause}); using the newest known, ${versionText(this.current())}.`, { url });
    }
    return this.current();
  }
}
