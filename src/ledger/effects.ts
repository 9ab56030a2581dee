// Side effects of a run (http steps): what was about to be sent, with which Idempotency-Key, and how it ended.
// `sending` is written before each request leaves; the result replaces it. A `sending` row found on resume means
// the request may or may not have reached the receiver.
import { type Db, iso } from './db.js';

export type EffectState = 'sending' | 'sent' | 'failed' | 'skipped';

export interface EffectRow {
  run_id: string;
  step_id: string;
  state: EffectState;
  idempotency_key: string | null;
  /** how many times the request was handed to the network (retries and resends included) */
  sends: number;
  started_utc: string;
  finished_utc: string | null;
}

/** Called before every send: the row says `sending`, with the key the request carries. */
export function markSending(db: Db, runId: string, stepId: string, key: string | null, now = db.now()): void {
  db.statement(
    `INSERT INTO effects (run_id, step_id, state, idempotency_key, sends, started_utc) VALUES (?, ?, 'sending', ?, 1, ?)
     ON CONFLICT (run_id, step_id) DO UPDATE SET state = 'sending', idempotency_key = excluded.idempotency_key, sends = effects.sends + 1,
       started_utc = excluded.started_utc, finished_utc = NULL`,
  ).run(runId, stepId, key, iso(now));
}

export function finishEffect(db: Db, runId: string, stepId: string, state: Exclude<EffectState, 'sending'>, now = db.now()): void {
  db.statement(
    `INSERT INTO effects (run_id, step_id, state, sends, started_utc, finished_utc) VALUES (?, ?, ?, 0, ?, ?)
     ON CONFLICT (run_id, step_id) DO UPDATE SET state = excluded.state, finished_utc = excluded.finished_utc`,
  ).run(runId, stepId, state, iso(now), iso(now));
}

export function effectOf(db: Db, runId: string, stepId: string): EffectRow | undefined {
  return db.statement('SELECT * FROM effects WHERE run_id = ? AND step_id = ?').get(runId, stepId) as EffectRow | undefined;
}

export function effectsOf(db: Db, runId: string): EffectRow[] {
  return db.statement('SELECT * FROM effects WHERE run_id = ? ORDER BY started_utc, step_id').all(runId) as EffectRow[];
}
