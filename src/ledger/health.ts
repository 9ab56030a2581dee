// Blocks on models and providers: gone models, exhausted quotas, cool-downs, 402s (one run), cost alarms (until cleared).
import type { HealthBlock } from '../types.js';
import { type Db, iso } from './db.js';

interface HealthRecord {
  provider: string;
  model: string | null;
  scope: HealthBlock['scope'];
  kind: HealthBlock['kind'];
  reason: string;
  until_ms: number | null;
  run_id: string | null;
}

export function addBlock(db: Db, block: HealthBlock, now = db.now()): void {
  db.statement('INSERT INTO health (provider, model, scope, kind, reason, until_ms, run_id, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    block.provider,
    block.model,
    block.scope,
    block.kind,
    block.reason,
    block.until_ms,
    block.run_id ?? null,
    iso(now),
  );
}

/** Blocks in force now: not cleared, not expired, and run-scoped ones only for their own run. */
export function activeBlocks(db: Db, now: number, runId?: string | null): HealthBlock[] {
  const rows = db
    .statement(
      `SELECT provider, model, scope, kind, reason, until_ms, run_id FROM health
       WHERE cleared_utc IS NULL AND (until_ms IS NULL OR until_ms > ?) AND (run_id IS NULL OR run_id = ?)
       ORDER BY id`,
    )
    .all(now, runId ?? null) as HealthRecord[];
  return rows.map((row) => ({ ...row }));
}

export function clearBlocks(db: Db, provider: string, kind?: string, now = db.now()): number {
  const sql = kind
    ? 'UPDATE health SET cleared_utc = ? WHERE provider = ? AND kind = ? AND cleared_utc IS NULL'
    : 'UPDATE health SET cleared_utc = ? WHERE provider = ? AND cleared_utc IS NULL';
  return (kind ? db.statement(sql).run(iso(now), provider, kind) : db.statement(sql).run(iso(now), provider)).changes;
}
