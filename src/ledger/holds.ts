// Admission holds: requests a run's later steps will need, counted as used until the step takes them or the run
// lets them go. A hold left by a process that died expires by itself.
import type { Db } from './db.js';

/** Longer than any run that keeps going; short enough that a crashed run does not starve the window for long. */
export const HOLD_MS = 2 * 3_600_000;

export interface HoldRow {
  run_id: string;
  step_id: string;
  provider: string;
  weight: number;
  /** worst-case credits of the later step (credit windows) */
  credits?: number;
}

export interface Held {
  weight: number;
  credits: number;
}

export function addHold(db: Db, hold: HoldRow, now: number): void {
  db.statement('INSERT INTO holds (run_id, step_id, provider, weight, credits, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?)').run(hold.run_id, hold.step_id, hold.provider, hold.weight, hold.credits ?? 0, now, now + HOLD_MS);
}

/** The step is being sent now: its hold becomes the attempt itself. */
export function takeHold(db: Db, run_id: string, step_id: string): void {
  db.statement('DELETE FROM holds WHERE run_id = ? AND step_id = ?').run(run_id, step_id);
}

export function releaseHolds(db: Db, run_id: string): number {
  return db.statement('DELETE FROM holds WHERE run_id = ?').run(run_id).changes;
}

/** Held weight and credits per provider, live holds only; a run planning its own steps leaves out what it holds itself. */
export function heldByProvider(db: Db, now: number, exceptRun: string | null = null): Map<string, Held> {
  const rows = db
    .statement('SELECT provider, SUM(weight) AS weight, SUM(credits) AS credits FROM holds WHERE expires_ms > ? AND run_id IS DISTINCT FROM ? GROUP BY provider')
    .all(now, exceptRun) as Array<{ provider: string; weight: number; credits: number | null }>;
  return new Map(rows.map((row) => [row.provider, { weight: row.weight, credits: row.credits ?? 0 }]));
}
