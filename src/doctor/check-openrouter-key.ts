// OpenRouter's GET /key: the account's credit state and free-model allowance. A negative or used-up
// balance fails even free models with 402, so it is worth a warning before a run finds out.
import type { ResolvedProvider } from '../types.js';
import { fetchJson, isProviderError, openAiBase, statusEndpoint } from '../catalog/fetch-json.js';
import type { Finding } from './finding.js';

interface KeyData {
  is_free_tier?: unknown;
  limit?: unknown;
  limit_remaining?: unknown;
  usage_daily?: unknown;
  free_model_daily_requests?: { used?: unknown; limit?: unknown; remaining?: unknown };
}

export async function openRouterKeyFindings(provider: ResolvedProvider, apiKey: string, now_ms: number): Promise<Finding[]> {
  const base = openAiBase(provider);
  if (!base) return [];
  const name = provider.name;
  let data: KeyData;
  try {
    const answer = await fetchJson(statusEndpoint(provider, base, apiKey), `${base}/key`, now_ms);
    data = ((answer.json as { data?: KeyData } | undefined)?.data ?? {}) as KeyData;
  } catch (error) {
    if (!isProviderError(error)) throw error;
    const level = error.kind === 'auth' || error.kind === 'payment_required' ? 'problem' : 'warn';
    return [{ level, provider: name, text: `GET /key failed: ${error.message}`, fix: error.kind === 'auth' ? `put a current key in ${provider.api_key_env}` : (error.hint ?? 'try again later; check https://status.openrouter.ai') }];
  }
  return describeKey(provider, data);
}

export function describeKey(provider: ResolvedProvider, data: KeyData): Finding[] {
  const name = provider.name;
  const findings: Finding[] = [];
  const remaining = number(data.limit_remaining);
  const limit = number(data.limit);
  const usageToday = number(data.usage_daily);
  const parts = [`free tier: ${data.is_free_tier === true ? 'yes' : data.is_free_tier === false ? 'no' : '?'}`];
  if (limit !== undefined) parts.push(`limit $${limit}`);
  if (remaining !== undefined) parts.push(`remaining $${remaining}`);
  if (usageToday !== undefined) parts.push(`spent today $${usageToday}`);
  const daily = data.free_model_daily_requests;
  const used = number(daily?.used);
  const dailyLimit = number(daily?.limit);
  const dailyLeft = number(daily?.remaining);
  if (dailyLimit !== undefined) parts.push(`free requests today ${used ?? '?'}/${dailyLimit}`);
  findings.push({ level: 'ok', provider: name, text: `key: ${parts.join(', ')}` });

  if (remaining !== undefined && remaining <= 0) {
    findings.push({
      level: 'warn',
      provider: name,
      text: `the key has $${remaining} left: OpenRouter answers 402 even for free models while the balance or key limit is used up`,
      fix: 'add credits at https://openrouter.ai/settings/credits or raise the key limit at https://openrouter.ai/settings/keys',
    });
  }
  if (dailyLeft !== undefined && dailyLeft <= 0) {
    findings.push({ level: 'warn', provider: name, text: `the daily free-model requests are used up (${used ?? '?'}/${dailyLimit ?? '?'})`, fix: 'wait until 00:00 UTC; buying 10 credits once raises the cap to 1000 a day' });
  }
  const counted = provider.limits.requests_per_day;
  if (dailyLimit !== undefined && counted !== undefined && dailyLimit < counted) {
    findings.push({ level: 'warn', provider: name, text: `portai counts ${counted} requests a day but OpenRouter allows this key ${dailyLimit}`, fix: `set providers.${name}.limits.requests_per_day: ${dailyLimit} in your config` });
  }
  const everyModelFree = provider.models.every((model) => model.billing === 'free');
  if (usageToday !== undefined && usageToday > 0 && everyModelFree) {
    findings.push({ level: 'warn', provider: name, text: `OpenRouter reports $${usageToday} spent today on this key, though portai only uses it for free models`, fix: 'check https://openrouter.ai/activity for what was billed (another tool using the same key?)' });
  }
  return findings;
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
