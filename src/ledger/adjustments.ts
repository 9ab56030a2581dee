// A provider counted more than portai did (another tool used the same key, another machine's ledger): a reconcile
// records the difference as an adjustment row in `attempts`, so every sum the guards read — rolling, calendar,
// per-model, requests, credits, USD — sees it with no second code path. It is never a negative row: portai raises a
// count to the provider's, never lowers it. client = 'reconcile' tells the rows apart in `runs` and reports.
import { newId as ulid } from './ids.js';
import { type Db, iso } from './db.js';
import { countChange } from './usage-counters.js';

export const ADJUSTMENT_CLIENT = 'reconcile';
export const ADJUSTMENT_MODEL = '(reconcile)';

export interface Adjustment {
  provider: string;
  /** a per-model cap's model; default: no model of the provider (provider-wide windows only) */
  model?: string;
  /** when the adjustment counts from: placed so it leaves the window when the provider's own window resets */
  at_ms: number;
  requests?: number;
  /** USD at list price (USD windows) */
  list_usd?: number;
  /** USD the provider billed (budgets) */
  cost_usd?: number;
  credits?: number;
  /** what the provider said, for `runs` and the report */
  reason: string;
  now_ms: number;
}

export function recordAdjustment(db: Db, adjustment: Adjustment): string {
  const id = ulid(adjustment.now_ms);
  const positive = (value: number | undefined) => Math.max(0, value ?? 0);
  const model = adjustment.model ?? ADJUSTMENT_MODEL;
  // the row and its share of the usage counters in one transaction, as every attempt
  db.immediate(() => {
    db.statement(
      `INSERT INTO attempts (id, run_id, step_id, provider, model, billing, client, status, error_message, weight, reserved_usd, list_usd_reserved, list_usd, cost_usd, credits_reserved, credits, started_utc, started_ms, finished_utc, duration_ms)
       VALUES (?, NULL, NULL, ?, ?, ?, ?, 'ok', ?, ?, 0, 0, ?, ?, 0, ?, ?, ?, ?, 0)`,
    ).run(
      id,
      adjustment.provider,
      model,
      positive(adjustment.cost_usd) > 0 ? 'metered' : 'subscription',
      ADJUSTMENT_CLIENT,
      adjustment.reason,
      positive(adjustment.requests),
      positive(adjustment.list_usd),
      positive(adjustment.cost_usd),
      positive(adjustment.credits),
      iso(adjustment.at_ms),
      adjustment.at_ms,
      iso(adjustment.now_ms),
    );
    countChange(db, null, {
      provider: adjustment.provider,
      model,
      started_ms: adjustment.at_ms,
      status: 'ok',
      weight: positive(adjustment.requests),
      list_usd: positive(adjustment.list_usd),
      list_usd_reserved: 0,
      cost_usd: positive(adjustment.cost_usd),
      reserved_usd: 0,
      credits: positive(adjustment.credits),
      credits_reserved: 0,
    });
  });
  return id;
}
