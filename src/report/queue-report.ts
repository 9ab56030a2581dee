// `portai queue list --json` and the dashboard's /api/queue: jobs as DESIGN.md's machine-readable list.
import type { JobRow, Ledger } from '../ledger/index.js';

const FINISHED = new Set(['done', 'cancelled']);

export interface ListedJob {
  id: string;
  run_id: string;
  skill: string;
  state: JobRow['state'];
  not_before: string | null;
  reason: string | null;
  attempts: number;
}

/** finished jobs (done, cancelled) only with `all` */
export function queueJobs(ledger: Ledger, options: { all?: boolean }): JobRow[] {
  return ledger.listJobs().filter((job) => options.all || !FINISHED.has(job.state));
}

export function listedJob(job: JobRow): ListedJob {
  return {
    id: job.id,
    run_id: job.run_id,
    skill: job.skill,
    state: job.state,
    not_before: job.not_before_ms === null || job.not_before_ms === undefined ? null : new Date(job.not_before_ms).toISOString(),
    reason: job.reason ?? null,
    attempts: job.attempts,
  };
}
