// Every route reference must name a configured provider and a model that provider knows
// (DESIGN.md: models in routes must be listed in the config or the preset, else exit 2).
import { BadInputError } from '../errors.js';
import type { ResolvedProvider, RouteRule } from '../types.js';
import type { PlaceOf } from './raw-config.js';
import { matchesGlob } from '../router/glob.js';
import { isModelPattern } from '../router/expand-refs.js';

export function checkRoutes(routes: RouteRule[], providers: Record<string, ResolvedProvider>, file: string | null, placeOf: PlaceOf): void {
  routes.forEach((route, ruleIndex) => {
    route.use.forEach((ref, useIndex) => {
      const problem = problemWith(ref, providers);
      if (!problem) return;
      const fieldPath = ['routes', ruleIndex, 'use', useIndex];
      throw new BadInputError(problem.message, {
        place: { file: file ?? undefined, field: `routes[${ruleIndex}].use[${useIndex}]`, ...placeOf(fieldPath) },
        hint: problem.hint,
      });
    });
  });
}

function problemWith(ref: string, providers: Record<string, ResolvedProvider>): { message: string; hint: string } | null {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) {
    return { message: `'${ref}' is not a route reference`, hint: 'write <provider>/<model id>, <provider>/* or a pattern such as <provider>/*:free' };
  }
  // the model id may itself contain slashes (openrouter/nvidia/…): split at the first one only
  const providerName = ref.slice(0, slash);
  const model = ref.slice(slash + 1);
  const provider = providers[providerName];
  if (!provider) {
    const known = Object.keys(providers);
    return {
      message: `route names provider '${providerName}', which is not configured`,
      hint: known.length > 0 ? `configured providers: ${known.join(', ')}` : 'add it under providers:',
    };
  }
  if (model === '*') {
    if (provider.wildcard.length > 0) return null;
    return { message: `'${ref}' matches no model: provider '${providerName}' lists none`, hint: `list its models under providers.${providerName}.models` };
  }
  if (isModelPattern(model)) {
    // a pattern also admits the free models a catalog sync finds, so it may match nothing yet
    if (provider.catalog || provider.models.some((known) => matchesGlob(known.id, model))) return null;
    return { message: `'${ref}' matches no model: provider '${providerName}' lists none that match and has no catalog to sync`, hint: `list its models under providers.${providerName}.models, or name one` };
  }
  if (provider.models.some((known) => known.id === model)) return null;
  return {
    message: `model '${model}' is not listed for provider '${providerName}' (preset ${provider.preset})`,
    hint: `add '- id: ${model}' under providers.${providerName}.models, or use one of: ${provider.models.map((known) => known.id).slice(0, 6).join(', ') || '(none)'}`,
  };
}
