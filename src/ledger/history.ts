// Read-only history for reports (the dashboard): attempts, plans and alarms over a span of time.
// Nothing here decides anything; the guards count windows through attempts.ts alone.
import type { Plan } from '../types.js';
import { type Db, SqliteDb, parseJson } from './db.js';
import { usageSince, type WindowUsage } from './usage-counters.js';

/** What a window counts of one request: its weight, what it cost (or reserved, while in flight) and its list price. */
export interface UsageFact {
  started_ms: number;
  weight: number;
  /** reported cost, or the reserved worst case while in flight (as the budget counts it), USD */
  spent_usd: number;
  /** list price of what was used, or reserved (as USD windows count it), USD */
  list_usd: number;
  /** credits drawn, or the reserved worst case while in flight (as credit windows count them) */
  credits: number;
  model: string;
}

/** One provider's requests since then, oldest first; answered from the usage index alone. */
export function usageFactsSince(db: Db, provider: string, since_ms: number): UsageFact[] {
  return db
    .statement(
      `SELECT started_ms, weight, COALESCE(cost_usd, reserved_usd) AS spent_usd, COALESCE(list_usd, list_usd_reserved) AS list_usd,
         COALESCE(credits, credits_reserved, 0) AS credits, model
       FROM attempts WHERE provider = ? AND started_ms >= ? ORDER BY started_ms`,
    )
    .all(provider, since_ms) as UsageFact[];
}

/** One bucket of the usage counters (usage-counters.ts), its models summed: what it counts, in requests, USD and credits. */
export interface UsageBucket {
  bucket_ms: number;
  weight: number;
  spent_usd: number;
  list_usd: number;
  credits: number;
}

/**
 * One provider's counter buckets of one size (1 s, 1 min or 1 h) with from <= bucket_ms < to, oldest first, only the
 * given models' when some are named: at most (to - from) / size rows, however many attempts they count.
 */
export function usageBuckets(db: Db, provider: string, models: string[] | undefined, size_ms: number, from_ms: number, to_ms: number): UsageBucket[] {
  const named: Record<string, string | number> = { provider, size: size_ms, from: from_ms, to: to_ms };
  (models ?? []).forEach((model, index) => (named[`model${index}`] = model));
  const model = models && models.length > 0 ? ` AND model IN (${models.map((_model, index) => `@model${index}`).join(', ')})` : '';
  const rows = db
    .statement(
      `SELECT bucket_ms, SUM(weight_micro) AS weight, SUM(spend_nano_usd) AS spend, SUM(list_nano_usd) AS list, SUM(credits_micro) AS credits
       FROM usage_counters WHERE provider = @provider AND size_ms = @size AND bucket_ms >= @from AND bucket_ms < @to${model}
       GROUP BY bucket_ms ORDER BY bucket_ms`,
    )
    .all(named) as Array<{ bucket_ms: number; weight: number; spend: number; list: number; credits: number }>;
  // the counters' integer units (usage-counters.ts): millionths of a request or credit, billionths of a dollar
  return rows.map((row) => ({ bucket_ms: row.bucket_ms, weight: row.weight / 1e6, spent_usd: row.spend / 1e9, list_usd: row.list / 1e9, credits: row.credits / 1e6 }));
}

/** One provider's (or its models') usage of the attempts with started_ms > after_ms, from the running counters. */
export function usageAfter(db: Db, provider: string, models: string[] | undefined, after_ms: number): WindowUsage {
  return usageSince(db, { provider, ...(models ? { models } : {}), after_ms });
}

/** One provider's spend per day since then (day 0 starts at since_ms), days with none left out. */
export function spendPerDay(db: Db, provider: string, since_ms: number): Array<{ day: number; usd: number }> {
  return db
    .statement(
      `SELECT CAST((started_ms - @since) / 86400000 AS INTEGER) AS day, SUM(COALESCE(cost_usd, reserved_usd)) AS usd
       FROM attempts WHERE provider = @provider AND started_ms >= @since GROUP BY day HAVING usd != 0 ORDER BY day`,
    )
    .all({ provider, since: since_ms }) as Array<{ day: number; usd: number }>;
}

export interface ModelOutcomes {
  provider: string;
  model: string;
  /** finished attempts (in-flight ones left out) */
  attempts: number;
  ok: number;
  /** answered attempts with a duration: how many the latency percentiles rank */
  timed: number;
  cost_usd: number;
  list_usd: number;
}

