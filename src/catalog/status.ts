// What the router's catalog guard reads: per configured model of each synced provider, whether the
// last sync saw it gone or priced. Providers never synced say nothing (unknown is not "gone").
import type { CatalogStatus, Config } from '../types.js';
import type { CatalogLedger } from './types.js';
import { isPricedRow } from './normalise.js';

/** now_ms is accepted for symmetry with the other ledger reads; a sync's verdict holds until the next sync. */
export function catalogStatus(config: Config, ledger: CatalogLedger, now_ms: number): CatalogStatus[] {
  void now_ms;
  const statuses: CatalogStatus[] = [];
  for (const provider of Object.values(config.providers)) {
    if (!provider.catalog) continue;
    const synced_ms = ledger.lastSync(provider.name);
    if (synced_ms === undefined) continue;
    const byId = new Map(ledger.catalogOf(provider.name).map((row) => [row.id, row]));
    for (const model of provider.models) {
      const row = byId.get(model.id);
      statuses.push({ provider: provider.name, model: model.id, gone: row === undefined, priced: model.billing === 'free' && row !== undefined && isPricedRow(row), synced_ms });
    }
  }
  return statuses;
}
