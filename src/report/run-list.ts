// `portai runs list --json` and the dashboard's /api/runs: the newest runs, as DESIGN.md's machine-readable list.
import type { Ledger, RunStatus } from '../ledger/index.js';

export interface ListedRun {
  id: string;
  skill: string;
  status: RunStatus;
  started_utc: string;
  finished_utc: string | null;
}

/** a status filter reads this many newest runs, then keeps the matching ones (interrupted is derived, not stored) */
const STATUS_SCAN = 1000;

export function runList(ledger: Ledger, options: { limit: number; skill?: string; status?: string }): ListedRun[] {
  const scan = options.status ? Math.max(options.limit, STATUS_SCAN) : options.limit;
  return ledger
    .listRuns({ limit: scan, skill: options.skill })
    .filter((run) => !options.status || run.status === options.status)
    .slice(0, options.limit)
    .map((run) => ({ id: run.id, skill: run.skill, status: run.status, started_utc: run.started_utc, finished_utc: run.finished_utc ?? null }));
}
