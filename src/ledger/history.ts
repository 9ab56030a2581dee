// Read-only history for reports (the dashboard): attempts, plans and alarms over a span of time.
// Nothing here decides anything; the guards count windows through attempts.ts alone.
import type { Plan } from '../types.js';
import { type Db, parseJson } from './db.js';

export interface AttemptFact {
  run_id: string | null;
  provider: string;
  model: string;
  billing: string;
  status: 'reserved' | 'ok' | 'error';
  error_kind: string | null;
  error_message: string | null;
  http_status: number | null;
  weight: number;
  /** reported cost, USD; null while in flight or when not reported */
  cost_usd: number | null;
  reserved_usd: number;
  /** list price of what was used, USD (USD windows count it) */
  list_usd: number | null;
  list_usd_reserved: number;
  duration_ms: number | null;
  started_ms: number;
  started_utc: string;
}

export function attemptsSince(db: Db, since_ms: number): AttemptFact[] {
  return db
    .statement(
      `SELECT run_id, provider, model, billing, status, error_kind, error_message, http_status, weight, cost_usd, reserved_usd,
              list_usd, list_usd_reserved, duration_ms, started_ms, started_utc
       FROM attempts WHERE started_ms >= ? ORDER BY started_ms, id`,
    )
    .all(since_ms) as AttemptFact[];
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
  const version = db.sqlite.pragma('data_version', { simple: true }) as number;
  const own = (db.sqlite.prepare('SELECT total_changes() AS changes').get() as { changes: number }).changes;
  return `${version}.${own}`;
}
