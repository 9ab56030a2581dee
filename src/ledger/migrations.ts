// Append-only, named migrations. Never edit a shipped one: add the next.
import type Database from 'better-sqlite3';
import { rebuildUsageCounters } from './usage-counters.js';
import { rebuildHealthCounters } from './health-counters.js';

/** What a migration may do: run DDL. SQLite runs it as written; PostgreSQL through a dialect translation (postgres/ddl.ts). */
export interface MigrationTarget {
  exec(sql: string): unknown;
  /** a data migration's statements (better-sqlite3's shape; PostgreSQL's through the same translation as every statement) */
  prepare(sql: string): { run(...parameters: unknown[]): unknown; iterate(...parameters: unknown[]): IterableIterator<unknown> };
}

export interface Migration {
  name: string;
  up(db: MigrationTarget): void;
}

export const MIGRATIONS: Migration[] = [
  {
    name: '001_runs_attempts',
    up(db) {
      db.exec(`
        CREATE TABLE runs (
          id TEXT PRIMARY KEY,
          skill TEXT NOT NULL,
          skill_file TEXT NOT NULL,
          skill_hash TEXT NOT NULL,
          skill_commit TEXT,
          inputs_json TEXT NOT NULL,
          now_utc TEXT NOT NULL,
          today TEXT NOT NULL,
          status TEXT NOT NULL,
          output_json TEXT,
          error TEXT,
          started_utc TEXT NOT NULL,
          started_ms INTEGER NOT NULL,
          finished_utc TEXT
        );
        CREATE INDEX runs_started ON runs (started_ms);
        CREATE INDEX runs_skill ON runs (skill, started_ms);
        CREATE TABLE attempts (
          id TEXT PRIMARY KEY,
          run_id TEXT,
          step_id TEXT,
          provider TEXT NOT NULL,
          model TEXT NOT NULL,
          billing TEXT NOT NULL,
          client TEXT,
          status TEXT NOT NULL,
          error_kind TEXT,
          error_message TEXT,
          http_status INTEGER,
          weight REAL NOT NULL DEFAULT 1,
          reserved_usd REAL NOT NULL DEFAULT 0,
          list_usd_reserved REAL NOT NULL DEFAULT 0,
          list_usd REAL,
          cost_usd REAL,
          input_tokens INTEGER,
          output_tokens INTEGER,
          duration_ms INTEGER,
          started_utc TEXT NOT NULL,
          started_ms INTEGER NOT NULL,
          finished_utc TEXT,
          pid INTEGER
        );
        CREATE INDEX attempts_provider_time ON attempts (provider, started_ms);
        CREATE INDEX attempts_billing_time ON attempts (billing, started_ms);
        CREATE INDEX attempts_run ON attempts (run_id);
        CREATE TABLE plans (run_id TEXT NOT NULL, step_id TEXT NOT NULL, plan_json TEXT NOT NULL, PRIMARY KEY (run_id, step_id));
        CREATE TABLE step_results (
          run_id TEXT NOT NULL, step_id TEXT NOT NULL, content_hash TEXT NOT NULL, output_json TEXT NOT NULL, finished_utc TEXT NOT NULL,
          PRIMARY KEY (run_id, step_id)
        );
        CREATE INDEX step_results_hash ON step_results (content_hash);
      `);
    },
  },
  {
    name: '002_health',
    up(db) {
      db.exec(`
        CREATE TABLE health (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          provider TEXT NOT NULL,
          model TEXT,
          scope TEXT NOT NULL,
          kind TEXT NOT NULL,
          reason TEXT NOT NULL,
          until_ms INTEGER,
          run_id TEXT,
          created_utc TEXT NOT NULL,
          cleared_utc TEXT
        );
        CREATE INDEX health_active ON health (cleared_utc, until_ms);
      `);
    },
  },
  {
    name: '003_jobs_schedules',
    up(db) {
      db.exec(`
        CREATE TABLE jobs (
          id TEXT PRIMARY KEY,
          run_id TEXT NOT NULL,
          skill TEXT NOT NULL,
          state TEXT NOT NULL,
          not_before_ms INTEGER,
          reason TEXT,
          attempts INTEGER NOT NULL DEFAULT 0,
          lease_owner TEXT,
          lease_pid INTEGER,
          lease_host TEXT,
          lease_until_ms INTEGER,
          deadline_notified INTEGER NOT NULL DEFAULT 0,
          created_utc TEXT NOT NULL,
          updated_utc TEXT NOT NULL
        );
        CREATE INDEX jobs_state ON jobs (state, not_before_ms);
        CREATE TABLE schedules (skill TEXT PRIMARY KEY, last_ms INTEGER NOT NULL);
      `);
    },
  },
  {
    name: '004_catalog',
    up(db) {
      db.exec(`
        CREATE TABLE catalog_syncs (id INTEGER PRIMARY KEY AUTOINCREMENT, provider TEXT NOT NULL, synced_ms INTEGER NOT NULL);
        CREATE TABLE catalog_models (
          sync_id INTEGER NOT NULL REFERENCES catalog_syncs (id) ON DELETE CASCADE,
          provider TEXT NOT NULL,
          id TEXT NOT NULL,
          prompt_price REAL,
          completion_price REAL,
          context INTEGER,
          expiration TEXT,
          raw_json TEXT,
          PRIMARY KEY (sync_id, id)
        );
        CREATE INDEX catalog_syncs_provider ON catalog_syncs (provider, synced_ms);
      `);
    },
  },
  {
    // Covering indexes: the quota and budget checks read only these columns, so SQLite answers them from the
    // index alone, and the whole-ledger size stops mattering (the day's budget check no longer scans the table).
    name: '005_usage_covering_indexes',
    up(db) {
      db.exec(`
        DROP INDEX attempts_provider_time;
        DROP INDEX attempts_billing_time;
        CREATE INDEX attempts_provider_usage ON attempts (provider, started_ms, weight, status, billing, cost_usd, reserved_usd, list_usd, list_usd_reserved);
        CREATE INDEX attempts_time_spend ON attempts (started_ms, billing, cost_usd, reserved_usd);
      `);
    },
  },
  {
    // Who is running a run (pid and host), so a run whose process died shows as interrupted instead of
    // running for ever; and the config it ran under, so `runs resume` works from any folder.
    name: '006_run_owner_config',
    up(db) {
      db.exec(`
        ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
        ALTER TABLE runs ADD COLUMN owner_host TEXT;
        ALTER TABLE runs ADD COLUMN config_file TEXT;
      `);
    },
  },
  {
    // Eval results (portai eval): evidence about the model that actually served, for one skill content hash and case.
    name: '007_eval_results',
    up(db) {
      db.exec(`
        CREATE TABLE eval_results (
          id TEXT PRIMARY KEY,
          skill TEXT NOT NULL,
          skill_hash TEXT NOT NULL,
          case_id TEXT NOT NULL,
          candidate TEXT NOT NULL,
          served_model TEXT,
          status TEXT NOT NULL,
          problem TEXT,
          cost_usd REAL NOT NULL,
          latency_ms INTEGER NOT NULL,
          created_utc TEXT NOT NULL,
          created_ms INTEGER NOT NULL
        );
        CREATE INDEX eval_results_skill ON eval_results (skill, created_ms);
      `);
    },
  },
  {
    // the messages each LLM step sent, as rendered (declared env values redacted), for `runs show`
    name: '008_step_prompts',
    up(db) {
      db.exec('CREATE TABLE step_prompts (run_id TEXT NOT NULL, step_id TEXT NOT NULL, messages_json TEXT NOT NULL, PRIMARY KEY (run_id, step_id))');
    },
  },
  {
    // Side effects (http steps): `sending` is written before the request goes out, so a resumed run knows what may
    // have reached the receiver. A job can wait for the user (a keyless effect that may have been sent).
    name: '009_effects',
    up(db) {
      db.exec(`
        CREATE TABLE effects (
          run_id TEXT NOT NULL,
          step_id TEXT NOT NULL,
          state TEXT NOT NULL,
          idempotency_key TEXT,
          sends INTEGER NOT NULL DEFAULT 0,
          started_utc TEXT NOT NULL,
          finished_utc TEXT,
          PRIMARY KEY (run_id, step_id)
        );
        ALTER TABLE jobs ADD COLUMN awaiting_user INTEGER NOT NULL DEFAULT 0;
      `);
    },
  },
  {
    // Admission holds: a run's later steps keep their request of a scarce window from the moment its first request
    // is reserved, so no other run can take the prompt this one needs to finish.
    name: '010_admission_holds',
    up(db) {
      db.exec(`
        CREATE TABLE holds (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          run_id TEXT NOT NULL,
          step_id TEXT NOT NULL,
          provider TEXT NOT NULL,
          weight INTEGER NOT NULL,
          created_ms INTEGER NOT NULL,
          expires_ms INTEGER NOT NULL
        );
        CREATE INDEX holds_run ON holds (run_id, step_id);
        CREATE INDEX holds_provider ON holds (provider, expires_ms);
      `);
    },
  },
  {
    // Deferred evals (portai eval --defer, new-model trials) are jobs of their own kind, worked after ordinary runs;
    // an eval result remembers the catalog entry it was measured on, so a re-priced or resized model's results go stale.
    name: '011_eval_jobs_catalog_entry',
    up(db) {
      db.exec(`
        ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'run';
        ALTER TABLE jobs ADD COLUMN spec_json TEXT;
        ALTER TABLE eval_results ADD COLUMN catalog_entry TEXT;
      `);
    },
  },
  {
    // Credits (Z.AI's credit plans): a reservation holds its worst case until the answer's tokens give the real
    // figure, as list_usd does for USD windows; a later step's hold keeps its worst-case credits too. The covering
    // index gains the model (per-model caps) and credits.
    name: '012_attempt_credits',
    up(db) {
      db.exec(`
        ALTER TABLE attempts ADD COLUMN credits_reserved REAL NOT NULL DEFAULT 0;
        ALTER TABLE attempts ADD COLUMN credits REAL;
        ALTER TABLE holds ADD COLUMN credits REAL NOT NULL DEFAULT 0;
        DROP INDEX attempts_provider_usage;
        CREATE INDEX attempts_provider_usage ON attempts (provider, started_ms, weight, status, billing, cost_usd, reserved_usd, list_usd, list_usd_reserved, model, credits, credits_reserved);
      `);
    },
  },
  {
    // Running usage counters (usage-counters.ts): quota and budget checks read a bounded number of bucket rows
    // instead of summing today's attempts. Integer units (millionths of a request, billionths of a dollar), so
    // adding and removing an attempt's share never drifts. Credits in millionths. Summed once from the attempts already recorded.
    name: '013_usage_counters',
    up(db) {
      db.exec(`
        CREATE TABLE usage_counters (
          provider TEXT NOT NULL,
          size_ms INTEGER NOT NULL,
          bucket_ms INTEGER NOT NULL,
          model TEXT NOT NULL,
          weight_micro INTEGER NOT NULL DEFAULT 0,
          list_nano_usd INTEGER NOT NULL DEFAULT 0,
          spend_nano_usd INTEGER NOT NULL DEFAULT 0,
          in_flight INTEGER NOT NULL DEFAULT 0,
          credits_micro INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (provider, size_ms, bucket_ms, model)
        );
        CREATE INDEX usage_counters_time ON usage_counters (size_ms, bucket_ms);
      `);
      rebuildUsageCounters(db);
    },
  },
  {
    // Running health counters (health-counters.ts): the router's health evidence reads at most an hour of minute
    // buckets per model instead of every answered attempt of the hour. Decay sums are REAL (evidence ranks, it never
    // guards: a float residue far below ranking's 0.01 tie is harmless). Summed once from the attempts already recorded.
    name: '014_health_counters',
    up(db) {
      db.exec(`
        CREATE TABLE health_counters (
          bucket_ms INTEGER NOT NULL,
          provider TEXT NOT NULL,
          model TEXT NOT NULL,
          total INTEGER NOT NULL DEFAULT 0,
          ok INTEGER NOT NULL DEFAULT 0,
          ok_latency_ms REAL NOT NULL DEFAULT 0,
          failures INTEGER NOT NULL DEFAULT 0,
          decay_all REAL NOT NULL DEFAULT 0,
          decay_ok REAL NOT NULL DEFAULT 0,
          PRIMARY KEY (bucket_ms, provider, model)
        );
      `);
      rebuildHealthCounters(db);
    },
  },
  {
    // The dashboard's models page (history.ts): per model, its outcomes, latency percentiles and last error are read
    // from this covering index over the span asked for, instead of reading the span's attempt rows one by one.
    name: '015_attempts_model_index',
    up(db) {
      db.exec('CREATE INDEX attempts_model_status ON attempts (provider, model, status, started_ms, duration_ms, cost_usd, list_usd)');
    },
  },
  {
    // The counters gain a tenth-of-a-second and a day bucket (usage-counters.ts BUCKET_SIZES): a window's edge reads
    // at most 100 ms of attempt rows instead of a second of them, and today is one row per provider and model. The
    // table is keyed by its primary key alone (no rowid), so a bucket's sums are read and updated in one b-tree.
    // Summed again from the attempts already recorded.
    name: '016_usage_counters_tenths_days',
    up(db) {
      db.exec(`
        DROP TABLE usage_counters;
        CREATE TABLE usage_counters (
          provider TEXT NOT NULL,
          size_ms INTEGER NOT NULL,
          bucket_ms INTEGER NOT NULL,
          model TEXT NOT NULL,
          weight_micro INTEGER NOT NULL DEFAULT 0,
          list_nano_usd INTEGER NOT NULL DEFAULT 0,
          spend_nano_usd INTEGER NOT NULL DEFAULT 0,
          in_flight INTEGER NOT NULL DEFAULT 0,
          credits_micro INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (provider, size_ms, bucket_ms, model)
        ) WITHOUT ROWID;
        CREATE INDEX usage_counters_time ON usage_counters (size_ms, bucket_ms);
      `);
      rebuildUsageCounters(db);
    },
  },
  {
    // Fewer pages written per request. Two attempt indexes no statement reads any more: (provider, started_ms) is the
    // head of attempts_provider_usage, and (billing, started_ms) served the day's metered spend, which the counters sum
    // now. The time index keeps only the time (what the health edges and stale reservations look up), so settling an
    // answer's cost no longer rewrites it. The health counters are keyed by their primary key alone (no rowid), summed
    // again from the attempts.
    name: '017_fewer_pages_per_request',
    up(db) {
      db.exec(`
        DROP INDEX IF EXISTS attempts_provider_time;
        DROP INDEX IF EXISTS attempts_billing_time;
        DROP INDEX IF EXISTS attempts_time_spend;
        CREATE INDEX attempts_time ON attempts (started_ms);
        DROP TABLE health_counters;
        CREATE TABLE health_counters (
          bucket_ms INTEGER NOT NULL,
          provider TEXT NOT NULL,
          model TEXT NOT NULL,
          total INTEGER NOT NULL DEFAULT 0,
          ok INTEGER NOT NULL DEFAULT 0,
          ok_latency_ms REAL NOT NULL DEFAULT 0,
          failures INTEGER NOT NULL DEFAULT 0,
          decay_all REAL NOT NULL DEFAULT 0,
          decay_ok REAL NOT NULL DEFAULT 0,
          PRIMARY KEY (bucket_ms, provider, model)
        ) WITHOUT ROWID;
      `);
      rebuildHealthCounters(db);
    },
  },
];

