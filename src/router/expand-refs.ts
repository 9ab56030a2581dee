// Route references → concrete (provider, model) pairs, in order, without duplicates.
import type { Config, ResolvedModel, ResolvedProvider } from '../types.js';
import { BadInputError } from '../errors.js';
import { configName } from './config-name.js';
import { matchesGlob } from './glob.js';

export interface ExpandedRef {
  ref: string;
  provider: string;
  model: string;
}

/** `provider/model` split at the FIRST slash: model ids such as `nvidia/nemotron…:free` contain slashes. */
export function splitRef(ref: string): { provider: string; model: string } | null {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) return null;
  return { provider: ref.slice(0, slash), model: ref.slice(slash + 1) };
}

export function expandRefs(use: string[], config: Config): ExpandedRef[] {
  const seen = new Set<string>();
  const expanded: ExpandedRef[] = [];
  for (const entry of use) {
    const parts = splitRef(entry);
    if (!parts) throw badRef(config, entry, 'is not <provider>/<model> or <provider>/*');
    const provider = config.providers[parts.provider];
    if (!provider) throw badRef(config, entry, `names provider "${parts.provider}", which is not configured`);
    // a pattern (openrouter/*:free) matches the provider's models by id: listed ones, and catalog ones it admitted
    const models = parts.model === '*' ? provider.wildcard : isModelPattern(parts.model) ? provider.models.map((model) => model.id).filter((id) => matchesGlob(id, parts.model)) : [parts.model];
    for (const model of models) {
      const ref = `${provider.name}/${model}`;
      if (seen.has(ref)) continue;
      seen.add(ref);
      expanded.push({ ref, provider: provider.name, model });
    }
  }
  return expanded;
}

/** `*:free`, `qwen/*`: a glob over model ids; a bare `*` is the provider's listed models, not a pattern. */
export function isModelPattern(model: string): boolean {
  return model !== '*' && model.includes('*');
}

/** The model patterns the routes use for a provider: what a catalog sync's new models are matched against. */
export function modelPatternsOf(config: Pick<Config, 'routes'>, providerName: string): string[] {
  const patterns = new Set<string>();
  for (const rule of config.routes) {
    for (const entry of rule.use) {
      const parts = splitRef(entry);
      if (parts?.provider === providerName && isModelPattern(parts.model)) patterns.add(parts.model);
    }
  }
  return [...patterns];
}

/** The resolved provider entry and model facts of `provider/model`. */
export function candidateFacts(config: Config, ref: string): { provider: ResolvedProvider; model: ResolvedModel } {
  const parts = splitRef(ref);
  if (!parts || parts.model === '*') throw badRef(config, ref, 'is not <provider>/<model>');
  const provider = config.providers[parts.provider];
  if (!provider) throw badRef(config, ref, `names provider "${parts.provider}", which is not configured`);
  const model = provider.models.find((known) => known.id === parts.model);
  if (!model) throw badRef(config, ref, `names model "${parts.model}", which provider ${provider.name} does not list`);
  return { provider, model };
}

function badRef(config: Config, ref: string, problem: string): BadInputError {
  return new BadInputError(`model reference "${ref}" ${problem}`, {
    hint: `use a provider name from ${configName(config)} and a model listed under it (or in its preset)`,
  });
}
