// What a fresh catalog means for the user: configured models that vanished or turned paid, models
// about to expire, and free models that appeared since the last sync.
import type { ResolvedModel } from '../types.js';
import type { CatalogChanges, CatalogRow, ExpiringModel } from './types.js';
import { isFreeRow, isPricedRow } from './normalise.js';

const DAY_MS = 86_400_000;
export const EXPIRY_WARNING_DAYS = 14;

export interface CompareInput {
  /** the models the user configured (see configuredModels) */
  models: ResolvedModel[];
  /** the rows of the previous sync; null when there was none */
  previous: CatalogRow[] | null;
  current: CatalogRow[];
  now_ms: number;
}

export function compareCatalog(input: CompareInput): CatalogChanges {
  const { models, previous, current, now_ms } = input;
  const byId = new Map(current.map((row) => [row.id, row]));
  const configured = new Set(models.map((model) => model.id));

  const gone = models.filter((model) => !byId.has(model.id)).map((model) => model.id);
  const priced = models
    .filter((model) => model.billing === 'free')
    .map((model) => byId.get(model.id))
    .filter((row): row is CatalogRow => row !== undefined && isPricedRow(row))
    .map((row) => ({ id: row.id, input: row.prompt_price, output: row.completion_price }));

  // every catalog lists hundreds of models: only expiries the user can be hurt by are worth a line
  const expiring: ExpiringModel[] = [];
  for (const row of current) {
    if (!row.expiration || !(configured.has(row.id) || isFreeRow(row))) continue;
    const expires_ms = Date.parse(row.expiration);
    if (Number.isNaN(expires_ms) || expires_ms - now_ms > EXPIRY_WARNING_DAYS * DAY_MS) continue;
    expiring.push({ id: row.id, expires: row.expiration, days_left: Math.floor((expires_ms - now_ms) / DAY_MS), configured: configured.has(row.id) });
  }

  // on a first sync every free model would be "new": that is a listing (`models list --free`), not news
  const seen = new Set((previous ?? []).map((row) => row.id));
  const new_free = previous === null ? [] : current.filter((row) => isFreeRow(row) && !seen.has(row.id)).map((row) => row.id);

  return { gone, priced, expiring, new_free };
}
