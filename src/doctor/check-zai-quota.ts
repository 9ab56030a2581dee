// Z.AI's quota endpoint (undocumented, used by its own usage tools): {code, msg, success, data:
// {level, limits: [{type, unit, number, percentage, nextResetTime, ...}]}}. Unknown shapes are
// reported as they are, never fatal.
import type { ResolvedProvider } from '../types.js';
import { fetchJson, isProviderError, statusEndpoint } from '../catalog/fetch-json.js';
import type { Finding } from './finding.js';

const UNIT_NAMES: Record<number, string> = { 1: 'day', 3: 'hour', 5: 'month', 6: 'week' };

/**
 * The quota URL on the provider's own origin: a key is only ever sent to its provider's base URL,
 * so a config that moves the base (open.bigmodel.cn, a test server) moves the quota URL with it.
 */
export function quotaUrlFor(provider: ResolvedProvider): string | undefined {
  if (!provider.quota_url) return undefined;
  const base = provider.base_urls[provider.wire];
  if (!base) return undefined;
  const quota = new URL(provider.quota_url);
  const origin = new URL(base).origin;
  return origin === quota.origin ? provider.quota_url : `${origin}${quota.pathname}${quota.search}`;
}

export async function zaiQuotaFindings(provider: ResolvedProvider, apiKey: string, now_ms: number): Promise<Finding[]> {
  const url = quotaUrlFor(provider);
  if (!url) return [];
  try {
    const answer = await fetchJson(statusEndpoint(provider, new URL(url).origin, apiKey), url, now_ms);
    return describeQuota(provider.name, answer.json, answer.text);
  } catch (error) {
    if (!isProviderError(error)) throw error;
    return [{ level: 'warn', provider: provider.name, text: `quota endpoint failed: ${error.message}`, fix: error.hint ?? `check ${provider.api_key_env ?? 'the key'} and try again` }];
  }
}

interface QuotaLimit {
  type?: unknown;
  unit?: unknown;
  number?: unknown;
  percentage?: unknown;
  nextResetTime?: unknown;
}

export function describeQuota(provider: string, body: unknown, text: string): Finding[] {
  const record = (body ?? {}) as { success?: unknown; code?: unknown; msg?: unknown; data?: { level?: unknown; limits?: unknown } };
  if (record.success === false || (typeof record.code === 'number' && record.code !== 200)) {
    return [{ level: 'warn', provider, text: `quota endpoint says: ${String(record.msg ?? record.code)}`, fix: 'check that the key belongs to a GLM Coding Plan subscription' }];
  }
  const limits = Array.isArray(record.data?.limits) ? (record.data.limits as QuotaLimit[]) : undefined;
  if (!limits) return [{ level: 'ok', provider, text: `quota endpoint answered, in a shape portai does not know: ${text.replace(/\s+/g, ' ').slice(0, 160)}` }];
  const plan = typeof record.data?.level === 'string' ? ` (plan ${record.data.level})` : '';
  const findings: Finding[] = [];
  const parts: string[] = [];
  for (const limit of limits) {
    const name = limit.type === 'TOKENS_LIMIT' ? 'prompts' : limit.type === 'TIME_LIMIT' ? 'tools' : String(limit.type ?? 'limit');
    const unit = typeof limit.unit === 'number' ? UNIT_NAMES[limit.unit] : undefined;
    const window = unit ? ` per ${typeof limit.number === 'number' && limit.number !== 1 ? `${limit.number} ${unit}s` : unit}` : '';
    const percent = typeof limit.percentage === 'number' ? limit.percentage : undefined;
    const reset = typeof limit.nextResetTime === 'number' ? new Date(limit.nextResetTime).toISOString() : undefined;
    parts.push(`${name}${window}: ${percent ?? '?'}% used${reset ? `, resets ${reset}` : ''}`);
    if (percent !== undefined && percent >= 100 && limit.type === 'TOKENS_LIMIT') {
      findings.push({ level: 'warn', provider, text: `the plan's quota${window} is used up${reset ? ` until ${reset}` : ''}`, fix: 'wait for the reset, or route high-effort steps to another plan meanwhile' });
    }
  }
  return [{ level: 'ok', provider, text: `quota${plan}: ${parts.join('; ') || 'no limits listed'}` }, ...findings];
}
