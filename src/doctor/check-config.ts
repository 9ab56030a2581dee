// Risky config, found without the network: spend that can never happen (or would surprise),
// non-free models on a free OpenRouter entry, and the caveats presets carry.
import type { Config, ResolvedProvider } from '../types.js';
import { configName } from '../router/config-name.js';
import type { Finding } from './finding.js';
import { routedModels } from './route-refs.js';

export function configFindings(config: Config): Finding[] {
  return [...meteredRouteFindings(config), ...Object.values(config.providers).flatMap((provider) => [...freeOpenRouterFindings(provider), ...caveatFindings(provider)])];
}

/** A metered model in a route is used only with a budget and a known price; say when it never can be. */
export function meteredRouteFindings(config: Config): Finding[] {
  const findings: Finding[] = [];
  for (const { ref, rule, provider, model } of routedModels(config)) {
    if (model.billing !== 'metered') continue;
    const zeroBudget = config.budget.usd_per_day <= 0 ? 'budget.usd_per_day' : provider.limits.usd_per_day === 0 ? `providers.${provider.name}.limits.usd_per_day` : undefined;
    if (zeroBudget) {
      findings.push({ level: 'warn', provider: provider.name, text: `routes[${rule}] lists metered model ${ref}, but ${zeroBudget} is 0, so it is never used`, fix: `raise ${zeroBudget} in ${configName(config)} to allow that spend, or remove ${ref} from routes[${rule}]` });
    } else if (!model.price) {
      findings.push({ level: 'warn', provider: provider.name, text: `routes[${rule}] lists metered model ${ref} without a price, so it is never used ("price unknown")`, fix: `add price: { input: …, output: … } (USD per million tokens) to ${model.id} under providers.${provider.name}.models` });
    }
  }
  return findings;
}

/** On a free OpenRouter entry, a model that is not a `:free` variant is refused under max_price 0 — or costs money. */
export function freeOpenRouterFindings(provider: ResolvedProvider): Finding[] {
  if (provider.family !== 'openrouter' || provider.billing !== 'free') return [];
  return provider.models
    .filter((model) => model.billing === 'free' && !model.id.endsWith(':free') && model.id !== 'openrouter/free')
    .map((model) => ({
      level: 'warn' as const,
      provider: provider.name,
      text: `${model.id} is listed as free but is not a ':free' model: OpenRouter refuses it under max_price 0, or bills it`,
      fix: `use its ':free' id if there is one (portai models list --free), or give it billing: metered with its price`,
    }));
}

export function caveatFindings(provider: ResolvedProvider): Finding[] {
  const fix = provider.family === 'opencode' ? "in the OpenCode console, turn 'Use balance' off unless you want pay-as-you-go spend past the plan's limits" : 'check the provider setting this caveat names';
  return provider.warnings.map((warning) => ({ level: 'warn' as const, provider: provider.name, text: warning, fix, advisory: true }));
}
