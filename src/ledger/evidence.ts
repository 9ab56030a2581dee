// Recent health per model, read from the attempts: the evidence the router ranks equally-priced candidates by.
import type { HealthEvidence } from '../types.js';
import type { Db } from './db.js';

const HOUR_MS = 3_600_000;
const RECENT_MS = 10 * 60_000;
/** a request's weight halves every 15 minutes, so a model that failed a minute ago stays behind one that works now */
const HALF_LIFE_MS = 15 * 60_000;

interface AttemptFact {
  provider: string;
  model: string;
  status: 'ok' | 'error';
  duration_ms: number | null;
  started_ms: number;
}

/**
 * Reconcile adjustments (ledger/adjustments.ts) are counts, not answers: never evidence.
 * Account-wide answers (the day's free cap, a 402, a bad key) say nothing about the model, so they are not its evidence.
 */
export function healthEvidence(db: Db, now: number): HealthEvidence[] {
  const rows = db
    .statement(
      `SELECT provider, model, status, duration_ms, started_ms FROM attempts
       WHERE started_ms > ? AND status IN ('ok', 'error') AND (client IS NULL OR client <> 'reconcile')
         AND (error_kind IS NULL OR error_kind NOT IN ('quota_exhausted', 'payment_required', 'auth', 'bad_request', 'context_overflow'))`,
    )
    .all(now - HOUR_MS) as AttemptFact[];
  const byModel = new Map<string, { facts: AttemptFact[] }>();
  for (const row of rows) {
    const key = `${row.provider}/${row.model}`;
    const entry = byModel.get(key) ?? { facts: [] };
    entry.facts.push(row);
    byModel.set(key, entry);
  }
  return [...byModel.values()].map(({ facts }) => summarise(facts, now));
}

function summarise(facts: AttemptFact[], now: number): HealthEvidence {
  let okWeight = 0;
  let totalWeight = 0;
  let latency = 0;
  let oks = 0;
  let recentFailures = 0;
  for (const fact of facts) {
    const weight = 0.5 ** (Math.max(0, now - fact.started_ms) / HALF_LIFE_MS);
    totalWeight += weight;
    if (fact.status === 'ok') {
      okWeight += weight;
      oks++;
      latency += fact.duration_ms ?? 0;
    } else if (now - fact.started_ms <= RECENT_MS) recentFailures++;
  }
  return {
    provider: facts[0].provider,
    model: facts[0].model,
    total: facts.length,
    ok: oks,
    // one imagined success and one failure (a Laplace prior): no evidence scores 0.5, one lucky request is not 1.0
    score: (okWeight + 1) / (totalWeight + 2),
    recent_failures: recentFailures,
    latency_ms: oks > 0 ? Math.round(latency / oks) : null,
  };
}
