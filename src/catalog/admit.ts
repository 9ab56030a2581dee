// A route pattern such as `openrouter/*:free` admits free models of the last catalog sync that the config never
// listed: new free models appear every week. They join the provider's models with what the catalog says (context,
// a zero price) and nothing more (training unknown), marked `from_catalog`, so the quality guard keeps them on
// trial under `untested: avoid | deny` until an eval shows they pass.
import type { Config, ResolvedModel, ResolvedProvider } from '../types.js';
import { modelPatternsOf } from '../router/index.js';
import { matchesGlob } from '../router/glob.js';
import type { CatalogLedger, CatalogRow } from './types.js';
import { isFreeRow } from './normalise.js';

/** The config with each synced provider's admitted catalog models added; the same object when none are. */
export function withCatalogModels(config: Config, ledger: CatalogLedger): Config {
  let changed = false;
  const providers: Record<string, ResolvedProvider> = {};
  for (const [name, provider] of Object.entries(config.providers)) {
    const admitted = provider.catalog && ledger.lastSync(name) !== undefined ? admittedRows(config, provider, ledger.catalogOf(name)) : [];
    if (admitted.length === 0) {
      providers[name] = provider;
      continue;
    }
    changed = true;
    providers[name] = { ...provider, models: [...provider.models, ...admitted.map((row) => catalogModel(provider, row))] };
  }
  return changed ? { ...config, providers } : config;
}

/** Free rows a route pattern of this provider matches, that the provider does not list already. */
export function admittedRows(config: Config, provider: ResolvedProvider, rows: CatalogRow[]): CatalogRow[] {
  const patterns = modelPatternsOf(config, provider.name);
  if (patterns.length === 0) return [];
  const known = new Set(provider.models.map((model) => model.id));
  return rows.filter((row) => isFreeRow(row) && !known.has(row.id) && patterns.some((pattern) => matchesGlob(row.id, pattern)));
}

function catalogModel(provider: ResolvedProvider, row: CatalogRow): ResolvedModel {
  return {
    id: row.id,
    wire: provider.wire,
    // only free rows are admitted; on OpenRouter a free request also carries max_price 0, so it cannot bill
    billing: 'free',
    price: { input: 0, output: 0 },
    ...(row.context !== null ? { context: row.context } : {}),
    ...(row.expiration ? { expires: row.expiration } : {}),
    from_catalog: true,
  };
}
