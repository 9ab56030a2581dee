// Read-only history for reports (the dashboard): attempts, plans and alarms over a span of time.
// Nothing here decides anything; the guards count windows through attempts.ts alone.
import type { Plan } from '../types.js';
import { type Db, SqliteDb, parseJson } from './db.js';

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
  cost_usd: number;
  list_usd: number;
}

/** Per model since then: finished attempts, answered ones, reported cost and list price. */
export function modelOutcomes(db: Db, since_ms: number): ModelOutcomes[] {
  return db
    .statement(
      `SELECT provider, model, COUNT(*) AS attempts, SUM(status = 'ok') AS ok, COALESCE(SUM(cost_usd), 0) AS cost_usd, COALESCE(SUM(list_usd), 0) AS list_usd
       FROM attempts WHERE started_ms >= ? AND status != 'reserved' GROUP BY provider, model`,
    )
    .all(since_ms) as ModelOutcomes[];
}

/** Per model since then: the durations of answered attempts, ascending. */
export function answerDurations(db: Db, since_ms: number): Array<{ provider: string; model: string; duration_ms: number }> {
  return db
    .statement(
      `SELECT provider, model, duration_ms FROM attempts
       WHERE started_ms >= ? AND status = 'ok' AND duration_ms IS NOT NULL ORDER BY provider, model, duration_ms`,
    )
    .all(since_ms) as Array<{ provider: string; model: string; duration_ms: number }>;
}

export interface LastError {
  provider: string;
  model: string;
  started_utc: string;
  error_kind: string | null;
  http_status: number | null;
  error_message: string | null;
}

/** Per model since then: its newest failed attempt. */
export function lastErrors(db: Db, since_ms: number): LastError[] {
  // SQLite's documented bare-column rule: with MAX(), the other columns come from the row that holds the maximum
  return db
    .statement(
      `SELECT provider, model, MAX(started_ms) AS started_ms, started_utc, error_kind, http_status, error_message
       FROM attempts WHERE started_ms >= ? AND status = 'error' GROUP BY provider, model`,
    )
    .all(since_ms) as LastError[];
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