/**
 * The tables of a SQLite file that is someone else's database, or null when it is empty or portai's own
 * (its migrations table records portai's first migration, or is all there is after an interrupted start).
 * Read only: a foreign file must be refused before anything, even the WAL switch, writes to it.
 */
export function foreignTables(db: Database.Database): string[] | null {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((row) => row.name);
  if (tables.length === 0 || !tables.includes('migrations')) return tables.length === 0 ? null : tables;
  try {
    // another program's `migrations` table has other columns or other names in it
    const rows = db.prepare('SELECT name, applied_utc FROM migrations').all() as Array<{ name: string }>;
    if (rows.some((row) => row.name === MIGRATIONS[0].name)) return null;
    if (rows.length === 0 && tables.length === 1) return null;
  } catch (error) {
    // no such column: not ours; a damaged file is reported as damaged by the caller
    if (!/^no such column/.test((error as Error).message)) throw error;
  }
  return tables;
}

export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_utc TEXT NOT NULL)');
  const isApplied = db.prepare('SELECT 1 FROM migrations WHERE name = ?');
  const record = db.prepare('INSERT INTO migrations (name, applied_utc) VALUES (?, ?)');
  // every start reads the list once; only a ledger that lacks some migration takes the write lock for each
  const applied = new Set((db.prepare('SELECT name FROM migrations').all() as Array<{ name: string }>).map((row) => row.name));
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.name)) continue;
    // checked again inside the write lock: two processes opening a new ledger at once apply each migration once
    db.transaction(() => {
      if (isApplied.get(migration.name)) return;
      migration.up(db);
      record.run(migration.name, new Date().toISOString());
    }).immediate();
  }
}
