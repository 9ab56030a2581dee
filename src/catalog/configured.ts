// Which models of a provider the user actually uses: what `<provider>/*` expands to, plus every model a
// route names. A preset's other models are facts on file, not the user's choice: their vanishing is no news.
import type { Config, ResolvedModel, ResolvedProvider } from '../types.js';
import { splitRef } from '../router/index.js';

export function configuredModels(config: Config, provider: ResolvedProvider): ResolvedModel[] {
  const ids = new Set(provider.wildcard);
  for (const rule of config.routes) {
    for (const entry of rule.use) {
      const parts = splitRef(entry);
      if (parts?.provider === provider.name && parts.model !== '*') ids.add(parts.model);
    }
  }
  return provider.models.filter((model) => ids.has(model.id));
}