// The models page reads these through the covering index attempts_model_status (provider, model, status, started_ms,
// duration_ms, cost_usd, list_usd; migration 015): sums and ranks in SQL, no attempt row read into JS.

/** Per model since then: finished attempts, answered ones (and those with a duration), reported cost and list price. */
export function modelOutcomes(db: Db, since_ms: number): ModelOutcomes[] {
  return db
    .statement(
      `SELECT provider, model, COUNT(*) AS attempts, SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) AS ok,
         SUM(CASE WHEN status = 'ok' AND duration_ms IS NOT NULL THEN 1 ELSE 0 END) AS timed,
         COALESCE(SUM(cost_usd), 0) AS cost_usd, COALESCE(SUM(list_usd), 0) AS list_usd
       FROM attempts WHERE started_ms >= ? AND status != 'reserved' GROUP BY provider, model`,
    )
    .all(since_ms) as ModelOutcomes[];
}

/** The duration of one model's answered attempt of that rank (0 = the fastest) since then, or undefined. */
export function answerDurationAt(db: Db, provider: string, model: string, since_ms: number, rank: number): number | undefined {
  const row = db
    .statement(
      `SELECT duration_ms FROM attempts WHERE provider = ? AND model = ? AND status = 'ok' AND started_ms >= ? AND duration_ms IS NOT NULL
       ORDER BY duration_ms LIMIT 1 OFFSET ?`,
    )
    .get(provider, model, since_ms, rank) as { duration_ms: number } | undefined;
  return row?.duration_ms;
}

export interface LastError {
  provider: string;
  model: string;
  started_utc: string;
  error_kind: string | null;
  http_status: number | null;
  error_message: string | null;
}

/** One model's newest failed attempt since then: one step down the index from its newest end. */
export function lastError(db: Db, provider: string, model: string, since_ms: number): LastError | undefined {
  return db
    .statement(
      `SELECT provider, model, started_utc, error_kind, http_status, error_message FROM attempts
       WHERE provider = ? AND model = ? AND status = 'error' AND started_ms >= ? ORDER BY started_ms DESC LIMIT 1`,
    )
    .get(provider, model, since_ms) as LastError | undefined;
}

export interface PlanFact {
  run_id: string;
  step_id: string;
  started_ms: number;
  plan: Plan;
}

/** the plans of runs started since then (a plan is stored with its run) */
export function plansSince(db: Db, since_ms: number): PlanFact[] {
  const rows = db
    .statement(
      `SELECT plans.run_id, plans.step_id, runs.started_ms, plans.plan_json FROM plans JOIN runs ON runs.id = plans.run_id
       WHERE runs.started_ms >= ? ORDER BY runs.started_ms, plans.run_id, plans.step_id`,
    )
    .all(since_ms) as Array<{ run_id: string; step_id: string; started_ms: number; plan_json: string }>;
  return rows.map((row) => ({ run_id: row.run_id, step_id: row.step_id, started_ms: row.started_ms, plan: parseJson(row.plan_json) as Plan }));
}

export interface AlarmFact {
  provider: string;
  model: string | null;
  reason: string;
  run_id: string | null;
  created_utc: string;
  /** when `portai providers unblock` cleared it; null = still blocking */
  cleared_utc: string | null;
}

/** every cost alarm ever raised, cleared ones too, newest first */
export function costAlarms(db: Db): AlarmFact[] {
  return db
    .statement(`SELECT provider, model, reason, run_id, created_utc, cleared_utc FROM health WHERE kind = 'cost_alarm' ORDER BY id DESC`)
    .all() as AlarmFact[];
}

/** Changes whenever anyone commits to the ledger: another process (data_version) or this connection (total_changes). */
export function changeMark(db: Db): string {
  if (!(db instanceof SqliteDb)) {
    // a shared (PostgreSQL) ledger has no data_version: the newest attempt, run and job change stand in for it
    const row = db.statement('SELECT (SELECT MAX(id) FROM attempts) AS a, (SELECT COUNT(*) FROM attempts WHERE finished_utc IS NOT NULL) AS f, (SELECT COUNT(*) FROM jobs) AS j').get() as Record<string, unknown>;
    return `${String(row.a)}.${String(row.f)}.${String(row.j)}`;
  }
  const version = db.sqlite.pragma('data_version', { simple: true }) as number;
  const own = (db.sqlite.prepare('SELECT total_changes() AS changes').get() as { changes: number }).changes;
  return `${version}.${own}`;
}
