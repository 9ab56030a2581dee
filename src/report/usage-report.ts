// Per provider: billing class, each limit with used and remaining in the current window, spend today, blocks.
import type { Config, HealthBlock, UsageSnapshot } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { providerWindows } from '../runner/endpoint.js';
import { windowLabel } from '../router/window-span.js';

export interface LimitLine {
  window: string;
  unit: 'requests' | 'usd' | 'credits';
  limit: number;
  used: number;
  remaining: number;
}

export interface ProviderReport {
  provider: string;
  preset: string;
  billing: string;
  /** the plan tier whose limits apply (presets with tiers); `plan_chosen` false = the preset's default */
  plan?: string;
  plan_chosen?: boolean;
  key: { variable: string | null; set: boolean };
  limits: LimitLine[];
  requests_today: number;
  spend_today_usd: number;
  blocks: Array<{ scope: string; model: string | null; reason: string; until_utc: string | null }>;
}

/** `snapshot`: the ledger's counts at `now`, when the caller read them already (the quota report reads their oldest requests). */
export function usageReport(config: Config, ledger: Ledger, env: Record<string, string | undefined>, now: number, snapshot: UsageSnapshot = ledger.usage(providerWindows(config, now), now)): ProviderReport[] {
  const blocks = ledger.activeBlocks(now, null);
  return Object.values(config.providers).map((provider) => {
    const usage = snapshot.providers[provider.name];
    const limits: LimitLine[] = [];
    const line = (window: string, unit: LimitLine['unit'], limit: number | undefined, used: number) => {
      if (limit === undefined) return;
      limits.push({ window, unit, limit, used: round(used), remaining: round(Math.max(0, limit - used)) });
    };
    line('minute', 'requests', provider.limits.requests_per_minute, usage?.minute ?? 0);
    line('day (UTC)', 'requests', provider.limits.requests_per_day, usage?.day ?? 0);
    (provider.limits.windows ?? []).forEach((window, index) => {
      const used = usage?.windows[index];
      const label = windowLabel(window);
      line(label, 'requests', window.requests, used?.requests ?? 0);
      line(label, 'credits', window.credits, used?.credits ?? 0);
      line(label, 'usd', window.usd, used?.usd ?? 0);
    });
    line('day (UTC)', 'usd', provider.limits.usd_per_day, usage?.usd_today ?? 0);
    return {
      provider: provider.name,
      preset: provider.preset,
      billing: provider.billing,
      ...(provider.plan !== undefined ? { plan: provider.plan, plan_chosen: provider.plan_chosen } : {}),
      key: { variable: provider.api_key_env ?? null, set: provider.api_key_env ? Boolean(env[provider.api_key_env]) : true },
      limits,
      requests_today: usage?.day ?? 0,
      spend_today_usd: round(usage?.usd_today ?? 0),
      blocks: blocks.filter((block: HealthBlock) => block.provider === provider.name).map((block: HealthBlock) => ({
        scope: block.scope,
        model: block.model,
        reason: block.reason,
        until_utc: block.until_ms === null ? null : new Date(block.until_ms).toISOString(),
      })),
    };
  });
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
