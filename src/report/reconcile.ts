// `portai usage --reconcile`: the provider's own counters beside portai's, and every window the provider counts more
// in raised to the provider's figure (another tool, or another machine, used the same key). Never lowered: a
// provider that counts less keeps portai's count. The raise is an adjustment row in the ledger (ledger/adjustments.ts),
// placed so that it leaves the window when the provider's own window resets, so every guard sees it until then.
import type { Config, ResolvedProvider, WindowLimit } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { startOfUtcDay } from '../ledger/index.js';
import { apiKeyOf } from '../config/index.js';
import { fetchJson, isProviderError, openAiBase, statusEndpoint } from '../catalog/fetch-json.js';
import { quotaUrlFor } from '../doctor/check-zai-quota.js';
import { providerWindows } from '../runner/endpoint.js';
import { rollingMarginMs } from '../router/rolling-margin.js';
import { windowLabel, windowSince } from '../router/window-span.js';
import { openCodeGoView, openRouterView, zaiView, type ProviderCount, type ProviderView } from './provider-counts.js';

export interface ReconcileLine {
  window: string;
  unit: 'requests' | 'usd' | 'credits';
  /** portai's count before this reconcile */
  portai: number;
  /** the provider's count */
  provider: number;
  limit: number | null;
  /** what was added to portai's count (0: portai already counted as much or more) */
  raised_by: number;
  resets_utc: string | null;
  source: string;
}

export interface ProviderReconcile {
  provider: string;
  lines: ReconcileLine[];
  notes: string[];
  /** the provider could not be asked (no key, unreachable, an error answer) */
  error?: string;
}

export interface ReconcileOptions {
  config: Config;
  ledger: Ledger;
  env: Record<string, string | undefined>;
  now_ms: number;
  /** false: compare only (doctor); true: record the raises */
  apply: boolean;
}

const HOUR_MS = 3_600_000;

export async function reconcile(options: ReconcileOptions): Promise<ProviderReconcile[]> {
  const providers = Object.values(options.config.providers).filter((provider) => readsCounters(provider));
  const views = await Promise.all(providers.map((provider) => viewOf(provider, options)));
  // applied one provider at a time, shortest window first, each against a fresh count: a raise of the 5-hour
  // window is already part of the week's count when the week is compared
  return providers.map((provider, index) => {
    const view = views[index];
    if ('error' in view) return { provider: provider.name, lines: [], notes: [], error: view.error };
    const ordered = [...view.counts].sort((a, b) => spanOf(provider, a) - spanOf(provider, b));
    const lines = ordered.map((count) => compareAndRaise(provider, count, options));
    return { provider: provider.name, lines, notes: view.notes };
  });
}

export function readsCounters(provider: ResolvedProvider): boolean {
  return provider.family === 'openrouter' || Boolean(provider.quota_url) || provider.family === 'opencode';
}

async function viewOf(provider: ResolvedProvider, options: ReconcileOptions): Promise<ProviderView | { error: string }> {
  if (provider.family === 'opencode') return openCodeGoView(provider, options.ledger.activeBlocks(options.now_ms, null));
  const apiKey = apiKeyOf(provider, options.env as NodeJS.ProcessEnv);
  if (provider.api_key_env && !apiKey) return { error: `${provider.api_key_env} is not set` };
  try {
    if (provider.family === 'openrouter') {
      const base = openAiBase(provider);
      if (!base) return { error: 'no base URL' };
      const answer = await fetchJson(statusEndpoint(provider, base, apiKey), `${base}/key`, options.now_ms);
      const data = (answer.json as { data?: unknown } | undefined)?.data;
      return openRouterView(typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {});
    }
    const url = quotaUrlFor(provider);
    if (!url) return { error: 'no quota URL' };
    const answer = await fetchJson(statusEndpoint(provider, new URL(url).origin, apiKey), url, options.now_ms);
    const record = (answer.json ?? {}) as { success?: unknown; code?: unknown; msg?: unknown };
    if (record.success === false || (typeof record.code === 'number' && record.code !== 200)) return { error: `the quota endpoint says: ${String(record.msg ?? record.code)}` };
    return zaiView(provider, answer.json);
  } catch (error) {
    if (!isProviderError(error)) throw error;
    return { error: error.message };
  }
}

function spanOf(provider: ResolvedProvider, count: ProviderCount): number {
  if (count.target === 'day') return 24;
  const window = provider.limits.windows?.[count.target];
  return window?.hours ?? (window?.calendar === 'day' ? 24 : window?.calendar === 'week' ? 168 : 744);
}

function compareAndRaise(provider: ResolvedProvider, count: ProviderCount, options: ReconcileOptions): ReconcileLine {
  const { ledger, now_ms } = options;
  const snapshot = ledger.usage(providerWindows(options.config, now_ms), now_ms).providers[provider.name];
  const window = count.target === 'day' ? undefined : provider.limits.windows?.[count.target];
  const counted = count.target === 'day' ? (count.unit === 'usd' ? snapshot.usd_today : snapshot.day) : (snapshot.windows[count.target]?.[count.unit] ?? 0);
  const portai = round(counted);
  const delta = round(count.used - counted);
  const line: ReconcileLine = {
    window: window ? windowLabel(window) : 'day (UTC)',
    unit: count.unit,
    portai,
    provider: round(count.used),
    limit: count.limit ?? (window ? (window[count.unit] ?? null) : count.unit === 'requests' ? (provider.limits.requests_per_day ?? null) : (provider.limits.usd_per_day ?? null)),
    raised_by: 0,
    resets_utc: count.reset_ms !== undefined ? new Date(count.reset_ms).toISOString() : null,
    source: count.source,
  };
  if (delta <= 0 || !options.apply) return { ...line, raised_by: options.apply ? 0 : Math.max(0, delta) };
  const at_ms = placeAt(provider, window, count.reset_ms, now_ms);
  ledger.recordAdjustment({
    provider: provider.name,
    ...(window?.models?.length === 1 ? { model: window.models[0] } : {}),
    at_ms,
    requests: count.unit === 'requests' ? delta : 0,
    credits: count.unit === 'credits' ? delta : 0,
    // USD on the day is money the provider billed (budgets); in a window it is list price (the plan's allowance)
    cost_usd: count.unit === 'usd' && !window ? delta : 0,
    list_usd: count.unit === 'usd' && window ? delta : 0,
    reason: `${count.source}: the provider counts ${round(count.used)} ${count.unit}, portai counted ${portai}`,
    now_ms,
  });
  return { ...line, raised_by: delta };
}

/**
 * When the adjustment counts from. It must be inside the window now and leave it when the provider resets; it is
 * kept out of the rolling minute (a day's catch-up is not this minute's burst). Without a reset time it counts for a
 * whole window from now: the longer reading, never the shorter one.
 */
function placeAt(provider: ResolvedProvider, window: WindowLimit | undefined, reset_ms: number | undefined, now_ms: number): number {
  const margin = rollingMarginMs(provider.limits);
  const outOfMinute = now_ms - 60_000 - margin - 1;
  if (!window) return Math.max(startOfUtcDay(now_ms), outOfMinute);
  const since = windowSince(window, now_ms, margin);
  if (window.calendar) return Math.max(since, Math.min(outOfMinute, now_ms));
  const span = (window.hours ?? 0) * HOUR_MS + margin;
  const fromReset = reset_ms !== undefined && reset_ms > now_ms && reset_ms <= now_ms + span ? reset_ms - span : now_ms;
  return Math.max(since, Math.min(fromReset, outOfMinute));
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
