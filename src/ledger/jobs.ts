// The durable queue of deferred runs. A job is leased to one worker at a time; a lease whose owner process is gone
// (same host) or whose time ran out is taken over, so a killed worker loses nothing.
import { newId as ulid } from './ids.js';
import { type Db, iso } from './db.js';
import { processAlive } from './owner.js';

export type JobState = 'queued' | 'running' | 'waiting' | 'done' | 'failed' | 'cancelled';
/** run: a deferred `run skill`; eval: a deferred `portai eval` (or a new model's trial), worked after every runnable run */
export type JobKind = 'run' | 'eval';

export interface JobRow {
  id: string;
  run_id: string;
  skill: string;
  state: JobState;
  not_before_ms: number | null;
  reason: string | null;
  attempts: number;
  lease_owner: string | null;
  lease_pid: number | null;
  lease_host: string | null;
  lease_until_ms: number | null;
  deadline_notified: number;
  /** 1 while the job waits for the user's decision (`runs resume --resend | --skip-step`): no worker takes it */
  awaiting_user: number;
  kind: JobKind;
  /** what an eval job runs (models, repeat, why it was queued), as JSON; null for a run */
  spec_json: string | null;
  created_utc: string;
  updated_utc: string;
}

export interface JobOwner {
  id: string;
  pid: number;
  host: string;
}

export interface JobInit {
  run_id: string;
  skill: string;
  not_before_ms?: number | null;
  kind?: JobKind;
  spec?: unknown;
}

export function enqueue(db: Db, job: JobInit, now = db.now()): string {
  const id = ulid(now);
  db.statement(`INSERT INTO jobs (id, run_id, skill, state, not_before_ms, kind, spec_json, created_utc, updated_utc) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)`).run(
    id, job.run_id, job.skill, job.not_before_ms ?? null, job.kind ?? 'run', job.spec === undefined ? null : JSON.stringify(job.spec), iso(now), iso(now),
  );
  return id;
}

/**
 * Take the next runnable job, atomically. Runnable: queued or waiting and due, or running under a dead lease.
 * Ordinary runs first: an eval is worked only when no run is runnable (it also stops at its reserve, see quota-guard).
 * Claiming is not an attempt: a job found blocked goes back to waiting; only a run that sent and failed counts —
 * and a take-over, since a job whose worker died mid-run may have sent (and a job that kills its worker must end).
 */
export function claimJob(db: Db, owner: JobOwner, now: number, leaseMs: number): JobRow | undefined {
  return db.immediate(() => {
    const candidates = db
      .statement(
        `SELECT * FROM jobs WHERE (state IN ('queued', 'waiting') AND awaiting_user = 0 AND (not_before_ms IS NULL OR not_before_ms <= ?)) OR state = 'running'
         ORDER BY CASE WHEN kind = 'eval' THEN 1 ELSE 0 END, COALESCE(not_before_ms, 0), id${db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : ''}`,
      )
      .all(now) as JobRow[];
    const job = candidates.find((row) => row.state !== 'running' || leaseLost(row, owner, now));
    if (!job) return undefined;
    db.statement(
      `UPDATE jobs SET state = 'running', attempts = attempts + CASE WHEN state = 'running' THEN 1 ELSE 0 END, lease_owner = ?, lease_pid = ?, lease_host = ?, lease_until_ms = ?, updated_utc = ? WHERE id = ?`,
    ).run(owner.id, owner.pid, owner.host, now + leaseMs, iso(now), job.id);
    return db.statement('SELECT * FROM jobs WHERE id = ?').get(job.id) as JobRow;
  });
}

/**
 * On this host the owner's process tells the truth: alive means still working (however long the job takes),
 * gone means the job is ours to take at once. A lease from another host holds until it runs out.
 */
function leaseLost(job: JobRow, owner: JobOwner, now: number): boolean {
  if (job.lease_host === owner.host && job.lease_pid !== null) return job.lease_pid !== owner.pid && !processAlive(job.lease_pid);
  return job.lease_until_ms === null || job.lease_until_ms <= now;
}

/** An ordinary deferred run could be claimed now: a running eval gives way to it between case runs. */
export function runnableRunWaits(db: Db, now: number): boolean {
  return db.statement(`SELECT 1 FROM jobs WHERE kind = 'run' AND state IN ('queued', 'waiting') AND awaiting_user = 0 AND (not_before_ms IS NULL OR not_before_ms <= ?) LIMIT 1`).get(now) !== undefined;
}

export function renewLease(db: Db, id: string, owner: JobOwner, until: number): boolean {
  return db.statement(`UPDATE jobs SET lease_until_ms = ?, updated_utc = ? WHERE id = ? AND lease_owner = ? AND state = 'running'`).run(until, iso(db.now()), id, owner.id).changes === 1;
}

export interface JobStateExtra {
  not_before_ms?: number | null;
  reason?: string | null;
  awaiting_user?: boolean;
}

export function setJobState(db: Db, id: string, state: JobState, extra: JobStateExtra = {}, now = db.now()): void {
  db.statement(
    `UPDATE jobs SET state = ?, not_before_ms = CASE WHEN ? = 1 THEN ? ELSE not_before_ms END, reason = CASE WHEN ? = 1 THEN ? ELSE reason END,
       awaiting_user = ?, lease_owner = NULL, lease_pid = NULL, lease_host = NULL, lease_until_ms = NULL, updated_utc = ? WHERE id = ?`,
  ).run(state, extra.not_before_ms !== undefined ? 1 : 0, extra.not_before_ms ?? null, extra.reason !== undefined ? 1 : 0, extra.reason ?? null, extra.awaiting_user ? 1 : 0, iso(now), id);
}

/** A run that sent requests and failed: one attempt toward max_attempts and the backoff. Returns the new count. */
export function countJobAttempt(db: Db, id: string): number {
  db.statement('UPDATE jobs SET attempts = attempts + 1 WHERE id = ?').run(id);
  return (db.statement('SELECT attempts FROM jobs WHERE id = ?').get(id) as { attempts: number } | undefined)?.attempts ?? 0;
}

export function listJobs(db: Db): JobRow[] {
  return db.statement('SELECT * FROM jobs ORDER BY id').all() as JobRow[];
}

export function getJob(db: Db, id: string): JobRow | undefined {
  return db.statement('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
}

/** `--defer` prints the run id; every queue command takes either id. A run has at most one live job; the newest wins. */
export function findJob(db: Db, id: string): JobRow | undefined {
  return db.statement('SELECT * FROM jobs WHERE id = ? OR run_id = ? ORDER BY id DESC LIMIT 1').get(id, id) as JobRow | undefined;
}

export function cancelJob(db: Db, id: string): boolean {
  return db.statement(`UPDATE jobs SET state = 'cancelled', updated_utc = ? WHERE id = ? AND state IN ('queued', 'waiting', 'running')`).run(iso(db.now()), id).changes === 1;
}

export function markDeadlineNotified(db: Db, id: string): void {
  db.statement('UPDATE jobs SET deadline_notified = 1 WHERE id = ?').run(id);
}

export function lastScheduled(db: Db, skill: string): number | undefined {
  const row = db.statement('SELECT last_ms FROM schedules WHERE skill = ?').get(skill) as { last_ms: number } | undefined;
  return row?.last_ms;
}

export function setLastScheduled(db: Db, skill: string, ms: number): void {
  db.statement('INSERT INTO schedules (skill, last_ms) VALUES (?, ?) ON CONFLICT (skill) DO UPDATE SET last_ms = excluded.last_ms').run(skill, ms);
}
