// Settings → Local API, as data: the form's values become the settings' `api` section (checked
// with the same schema main saves with), and the API state becomes sentences. Pure.
import type { LocalApiState } from '../../main/ipc/contract.js';
import { parseAppSettings, type AppSettings } from '../../main/settings/schema.js';

export interface LocalApiFormValues {
  enabled: boolean;
  port: string;
  webhooks: { id: string; url: string }[];
}

export function apiFormFromSettings(s: AppSettings): LocalApiFormValues {
  const api = s.api ?? { enabled: false, port: 8787, webhooks: [] };
  return { enabled: api.enabled, port: String(api.port), webhooks: api.webhooks.map((w) => ({ ...w })) };
}

/** The whole settings with this `api` section, or the problems in words. */
export function validateApiForm(v: LocalApiFormValues, base: AppSettings): { ok: true; settings: AppSettings } | { ok: false; problems: string[] } {
  const port = /^\d+$/.test(v.port.trim()) ? Number(v.port.trim()) : v.port;
  // spread first: settings this form does not show (the inbox keep period) stay as they are
  const r = parseAppSettings({ ...base, api: { ...base.api, enabled: v.enabled, port, webhooks: v.webhooks.map((w) => ({ id: w.id, url: w.url.trim() })) } });
  if (r.ok) return { ok: true, settings: r.settings };
  const problems = r.problems.map((p) => (p.path.startsWith('api.port') && typeof port === 'string' ? 'API port must be a whole number between 1024 and 65535' : p.message));
  return { ok: false, problems: [...new Set(problems)] };
}

/** A fresh webhook id that no webhook in the list has. */
export function newWebhookId(existing: readonly { id: string }[], random: () => number = Math.random): string {
  for (;;) {
    const id = `hook-${Math.floor(random() * 36 ** 6).toString(36).padStart(6, '0')}`;
    if (!existing.some((w) => w.id === id)) return id;
  }
}

/** One line for the API: where it listens, or why not. */
export function apiStatusText(s: LocalApiState): string {
  if (!s.enabled) return 'Off: no program can use this session.';
  if (s.url) return `Listening on ${s.url} (this computer only).`;
  return `Not running: ${s.error ?? 'starting…'}`;
}

/** A webhook's last delivery in words, e.g. "Delivered 2 min ago (HTTP 204)". */
export function deliveryText(w: LocalApiState['webhooks'][number], now: number): string {
  const d = w.lastDelivery;
  const pending = w.pending > 0 ? ` · ${w.pending} waiting` : '';
  const dead = w.deadLetters > 0 ? ` · ${w.deadLetters} given up` : '';
  if (!d) return `No delivery yet${pending}${dead}`;
  const ago = agoText(now - d.at);
  const what = d.ok ? `Delivered ${ago} (HTTP ${d.status ?? '?'})` : `Failed ${ago}: ${d.error ?? 'no answer'} (attempt ${d.attempt})`;
  return `${what}${pending}${dead}`;
}

function agoText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  return h < 48 ? `${h} h ago` : `${Math.round(h / 24)} days ago`;
}
