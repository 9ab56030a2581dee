// Which models of a provider the user actually uses: what `<provider>/*` expands to, every model a route names, and
// the listed models a route pattern (`<provider>/*:free`) matches. A preset's other models are facts on file, not the
// user's choice: their vanishing is no news.
import type { Config, ResolvedModel, ResolvedProvider } from '../types.js';
import { isModelPattern, matchesGlob, splitRef } from '../router/index.js';

export function configuredModels(config: Config, provider: ResolvedProvider): ResolvedModel[] {
  const ids = new Set(provider.wildcard);
  const patterns: string[] = [];
  for (const rule of config.routes) {
    for (const entry of rule.use) {
      const parts = splitRef(entry);
      if (parts?.provider !== provider.name || parts.model === '*') continue;
      if (isModelPattern(parts.model)) patterns.push(parts.model);
      else ids.add(parts.model);
    }
  }
  return provider.models.filter((model) => !model.from_catalog && (ids.has(model.id) || patterns.some((pattern) => matchesGlob(model.id, pattern))));
}
