// Metered spend per UTC day against the budget, and every cost alarm. Today's figure is usage-json's own.
import type { Config } from '../types.js';
import type { AlarmFact, Ledger } from '../ledger/index.js';
import { startOfUtcDay } from '../ledger/index.js';
import { usageJson } from './usage-json.js';

const DAY_MS = 86_400_000;

export interface SpendDay {
  /** YYYY-MM-DD, UTC */
  day: string;
  usd: number;
  by_provider: Record<string, number>;
}

export interface SpendReport {
  at_utc: string;
  budget_usd_per_day: number;
  spend_today_usd: number;
  days: SpendDay[];
  alarms: AlarmFact[];
}

export function spendReport(config: Config, ledger: Ledger, env: Record<string, string | undefined>, now: number, dayCount = 14): SpendReport {
  const usage = usageJson(config, ledger, env, now);
  const today = startOfUtcDay(now);
  const first = today - (dayCount - 1) * DAY_MS;
  const days: SpendDay[] = Array.from({ length: dayCount }, (_unused, index) => ({ day: new Date(first + index * DAY_MS).toISOString().slice(0, 10), usd: 0, by_provider: {} }));
  for (const provider of Object.keys(config.providers)) {
    // as the budget counts it: the reported cost, or the reserved worst case while in flight
    for (const { day: index, usd } of ledger.spendPerDay(provider, first)) {
      const day = days[index];
      if (!day) continue;
      day.usd += usd;
      day.by_provider[provider] = usd;
    }
  }
  for (const day of days) {
    day.usd = round(day.usd);
    for (const name of Object.keys(day.by_provider)) day.by_provider[name] = round(day.by_provider[name]);
  }
  const last = days[days.length - 1];
  last.usd = usage.spend_today_usd;
  last.by_provider = Object.fromEntries(usage.providers.filter((provider) => provider.spend_today_usd !== 0).map((provider) => [provider.provider, provider.spend_today_usd]));
  return { at_utc: usage.at_utc, budget_usd_per_day: usage.budget_usd_per_day, spend_today_usd: usage.spend_today_usd, days, alarms: ledger.costAlarms() };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
