// Pay-per-token spend is opt-in three times over: a route names the model (or its provider), the price is
// known, and the worst case fits both the global daily budget and the provider's own daily cap.
// Default budget is 0, so an unconfigured install never pays.
import type { Guard, GuardContext } from './guard.js';
import { reject } from './guard.js';
import { listWorstUsd } from '../cost.js';
import { configName } from '../config-name.js';
import { nextUtcMidnight, waitUntil } from '../time.js';

// Sums of floating-point dollars drift in the last bits; a budget met exactly must still fit.
const ROUNDING_USD = 1e-9;

export const spendGuard: Guard = (context) => {
  const { model, provider, config } = context;
  const file = configName(config);
  // a free model with a paid server-side feature (serve.allow) bills the feature: it must fit the budgets too
  const surcharge = context.traits.surcharge_usd ?? 0;
  if (model.billing !== 'metered') return surcharge > 0 ? checkBudgets(context, surcharge, file) : null;
  if (!namesCandidate(context)) {
    return reject(context, 'spend', `metered model not named by the route (only a route naming ${context.ref} or ${provider.name}/* may pay)`, `add ${context.ref} to a route's use list in ${file}`, null);
  }
  const worst = listWorstUsd(context.traits, model);
  if (worst === null) {
    const missing = model.price ? 'max output unknown' : 'price unknown';
    const fix = model.price
      ? `set max_output_tokens on the step or max_output for ${model.id} in ${file}`
      : `add price: {input, output} (USD per million tokens) for ${model.id} in ${file}`;
    return reject(context, 'spend', `${missing}: the worst-case cost cannot be bounded`, fix, null);
  }
  return checkBudgets(context, worst, file);
};

/** The global daily budget, then the provider's own daily cap. */
function checkBudgets(context: GuardContext, worst: number, file: string) {
  const { config, provider } = context;
  const budget = checkDaily(context, worst, config.budget.usd_per_day, context.snapshot.metered_usd_today, 'budget.usd_per_day', file);
  if (budget) return budget;
  const cap = provider.limits.usd_per_day;
  if (cap === undefined) return null;
  const spent = context.snapshot.providers[provider.name]?.usd_today ?? 0;
  return checkDaily(context, worst, cap, spent, `providers.${provider.name}.limits.usd_per_day`, file);
}

function checkDaily(context: GuardContext, worst: number, limit: number, spent: number, field: string, file: string) {
  const unblock = `raise ${field} in ${file}`;
  if (limit <= 0) return reject(context, 'spend', `${field} is 0: metered spend is off (worst case ${usd(worst)})`, unblock, null);
  const left = Math.max(0, limit - spent);
  if (worst <= left + ROUNDING_USD) return null;
  const reason = `worst case ${usd(worst)} > ${usd(left)} left of ${field} ${usd(limit)} (spent ${usd(spent)} today)`;
  // A request that fits a fresh day is only waiting for 00:00 UTC; one larger than the whole limit never fits.
  if (worst > limit + ROUNDING_USD) return reject(context, 'spend', reason, unblock, null);
  const midnight = nextUtcMidnight(context.snapshot.now_ms);
  return reject(context, 'spend', reason, `${waitUntil(midnight)} or ${unblock}`, midnight);
}

/** The rule names the provider (`provider/*`) or the model itself; `--use` names it too. */
function namesCandidate(context: GuardContext): boolean {
  const { provider, model } = context;
  return context.named.some((entry) => entry === `${provider.name}/*` || entry === `${provider.name}/${model.id}`);
}

function usd(value: number): string {
  if (value === 0) return '$0';
  return `$${value.toFixed(value < 0.01 ? 6 : 4)}`;
}
