// Eval results: one row per case run, attributed to the model that served it (and a real run's step whose output
// never met its schema: case id `run:<step>`, a failure).
import { type Db, iso } from './db.js';
import { newId } from './ids.js';

export interface EvalResultInit {
  skill: string;
  skill_hash: string;
  case_id: string;
  candidate: string;
  served_model: string | null;
  status: 'pass' | 'fail' | 'not_run';
  problem?: string | null;
  cost_usd: number;
  latency_ms: number;
  /** the candidate's catalog entry when it ran (price and context), null when its provider was never synced */
  catalog_entry?: string | null;
  now_ms: number;
}

export interface EvalResultRow extends Omit<EvalResultInit, 'now_ms' | 'problem' | 'catalog_entry'> {
  id: string;
  problem: string | null;
  catalog_entry: string | null;
  created_utc: string;
  created_ms: number;
}

export function saveEvalResult(db: Db, init: EvalResultInit): string {
  const id = newId(init.now_ms);
  db.statement(
    `INSERT INTO eval_results (id, skill, skill_hash, case_id, candidate, served_model, status, problem, cost_usd, latency_ms, catalog_entry, created_utc, created_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(id, init.skill, init.skill_hash, init.case_id, init.candidate, init.served_model, init.status, init.problem ?? null, init.cost_usd, Math.round(init.latency_ms), init.catalog_entry ?? null, iso(init.now_ms), init.now_ms);
  return id;
}

export function evalResultsOf(db: Db, skill: string): EvalResultRow[] {
  return db.statement('SELECT * FROM eval_results WHERE skill = ? ORDER BY created_ms, id').all(skill) as EvalResultRow[];
}
