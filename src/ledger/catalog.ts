// Each provider's model catalog as of each sync; the last two syncs tell what changed.
import type { Db } from './db.js';

/** One model of a provider's catalog, normalised. */
export interface CatalogModel {
  id: string;
  /** USD per million tokens; null = unknown */
  prompt_price: number | null;
  completion_price: number | null;
  context: number | null;
  /** ISO date after which the model leaves the provider (OpenRouter `expiration_date`) */
  expiration: string | null;
  /** the entry as the provider sent it */
  raw: unknown;
}

interface CatalogRecord extends Omit<CatalogModel, 'raw'> {
  raw_json: string | null;
}

export function saveCatalog(db: Db, provider: string, models: CatalogModel[], syncedMs: number): void {
  db.immediate(() => {
    const sync = db.statement('INSERT INTO catalog_syncs (provider, synced_ms) VALUES (?, ?) RETURNING id').get(provider, syncedMs) as { id: number };
    const insert = db.statement(
      `INSERT INTO catalog_models (sync_id, provider, id, prompt_price, completion_price, context, expiration, raw_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (sync_id, id) DO UPDATE SET provider = excluded.provider, prompt_price = excluded.prompt_price, completion_price = excluded.completion_price,
         context = excluded.context, expiration = excluded.expiration, raw_json = excluded.raw_json`,
    );
    for (const model of models) {
      insert.run(sync.id, provider, model.id, model.prompt_price, model.completion_price, model.context, model.expiration, JSON.stringify(model.raw ?? null));
    }
    // keep the last two syncs per provider: enough to report what changed
    db.statement('DELETE FROM catalog_syncs WHERE provider = ? AND id NOT IN (SELECT id FROM catalog_syncs WHERE provider = ? ORDER BY id DESC LIMIT 2)').run(provider, provider);
  });
}

function syncIds(db: Db, provider: string): number[] {
  return (db.statement('SELECT id FROM catalog_syncs WHERE provider = ? ORDER BY id DESC LIMIT 2').all(provider) as Array<{ id: number }>).map((row) => row.id);
}

/**
 * A sync's rows never change once written, so each connection parses a sync's models once: serve reads the catalog
 * on every request, and OpenRouter's is hundreds of models of raw JSON. Only the newest two syncs are kept.
 */
const parsed = new WeakMap<Db, Map<number, CatalogModel[]>>();

function modelsOf(db: Db, syncId: number | undefined): CatalogModel[] {
  if (syncId === undefined) return [];
  const cache = parsed.get(db) ?? new Map<number, CatalogModel[]>();
  parsed.set(db, cache);
  const known = cache.get(syncId);
  if (known) return [...known];
  const models = readModels(db, syncId);
  cache.set(syncId, models);
  for (const id of cache.keys()) if (cache.size > 4 && id !== syncId) cache.delete(id);
  return [...models];
}

function readModels(db: Db, syncId: number): CatalogModel[] {
  const rows = db.statement('SELECT id, prompt_price, completion_price, context, expiration, raw_json FROM catalog_models WHERE sync_id = ? ORDER BY id').all(syncId) as CatalogRecord[];
  return rows.map(({ raw_json, ...model }) => ({ ...model, raw: raw_json ? JSON.parse(raw_json) : null }));
}

export function catalogOf(db: Db, provider: string): CatalogModel[] {
  return modelsOf(db, syncIds(db, provider)[0]);
}

export function previousCatalog(db: Db, provider: string): CatalogModel[] {
  return modelsOf(db, syncIds(db, provider)[1]);
}

export function lastSync(db: Db, provider: string): number | undefined {
  const row = db.statement('SELECT synced_ms FROM catalog_syncs WHERE provider = ? ORDER BY id DESC LIMIT 1').get(provider) as { synced_ms: number } | undefined;
  return row?.synced_ms;
}
