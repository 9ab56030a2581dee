// What each provider itself says it counted, read into one shape so portai's count can stand beside it:
// OpenRouter's GET /key, Z.AI's quota endpoint (prompt-era TOKENS_LIMIT rows and credit-era CREDIT_LIMIT rows),
// OpenCode Go's limit messages (it has no usage endpoint; its 429 says which window is full and when it resets).
import type { HealthBlock, ResolvedProvider } from '../types.js';
import { parseZaiQuota } from '../doctor/zai-quota-rows.js';

/** One of the provider's counters, tied to the portai window it should match. */
export interface ProviderCount {
  /** 'day' = requests_per_day / usd_per_day (UTC day); a number = the index in limits.windows */
  target: 'day' | number;
  unit: 'requests' | 'usd' | 'credits';
  /** what the provider counts as used; null when it only says "full" */
  used: number;
  limit?: number;
  reset_ms?: number;
  /** what said so, for the report */
  source: string;
}

export interface ProviderView {
  counts: ProviderCount[];
  notes: string[];
}

/** OpenRouter GET /key `data`: free_model_daily_requests.used against the day's requests, usage_daily against the day's spend. */
export function openRouterView(data: Record<string, unknown>): ProviderView {
  const view: ProviderView = { counts: [], notes: [] };
  const daily = isRecord(data.free_model_daily_requests) ? data.free_model_daily_requests : undefined;
  const used = numberOr(daily?.used);
  if (used !== undefined) view.counts.push({ target: 'day', unit: 'requests', used, limit: numberOr(daily?.limit), source: 'GET /key free_model_daily_requests.used' });
  else view.notes.push('GET /key has no free_model_daily_requests: the free-model count cannot be compared');
  const spent = numberOr(data.usage_daily);
  if (spent !== undefined) view.counts.push({ target: 'day', unit: 'usd', used: spent, source: 'GET /key usage_daily' });
  if (typeof data.is_free_tier === 'boolean') view.notes.push(`is_free_tier: ${data.is_free_tier}`);
  const remaining = numberOr(data.limit_remaining);
  const limit = numberOr(data.limit);
  if (limit !== undefined) view.notes.push(`key limit $${limit}${remaining !== undefined ? `, $${remaining} left` : ''}${typeof data.limit_reset === 'string' ? ` (resets ${data.limit_reset})` : ''}`);
  return view;
}

/** Z.AI's quota endpoint, both shapes. Credit rows match credit windows; a prompt plan's token rows give only a percentage, read against its request window. */
export function zaiView(provider: ResolvedProvider, body: unknown): ProviderView {
  const view: ProviderView = { counts: [], notes: [] };
  const quota = parseZaiQuota(body);
  if (!quota) {
    view.notes.push('the quota endpoint answered in a shape portai does not know');
    return view;
  }
  if (quota.level && provider.plan && !provider.plan.endsWith(quota.level) && provider.plan !== quota.level) {
    view.notes.push(`Z.AI says the plan is ${quota.level}; portai counts the limits of plan ${provider.plan}: set providers.${provider.name}.plan: ${quota.level}`);
  }
  const windows = provider.limits.windows ?? [];
  for (const row of quota.rows) {
    const label = `${row.counts}${row.window ? ` per ${row.window}` : ''}`;
    if (row.counts === 'MCP tool calls') continue; // web search and friends: no model window
    const index = windows.findIndex((window) => !window.models && (window.hours === row.hours || (row.hours === 168 && window.calendar === 'week')) && (row.counts === 'credits' ? window.credits !== undefined : window.requests !== undefined));
    if (index < 0) {
      view.notes.push(`Z.AI counts ${label}, which no window of this provider entry matches`);
      continue;
    }
    if (row.counts === 'credits' && row.used !== undefined) {
      view.counts.push({ target: index, unit: 'credits', used: row.used, limit: row.limit, reset_ms: row.reset_ms, source: `quota ${label}` });
    } else if (row.counts === 'tokens' && row.percent !== undefined && windows[index].requests !== undefined) {
      // a prompt plan reports tokens as a percentage of its allowance: the same share of portai's request window
      const limit = windows[index].requests as number;
      view.counts.push({ target: index, unit: 'requests', used: (row.percent / 100) * limit, limit, reset_ms: row.reset_ms, source: `quota ${label} ${row.percent}%` });
    }
  }
  for (const row of quota.unknown) view.notes.push(`a quota row portai does not know: ${row}`);
  return view;
}

const GO_WINDOWS: Array<{ pattern: RegExp; hours: number }> = [
  { pattern: /5[ -]hour/i, hours: 5 },
  { pattern: /weekly/i, hours: 168 },
  { pattern: /monthly/i, hours: 744 },
];

/** OpenCode Go's "Weekly usage limit reached. It will reset in …" blocks: that window is full until the reset. */
export function openCodeGoView(provider: ResolvedProvider, blocks: HealthBlock[]): ProviderView {
  const view: ProviderView = { counts: [], notes: [] };
  const windows = provider.limits.windows ?? [];
  for (const block of blocks) {
    if (block.provider !== provider.name || block.kind !== 'quota_exhausted' || !/usage limit reached/i.test(block.reason)) continue;
    const kind = GO_WINDOWS.find((entry) => entry.pattern.test(block.reason));
    // the provider-wide window of that length (a per-model cap's message cannot be told apart, so the wider one)
    const index = kind ? windows.findIndex((window) => !window.models && window.usd !== undefined && (window.hours === kind.hours || (kind.hours === 744 && window.calendar === 'month') || (kind.hours === 168 && window.calendar === 'week'))) : -1;
    if (index < 0) {
      view.notes.push(`OpenCode Go said "${block.reason}", which no window of this provider entry matches`);
      continue;
    }
    const limit = windows[index].usd as number;
    view.counts.push({ target: index, unit: 'usd', used: limit, limit, reset_ms: block.until_ms ?? undefined, source: `OpenCode Go: ${block.reason.replace(/^quota exhausted: /, '')}` });
  }
  if (view.counts.length === 0) view.notes.push('OpenCode Go has no usage endpoint; its limit messages are read when a request meets one (none is active)');
  return view;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
