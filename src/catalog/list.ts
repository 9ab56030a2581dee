// `portai models list`: the stored catalogs, with what the config or preset knows about training.
import type { Config } from '../types.js';
import type { CatalogLedger, ModelListRow } from './types.js';
import { isFreeRow } from './normalise.js';
import { configuredModels } from './configured.js';

export interface ListOptions {
  config: Config;
  free?: boolean;
  provider?: string;
}

export function listModels(ledger: CatalogLedger, options: ListOptions): ModelListRow[] {
  const rows: ModelListRow[] = [];
  for (const provider of Object.values(options.config.providers)) {
    if (options.provider !== undefined && provider.name !== options.provider) continue;
    if (!provider.catalog || ledger.lastSync(provider.name) === undefined) continue;
    const facts = new Map(provider.models.map((model) => [model.id, model]));
    const configured = new Set(configuredModels(options.config, provider).map((model) => model.id));
    for (const row of ledger.catalogOf(provider.name)) {
      const free = isFreeRow(row);
      if (options.free && !free) continue;
      const known = facts.get(row.id);
      rows.push({
        provider: provider.name,
        id: row.id,
        input_per_million: row.prompt_price,
        output_per_million: row.completion_price,
        context: row.context,
        expires: row.expiration,
        free,
        configured: configured.has(row.id),
        trains_on_data: known?.trains_on_data ?? null,
      });
    }
  }
  return rows.sort((a, b) => a.provider.localeCompare(b.provider) || a.id.localeCompare(b.id));
}
