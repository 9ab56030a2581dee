// `portai usage --json` and the dashboard's /api/usage: one object, built in one place.
import type { Config } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { usageReport, type ProviderReport } from './usage-report.js';

export interface UsageJson {
  at_utc: string;
  budget_usd_per_day: number;
  spend_today_usd: number;
  providers: ProviderReport[];
}

export function usageJson(config: Config, ledger: Ledger, env: Record<string, string | undefined>, now: number): UsageJson {
  const providers = usageReport(config, ledger, env, now);
  const spend = providers.reduce((sum, provider) => sum + provider.spend_today_usd, 0);
  return { at_utc: new Date(now).toISOString(), budget_usd_per_day: config.budget.usd_per_day, spend_today_usd: spend, providers };
}
