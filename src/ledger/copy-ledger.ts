// `portai ledger migrate --to postgres://…`: a SQLite ledger's history copied into a shared one. Idempotent: every
// row is keyed (ULIDs, run and step ids), so copying twice, or two machines copying theirs, adds each row once.
import type { Db } from './db.js';
import { rebuildHealthCounters } from './health-counters.js';
import { rebuildUsageCounters } from './usage-counters.js';

export interface CopyCount {
  table: string;
  read: number;
  copied: number;
}

/** Tables keyed by their own ids: insert, or leave the row that is already there. */
const KEYED_TABLES = ['runs', 'attempts', 'plans', 'step_prompts', 'step_results', 'effects', 'jobs', 'schedules', 'eval_results'];
const BATCH = 200;

export function copyLedger(source: Db, target: Db): CopyCount[] {
  return target.immediate(() => {
    const counts = KEYED_TABLES.map((table) => copyKeyed(source, target, table));
    counts.push(copyHealth(source, target), copyCatalog(source, target));
    // the copied attempts count in the target's windows and health evidence as its own do: its running counters are
    // summed again from all of its attempt rows, in the same transaction as the copy
    const connection = { prepare: (sql: string) => ({ run: (...parameters: unknown[]) => target.statement(sql).run(...parameters), iterate: (...parameters: unknown[]) => target.statement(sql).all(...parameters)[Symbol.iterator]() }) };
    rebuildUsageCounters(connection);
    rebuildHealthCounters(connection);
    return counts;
  });
}

function copyKeyed(source: Db, target: Db, table: string): CopyCount {
  // insertion order kept: plans and prompts are read back in it
  const rows = source.statement(`SELECT * FROM ${table} ORDER BY rowid`).all() as Array<Record<string, unknown>>;
  let copied = 0;
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const columns = Object.keys(batch[0]);
    const placeholders = batch.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
    copied += target
      .statement(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${placeholders} ON CONFLICT DO NOTHING`)
      .run(...batch.flatMap((row) => columns.map((column) => row[column]))).changes;
  }
  return { table, read: rows.length, copied };
}

/** Blocks have a local serial id: the same block is the same provider, model, kind, reason and time. */
function copyHealth(source: Db, target: Db): CopyCount {
  const rows = source.statement('SELECT provider, model, scope, kind, reason, until_ms, run_id, created_utc, cleared_utc FROM health ORDER BY id').all() as Array<Record<string, unknown>>;
  const insert = target.statement(
    `INSERT INTO health (provider, model, scope, kind, reason, until_ms, run_id, created_utc, cleared_utc)
     SELECT @provider, @model, @scope, @kind, @reason, @until_ms, @run_id, @created_utc, @cleared_utc
     WHERE NOT EXISTS (SELECT 1 FROM health WHERE provider = @provider AND kind = @kind AND reason = @reason AND created_utc = @created_utc
       AND model IS NOT DISTINCT FROM @model)`,
  );
  let copied = 0;
  for (const row of rows) copied += insert.run(row).changes;
  return { table: 'health', read: rows.length, copied };
}

/** The newest catalog of each provider the shared ledger has none of (a catalog is refreshed by `models sync`). */
function copyCatalog(source: Db, target: Db): CopyCount {
  const syncs = source.statement('SELECT id, provider, synced_ms FROM catalog_syncs s WHERE id = (SELECT MAX(id) FROM catalog_syncs WHERE provider = s.provider) ORDER BY provider').all() as Array<{ id: number; provider: string; synced_ms: number }>;
  let read = 0;
  let copied = 0;
  for (const sync of syncs) {
    const models = source.statement('SELECT provider, id, prompt_price, completion_price, context, expiration, raw_json FROM catalog_models WHERE sync_id = ? ORDER BY id').all(sync.id) as Array<Record<string, unknown>>;
    read += models.length;
    if (target.statement('SELECT 1 AS known FROM catalog_syncs WHERE provider = ?').get(sync.provider)) continue;
    const made = target.statement('INSERT INTO catalog_syncs (provider, synced_ms) VALUES (?, ?) RETURNING id').get(sync.provider, sync.synced_ms) as { id: number };
    const insert = target.statement('INSERT INTO catalog_models (sync_id, provider, id, prompt_price, completion_price, context, expiration, raw_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (const model of models) copied += insert.run(made.id, model.provider, model.id, model.prompt_price, model.completion_price, model.context, model.expiration, model.raw_json).changes;
  }
  return { table: 'catalog_models', read, copied };
}
