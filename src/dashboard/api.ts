// The dashboard's JSON endpoints, for its page and for scripts. Each answer is a report function's own result, the
// same one the CLI prints with --json (src/report/), so the page and `portai usage --json` cannot disagree.
import type { Config } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { usageJson } from '../report/usage-json.js';
import { quotaReport } from '../report/quota-report.js';
import { spendReport } from '../report/spend-report.js';
import { modelReport } from '../report/model-report.js';
import { runList } from '../report/run-list.js';
import { runDetail } from '../report/run-detail.js';
import { listedJob, queueJobs } from '../report/queue-report.js';

export interface DashboardContext {
  config: Config;
  ledger: Ledger;
  env: Record<string, string | undefined>;
  clock: () => number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** `name` is the path after `/api/`; undefined: no such endpoint */
export function apiAnswer(context: DashboardContext, name: string, query: URLSearchParams): unknown {
  const { config, ledger, env } = context;
  const now = context.clock();
  if (name === 'usage') return usageJson(config, ledger, env, now);
  if (name === 'quota') return { at_utc: new Date(now).toISOString(), windows: quotaReport(config, ledger, env, now) };
  if (name === 'spend') return spendReport(config, ledger, env, now, wholeNumber(query, 'days', 14, 1, 366));
  if (name === 'models') return modelReport(config, ledger, now, wholeNumber(query, 'days', 7, 1, 366));
  if (name === 'queue') return queueJobs(ledger, { all: query.get('all') === '1' || query.get('all') === 'true' }).map(listedJob);
  if (name === 'runs') {
    return runList(ledger, { limit: wholeNumber(query, 'limit', 20, 1, 1000), skill: query.get('skill') || undefined, status: query.get('status') || undefined });
  }
  if (name.startsWith('runs/')) {
    const id = decodeURIComponent(name.slice('runs/'.length));
    const detail = runDetail(ledger, id);
    if (!detail) throw new ApiError(404, `no run with id ${id}`);
    return detail;
  }
  return undefined;
}

function wholeNumber(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new ApiError(400, `${name}=${text}: expected a whole number from ${min} to ${max}`);
  return value;
}
