// Per model: how it has been doing (success, latency, cost actual vs list), what the router refused it for, its
// last error, what the catalog says (gone, re-priced, expiring), and its eval pass rate per skill.
import type { Config } from '../types.js';
import type { Ledger } from '../ledger/index.js';
import { catalogStatus, compareCatalog, configuredModels } from '../catalog/index.js';
import { STALE_AFTER_MS } from '../evals/evidence.js';

const DAY_MS = 86_400_000;

export interface ModelReport {
  provider: string;
  model: string;
  /** finished attempts (ok + error) in the span; in-flight ones are left out */
  attempts: number;
  ok: number;
  errors: number;
  /** ok / attempts; null with no attempt */
  success_rate: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  /** reported cost, USD */
  cost_usd: number;
  /** the same requests at the model's list price, USD (what a subscription's USD windows count) */
  list_usd: number;
  /** rejections in the plans of the span's runs, by guard */
  refusals: Record<string, number>;
  last_error: { at_utc: string; kind: string | null; http_status: number | null; message: string | null } | null;
  catalog: { synced_utc: string; gone: boolean; priced: boolean; expires: string | null } | null;
  /** pass rate per skill of the last 30 days' eval results (not-run cases are no evidence) */
  evals: Array<{ skill: string; passed: number; failed: number; pass_rate: number }>;
}

export function modelReport(config: Config, ledger: Ledger, now: number, days = 7): { since_utc: string; models: ModelReport[] } {
  const since = now - days * DAY_MS;
  const models = new Map<string, ModelReport>();
  const entry = (provider: string, model: string): ModelReport => {
    const key = `${provider}/${model}`;
    let found = models.get(key);
    if (!found) {
      found = { provider, model, attempts: 0, ok: 0, errors: 0, success_rate: null, p50_ms: null, p95_ms: null, cost_usd: 0, list_usd: 0, refusals: {}, last_error: null, catalog: null, evals: [] };
      models.set(key, found);
    }
    return found;
  };
  for (const provider of Object.values(config.providers)) for (const model of provider.models) entry(provider.name, model.id);

  // per model: its counts and sums, the durations at the two percentile ranks and its newest error, each read by SQL
  // from the covering index over the span (history.ts): no attempt row is read one by one, however many there are
  for (const outcome of ledger.modelOutcomes(since)) {
    const row = entry(outcome.provider, outcome.model);
    Object.assign(row, { attempts: outcome.attempts, ok: outcome.ok, errors: outcome.attempts - outcome.ok, cost_usd: outcome.cost_usd, list_usd: outcome.list_usd });
    row.p50_ms = outcome.timed > 0 ? (ledger.answerDurationAt(outcome.provider, outcome.model, since, rankOf(outcome.timed, 0.5)) ?? null) : null;
    row.p95_ms = outcome.timed > 0 ? (ledger.answerDurationAt(outcome.provider, outcome.model, since, rankOf(outcome.timed, 0.95)) ?? null) : null;
    if (outcome.attempts > outcome.ok) {
      const error = ledger.lastError(outcome.provider, outcome.model, since);
      if (error) row.last_error = { at_utc: error.started_utc, kind: error.error_kind, http_status: error.http_status, message: error.error_message };
    }
  }
  for (const { plan } of ledger.plansSince(since)) {
    for (const rejection of plan.rejected) {
      const row = entry(rejection.provider, rejection.model);
      row.refusals[rejection.guard] = (row.refusals[rejection.guard] ?? 0) + 1;
    }
  }

  const statuses = catalogStatus(config, ledger, now);
  for (const status of statuses) entry(status.provider, status.model).catalog = { synced_utc: new Date(status.synced_ms).toISOString(), gone: status.gone, priced: status.priced, expires: null };
  for (const provider of Object.values(config.providers)) {
    if (!provider.catalog || ledger.lastSync(provider.name) === undefined) continue;
    const changes = compareCatalog({ models: configuredModels(config, provider), previous: null, current: ledger.catalogOf(provider.name), now_ms: now });
    for (const expiring of changes.expiring) {
      const row = models.get(`${provider.name}/${expiring.id}`);
      if (row?.catalog) row.catalog.expires = expiring.expires;
    }
  }

  const evals = new Map<string, { passed: number; failed: number }>();
  for (const result of ledger.allEvalResults()) {
    if (result.status === 'not_run' || now - result.created_ms > STALE_AFTER_MS) continue;
    const key = `${result.candidate}\u0000${result.skill}`;
    const counts = evals.get(key) ?? { passed: 0, failed: 0 };
    if (result.status === 'pass') counts.passed++;
    else counts.failed++;
    evals.set(key, counts);
  }
  for (const [key, counts] of evals) {
    const [candidate, skill] = key.split('\u0000');
    const slash = candidate.indexOf('/');
    if (slash < 0) continue;
    entry(candidate.slice(0, slash), candidate.slice(slash + 1)).evals.push({ skill, ...counts, pass_rate: round(counts.passed / (counts.passed + counts.failed)) });
  }

  for (const row of models.values()) {
    row.success_rate = row.attempts > 0 ? round(row.ok / row.attempts) : null;
    row.cost_usd = round(row.cost_usd);
    row.list_usd = round(row.list_usd);
  }
  return { since_utc: new Date(since).toISOString(), models: [...models.values()] };
}

/** nearest rank: the smallest value with at least that share of values at or below it */
export function percentile(sorted: number[], share: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[rankOf(sorted.length, share)];
}

/** the 0-based index of that nearest rank among `count` ascending values */
function rankOf(count: number, share: number): number {
  return Math.max(0, Math.ceil(share * count) - 1);
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
