// The config used when no file exists (DESIGN.md "Files and environment"): a newcomer with only
// OPENROUTER_API_KEY set can run a shipped skill at once, and nothing ever pays per token.
import type { Config, RouteRule, ServeAlias } from '../types.js';
import type { RawConfig, RawProvider } from './raw-config.js';
import { resolveConfig } from './resolve-config.js';
import type { PresetSource } from './load-presets.js';

/** Never metered presets: free first, then the subscription plans, used when their key is set. */
const FREE_PRESET = 'openrouter';
const PLAN_PRESETS = ['zai-coding', 'opencode-go'];

export const DEFAULT_SERVE_MODELS: Record<string, ServeAlias> = {
  free: { effort: 'low' },
  think: { effort: 'high' },
  '*haiku*': { effort: 'low', tag: 'background' },
  '*sonnet*': { effort: 'high' },
  '*opus*': { effort: 'high' },
};

export function builtInDefault(env: NodeJS.ProcessEnv, cwd: string, presets: PresetSource): Config {
  // OpenRouter is always there, key or not, so a missing key is reported by name when a step needs it.
  const providers: Record<string, RawProvider> = {};
  if (presets.has(FREE_PRESET)) providers[FREE_PRESET] = { preset: FREE_PRESET };
  const plans = PLAN_PRESETS.filter((name) => {
    const keyVariable = presets.get(name)?.api_key_env;
    return keyVariable !== undefined && Boolean(env[keyVariable]);
  });
  for (const name of plans) providers[name] = { preset: name };
  const free = providers[FREE_PRESET] ? [`${FREE_PRESET}/*`] : [];
  const routes: RouteRule[] = [];
  // thinking-heavy steps go to the plans first and still have the free models when quotas run out
  if (plans.length > 0) routes.push({ when: { effort: 'high' }, use: [...plans.map((name) => `${name}/*`), ...free] });
  if (free.length > 0) routes.push({ use: free });
  const raw: RawConfig = {
    skills: 'skills',
    defaults: { privacy: 'private' },
    budget: { usd_per_day: 0 },
    providers,
    routes,
    serve: { models: DEFAULT_SERVE_MODELS },
  };
  return resolveConfig(raw, presets, { file: null, baseDir: cwd, placeOf: () => ({}), env });
}
