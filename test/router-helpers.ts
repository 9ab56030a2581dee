// Small builders for router and guard tests: resolved configs, traits and snapshots as plain data.
import type { Config, ModelFacts, ProviderFamily, ProviderUsage, ResolvedModel, ResolvedProvider, StepTraits, UsageSnapshot, Billing, Limits } from '../src/types.js';

export const NOON_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
export const NEXT_MIDNIGHT_MS = Date.UTC(2026, 0, 16, 0, 0, 0);

export function model(id: string, facts: Partial<ModelFacts> = {}, billing: Billing = 'free'): ResolvedModel {
  return { wire: 'openai-chat', billing, ...facts, id } as ResolvedModel;
}

export function provider(
  name: string,
  models: ResolvedModel[],
  options: { family?: ProviderFamily; api_key_env?: string | null; limits?: Limits; billing?: Billing; wildcard?: string[] } = {},
): ResolvedProvider {
  return {
    name,
    preset: name,
    family: options.family ?? 'generic',
    wire: 'openai-chat',
    base_urls: { 'openai-chat': `http://127.0.0.1:1/${name}` },
    api_key_env: options.api_key_env === null ? undefined : (options.api_key_env ?? `${name.toUpperCase().replace(/-/g, '_')}_API_KEY`),
    auth: 'bearer',
    headers: {},
    billing: options.billing ?? 'free',
    limits: options.limits ?? {},
    models,
    wildcard: options.wildcard ?? models.map((entry) => entry.id),
    errors: [],
    warnings: [],
  };
}

export function config(providers: ResolvedProvider[], routes: Config['routes'], usd_per_day = 0): Config {
  return {
    file: '/tmp/portai.yaml',
    skills_dirs: [],
    defaults: { privacy: 'private' },
    budget: { usd_per_day },
    providers: Object.fromEntries(providers.map((entry) => [entry.name, entry])),
    routes,
    retry: { max_wait_seconds: 30 },
    calendars: {},
    serve: { models: {} },
  };
}

export function traits(overrides: Partial<StepTraits> = {}): StepTraits {
  return { skill: 'daily-news', step: 'summarise', effort: 'low', privacy: 'public', tags: [], prompt_chars: 4000, ...overrides };
}

export function usage(name: string, overrides: Partial<ProviderUsage> = {}): ProviderUsage {
  return { provider: name, minute: 0, day: 0, windows: [], usd_today: 0, in_flight: 0, ...overrides };
}

export function snapshot(now_ms = NOON_MS, providers: ProviderUsage[] = [], metered_usd_today = 0): UsageSnapshot {
  return { now_ms, providers: Object.fromEntries(providers.map((entry) => [entry.provider, entry])), metered_usd_today };
}

/** env with every provider's key set */
export function keysFor(config: Config): Record<string, string> {
  return Object.fromEntries(
    Object.values(config.providers)
      .filter((entry) => entry.api_key_env)
      .map((entry) => [entry.api_key_env as string, 'sk-test']),
  );
}

import type { GuardContext, RoutingInput } from '../src/router/index.js';
import { candidateFacts } from '../src/router/index.js';

/** A guard's view of one candidate. `named` defaults to the ref itself (as if a route named it). */
export function guardContext(cfg: Config, ref: string, extra: Partial<RoutingInput> & { named?: string[] } = {}): GuardContext {
  const { provider: resolvedProvider, model: resolvedModel } = candidateFacts(cfg, ref);
  return {
    config: cfg,
    traits: traits(),
    snapshot: snapshot(),
    blocks: [],
    env: keysFor(cfg),
    ...extra,
    ref,
    provider: resolvedProvider,
    model: resolvedModel,
    named: extra.named ?? [ref],
  };
}
