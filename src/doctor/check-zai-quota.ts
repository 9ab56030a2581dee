// Z.AI's quota endpoint (undocumented, used by its own usage tools): {code, msg, success, data:
// {level, limits: [{type, unit, number, usage, currentValue, percentage, nextResetTime, ...}]}}, in its older
// (TOKENS_LIMIT) and newer (CREDIT_LIMIT) shapes (zai-quota-rows.ts). Unknown shapes and rows are reported, never fatal.
import type { ResolvedProvider } from '../types.js';
import { fetchJson, isProviderError, statusEndpoint } from '../catalog/fetch-json.js';
import type { Finding } from './finding.js';
import { parseZaiQuota } from './zai-quota-rows.js';

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

export function describeQuota(provider: string, body: unknown, text: string): Finding[] {
  const record = (body ?? {}) as { success?: unknown; code?: unknown; msg?: unknown };
  if (record.success === false || (typeof record.code === 'number' && record.code !== 200)) {
    return [{ level: 'warn', provider, text: `quota endpoint says: ${String(record.msg ?? record.code)}`, fix: 'check that the key belongs to a GLM Coding Plan subscription' }];
  }
  const quota = parseZaiQuota(body);
  if (!quota) return [{ level: 'ok', provider, text: `quota endpoint answered, in a shape portai does not know: ${text.replace(/\s+/g, ' ').slice(0, 160)}` }];
  const plan = quota.level ? ` (plan ${quota.level})` : '';
  const findings: Finding[] = [];
  const parts: string[] = [];
  for (const row of quota.rows) {
    const window = row.window ? ` per ${row.window}` : '';
    const reset = row.reset_ms === undefined ? undefined : new Date(row.reset_ms).toISOString();
    const amount = row.used !== undefined && row.limit !== undefined ? ` (${row.used}/${row.limit})` : '';
    parts.push(`${row.counts}${window}: ${row.percent ?? '?'}% used${amount}${reset ? `, resets ${reset}` : ''}`);
    // MCP tool calls only limit web search and friends; credits and tokens stop the model itself
    if (row.percent !== undefined && row.percent >= 100 && row.counts !== 'MCP tool calls') {
      findings.push({ level: 'warn', provider, text: `the plan's ${row.counts}${window} are used up${reset ? ` until ${reset}` : ''}`, fix: 'wait for the reset, or route high-effort steps to another plan meanwhile' });
    }
  }
  for (const row of quota.unknown) {
    findings.push({ level: 'warn', advisory: true, provider, text: `quota endpoint has a row portai does not know: ${row}`, fix: "compare with the plan's usage page; the preset's limits may be out of date" });
  }
  return [{ level: 'ok', provider, text: `quota${plan}: ${parts.join('; ') || 'no limits listed'}` }, ...findings];
}
